"""Error handlers: management errors as the ``{success, message}`` envelope, never an HTML page or a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from app.errors import STORAGE_OUTAGE_MESSAGE, AppError, is_storage_outage, render_api_error

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.register_error_handler(AppError, render_api_error)
    app.register_error_handler(HTTPException, _render_http_exception)
    app.register_error_handler(Exception, _render_unexpected)


def _render_http_exception(error: HTTPException):
    if error.code == 429:
        return jsonify(success=False, message="Too many requests from this address; try again later."), 429
    return jsonify(success=False, message=error.description or error.name), error.code or 500


def _render_unexpected(error: Exception):
    if is_storage_outage(error):
        log.error("Storage unavailable: %s", error)
        return jsonify(success=False, message=STORAGE_OUTAGE_MESSAGE), 503
    log.exception("Unhandled error")
    return jsonify(success=False, message="Internal server error; the details are in the server log."), 500
