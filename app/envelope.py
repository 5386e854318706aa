"""The management API's ``{"success", "message", "data"}`` reply envelope."""

from __future__ import annotations

from typing import Any

from flask import jsonify


def ok(data: Any = None, message: str = ""):
    body: dict[str, Any] = {"success": True, "message": message}
    if data is not None:
        body["data"] = data
    return jsonify(body)
