"""Reading management API input: 0-based pages, JSON bodies, whole numbers from the query string."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from app.errors import AppError
from app.extensions import db

DEFAULT_PAGE_SIZE = 10  # One API's fixed ItemsPerPage; its SPA relies on it
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000_000  # keeps the offset inside a 64-bit integer on every database


def query_int(name: str, default: int = 0) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise AppError(f"Invalid parameter: '{name}' must be a whole number.") from None


def page_bounds() -> tuple[int, int]:
    """(offset, limit) from ``p`` (0-based; negative means 0) and our addition ``page_size``."""
    page = min(MAX_PAGE, max(0, query_int("p")))
    size = min(MAX_PAGE_SIZE, max(1, query_int("page_size", DEFAULT_PAGE_SIZE)))
    return page * size, size


def paged(statement: Select) -> tuple[list, int]:
    """One page of rows, and the total count across pages (One API returns no total; clients may ignore it)."""
    offset, limit = page_bounds()
    total = db.session.execute(select(func.count()).select_from(statement.order_by(None).subquery())).scalar()
    rows = db.session.execute(statement.offset(offset).limit(limit)).scalars().all()
    return list(rows), total


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise AppError("Invalid parameter: expected a JSON object.")
    if _holds_nul(body):
        raise AppError(_NUL_MESSAGE)
    return body


# PostgreSQL cannot store a NUL character in text, and no field of ours has a use for one.
_NUL_MESSAGE = "Invalid parameter: text may not contain NUL characters."


def _holds_nul(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 8:
        return False
    if isinstance(value, dict):
        return any(_holds_nul(key, depth + 1) or _holds_nul(item, depth + 1) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item, depth + 1) for item in value)
    return False


def reject_nul_in_query() -> None:
    """Runs before every /api view: a NUL anywhere in the query string is refused up front."""
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        raise AppError(_NUL_MESSAGE)


def body_int(body: dict, name: str, *, default: int | None = None, minimum: int | None = None) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AppError(f"Invalid parameter: '{name}' must be a whole number.")
    if minimum is not None and value < minimum:
        raise AppError(f"Invalid parameter: '{name}' must be at least {minimum}.")
    return value


def body_str(body: dict, name: str, *, default: str | None = None, max_length: int | None = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise AppError(f"Invalid parameter: '{name}' must be a string.")
    if max_length is not None and len(value) > max_length:
        raise AppError(f"Invalid parameter: '{name}' is longer than {max_length} characters.")
    return value
