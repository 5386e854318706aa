"""Request ids: one per request, echoed in the X-Oneapi-Request-Id header and in error messages."""

from __future__ import annotations

import secrets
import time

from flask import Flask, g

HEADER = "X-Oneapi-Request-Id"


def new_request_id() -> str:
    # One API's shape: a UTC timestamp to the second, then random digits, so ids sort by time.
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + f"{secrets.randbelow(10**14):014d}"


def current_request_id() -> str:
    request_id = g.get("request_id")
    if request_id is None:
        request_id = g.request_id = new_request_id()
    return request_id


def init_app(app: Flask) -> None:
    @app.after_request
    def add_request_id_header(response):
        response.headers[HEADER] = current_request_id()
        return response
