"""The management API's ``{"success", "message", "data"}`` reply envelope."""

from __future__ import annotations

from typing import Any

from flask import jsonify


def ok(data: Any = None, message: str = "", **extra: Any):
    """A success reply. ``extra`` keys (e.g. ``total`` on lists) sit beside ``data``; One API clients ignore them."""
    body: dict[str, Any] = {"success": True, "message": message}
    if data is not None:
        body["data"] = data
    body.update(extra)
    return jsonify(body)
