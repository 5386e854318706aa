"""The application's error tree and the two ways of rendering it (management envelope, OpenAI shape)."""

from __future__ import annotations

from flask import jsonify


class AppError(Exception):
    """An error whose message is safe to show to the caller."""

    status = 400
    type = "invalid_request_error"
    code: str | None = None

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class Unauthorized(AppError):
    status = 401
    type = "authentication_error"


class Forbidden(AppError):
    status = 403
    type = "permission_error"


class NotFound(AppError):
    status = 404
    type = "not_found_error"


class TooManyRequests(AppError):
    status = 429
    type = "rate_limit_error"


def render_api_error(error: AppError, *, http_status: int | None = None):
    """The management API's ``{"success": false, "message"}`` envelope.

    One API answers most business failures with HTTP 200; its clients branch on ``success``. We keep
    that for compatibility, but authentication, permission and rate-limit failures carry their status.
    """
    status = http_status if http_status is not None else (error.status if error.status in (401, 403, 429) else 200)
    return jsonify(success=False, message=error.message), status


def is_storage_outage(error: Exception) -> bool:
    """True when the database or Redis could not be reached or ran out of connections: the caller may
    retry, so it gets a 503, not a 500."""
    import redis
    from sqlalchemy.exc import InterfaceError, OperationalError, TimeoutError as PoolTimeout

    return isinstance(error, (OperationalError, InterfaceError, PoolTimeout, redis.ConnectionError,
                              redis.TimeoutError))


STORAGE_OUTAGE_MESSAGE = "The gateway's storage is briefly unavailable; please retry."
