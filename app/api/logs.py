"""Logs of the management API (/api/log/...), and the per-day usage dashboard."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from flask import g, request
from sqlalchemy import ColumnElement, Select, delete, func, or_, select

from app.api import bp
from app.api.guards import require_admin, require_user
from app.api.openapi import describe
from app.api.params import paged, query_int
from app.envelope import ok
from app.errors import AppError
from app.extensions import db
from app.models import Log
from app.models.log import LOG_CONSUME

MAX_SEARCH_RESULTS = 100  # One API's MaxRecentItems
DELETE_BATCH_SIZE = 5_000  # rows per transaction, so a purge never holds the table for long
DASHBOARD_DAYS = 7
SECONDS_PER_DAY = 86_400
MAX_BIGINT = 2**63 - 1

# Query filters: a 0 or empty value means "any", as in One API; type 0 means every type.
_NUMBER_FILTERS = {
    "type": lambda number: Log.type == number,
    "start_timestamp": lambda number: Log.created_at >= number,
    "end_timestamp": lambda number: Log.created_at <= number,
    "channel": lambda number: Log.channel_id == number,
}
_TEXT_FILTERS = {"username": Log.username, "token_name": Log.token_name, "model_name": Log.model_name}
ADMIN_FILTERS = ("type", "start_timestamp", "end_timestamp", "username", "token_name", "model_name", "channel")
SELF_FILTERS = tuple(name for name in ADMIN_FILTERS if name != "username")
PAGE_QUERY = {"p": {"type": "integer", "minimum": 0}, "page_size": {"type": "integer", "minimum": 1, "maximum": 100}}

LOG_SCHEMA = {"type": "object", "properties": {
    **{name: {"type": "integer"} for name in (
        "id", "user_id", "created_at", "type", "quota", "prompt_tokens", "completion_tokens", "channel",
        "elapsed_time")},
    **{name: {"type": "string"} for name in ("content", "username", "token_name", "model_name", "request_id")},
    "is_stream": {"type": "boolean"}, "system_prompt_reset": {"type": "boolean"},
}}
LOG_LIST_SCHEMA = {"type": "array", "items": LOG_SCHEMA}
STAT_SCHEMA = {"type": "object", "required": ["quota"], "properties": {"quota": {"type": "integer"}}}
DASHBOARD_SCHEMA = {"type": "array", "items": {"type": "object", "properties": {
    "Day": {"type": "string"}, "ModelName": {"type": "string"},
    **{name: {"type": "integer"} for name in ("RequestCount", "Quota", "PromptTokens", "CompletionTokens")},
}}}


def _filter_query(names: tuple[str, ...]) -> dict[str, dict]:
    return {name: {"type": "string"} if name in _TEXT_FILTERS else {"type": "integer", "minimum": 0}
            for name in names}


def log_view(log: Log, *, hide_id: bool = False) -> dict:
    """One API's log JSON; ``channel`` is the channel_id column. Users' own logs come back with id 0."""
    return {
        "id": 0 if hide_id else log.id, "user_id": log.user_id or 0, "created_at": log.created_at or 0,
        "type": log.type or 0, "content": log.content or "", "username": log.username or "",
        "token_name": log.token_name or "", "model_name": log.model_name or "", "quota": log.quota or 0,
        "prompt_tokens": log.prompt_tokens or 0, "completion_tokens": log.completion_tokens or 0,
        "channel": log.channel_id or 0, "request_id": log.request_id or "", "elapsed_time": log.elapsed_time or 0,
        "is_stream": bool(log.is_stream), "system_prompt_reset": bool(log.system_prompt_reset),
    }


@bp.get("/log/")
@describe("Every log, newest first, one page", query={**PAGE_QUERY, **_filter_query(ADMIN_FILTERS)},
          data=LOG_LIST_SCHEMA)
@require_admin
def list_logs():
    rows, total = paged(_newest_first(_conditions(ADMIN_FILTERS)))
    return ok([log_view(row) for row in rows], total=total)


@bp.delete("/log/")
@describe("Delete the logs created before target_timestamp; data is how many were deleted",
          query={"target_timestamp": {"type": "integer", "minimum": 1}}, data={"type": "integer"})
@require_admin
def delete_old_logs():
    target = _query_number("target_timestamp")
    if not target:
        raise AppError("target timestamp is required")
    return ok(delete_logs_before(target))


@bp.get("/log/stat")
@describe("The quota spent by the consume logs that match the filters (type is ignored)",
          query=_filter_query(ADMIN_FILTERS), data=STAT_SCHEMA)
@require_admin
def get_log_stat():
    return ok({"quota": _consumed_quota(_conditions(_without_type(ADMIN_FILTERS)))})


@bp.get("/log/search")
@describe("Logs whose type equals the keyword or whose content starts with it, newest 100",
          query={"keyword": {"type": "string"}}, data=LOG_LIST_SCHEMA)
@require_admin
def search_logs():
    return ok([log_view(row) for row in _search([])])


@bp.get("/log/self")
@describe("The caller's own logs, newest first, one page (ids hidden)",
          query={**PAGE_QUERY, **_filter_query(SELF_FILTERS)}, data=LOG_LIST_SCHEMA)
@require_user
def list_own_logs():
    rows, total = paged(_newest_first([Log.user_id == g.user.id, *_conditions(SELF_FILTERS)]))
    return ok([log_view(row, hide_id=True) for row in rows], total=total)


@bp.get("/log/self/stat")
@describe("The quota the caller's matching consume logs spent (type is ignored)",
          query=_filter_query(SELF_FILTERS), data=STAT_SCHEMA)
@require_user
def get_own_log_stat():
    conditions = [Log.user_id == g.user.id, *_conditions(_without_type(SELF_FILTERS))]
    return ok({"quota": _consumed_quota(conditions)})


@bp.get("/log/self/search")
@describe("The caller's logs whose type equals the keyword or whose content starts with it, newest 100",
          query={"keyword": {"type": "string"}}, data=LOG_LIST_SCHEMA)
@require_user
def search_own_logs():
    return ok([log_view(row, hide_id=True) for row in _search([Log.user_id == g.user.id])])


@bp.get("/user/dashboard")
@describe("The caller's consumption per UTC day and model over the last 7 days (One API's Go-cased keys)",
          data=DASHBOARD_SCHEMA)
@require_user
def get_dashboard():
    return ok(usage_by_day(g.user.id, int(time.time())))


def delete_logs_before(timestamp: int) -> int:
    """Delete the logs created before ``timestamp``, oldest ids first, DELETE_BATCH_SIZE rows per
    transaction, so relay calls writing their log rows wait for one short batch at most."""
    older = Log.created_at < timestamp
    deleted = 0
    while True:
        # The batch's last id bounds the DELETE (MySQL allows no LIMIT in a subquery).
        last_id = db.session.execute(
            select(Log.id).where(older).order_by(Log.id).offset(DELETE_BATCH_SIZE - 1).limit(1)).scalar()
        batch = older if last_id is None else older & (Log.id <= last_id)
        deleted += db.session.execute(delete(Log).where(batch)).rowcount
        db.session.commit()
        if last_id is None:
            return deleted


def usage_by_day(user_id: int, now: int) -> list[dict]:
    """The user's consume logs summed per (UTC day, model), from midnight six days ago to the end of today."""
    today = now - now % SECONDS_PER_DAY
    start, end = today - (DASHBOARD_DAYS - 1) * SECONDS_PER_DAY, today + SECONDS_PER_DAY - 1
    day = (Log.created_at - Log.created_at % SECONDS_PER_DAY).label("day")
    rows = db.session.execute(
        select(day, Log.model_name, func.count(), func.sum(Log.quota), func.sum(Log.prompt_tokens),
               func.sum(Log.completion_tokens))
        .where(Log.user_id == user_id, Log.type == LOG_CONSUME, Log.created_at.between(start, end))
        .group_by(day, Log.model_name).order_by(day, Log.model_name)
    ).all()
    return [{
        "Day": datetime.fromtimestamp(int(day_start), timezone.utc).strftime("%Y-%m-%d"),
        "ModelName": model or "", "RequestCount": int(count), "Quota": int(quota or 0),
        "PromptTokens": int(prompt_tokens or 0), "CompletionTokens": int(completion_tokens or 0),
    } for day_start, model, count, quota, prompt_tokens, completion_tokens in rows]


def _newest_first(conditions: list[ColumnElement]) -> Select:
    return select(Log).where(*conditions).order_by(Log.id.desc())


def _consumed_quota(conditions: list[ColumnElement]) -> int:
    statement = select(func.coalesce(func.sum(Log.quota), 0)).where(Log.type == LOG_CONSUME, *conditions)
    return int(db.session.execute(statement).scalar())


def _search(conditions: list[ColumnElement]) -> list[Log]:
    keyword = _query_text("keyword")
    matches = Log.content.startswith(keyword, autoescape=True)
    if keyword.isascii() and keyword.isdigit() and int(keyword) <= MAX_BIGINT:
        matches = or_(Log.type == int(keyword), matches)
    statement = _newest_first([*conditions, matches]).limit(MAX_SEARCH_RESULTS)
    return list(db.session.execute(statement).scalars())


def _conditions(names: tuple[str, ...]) -> list[ColumnElement]:
    conditions = []
    for name in names:
        if name in _TEXT_FILTERS:
            text = _query_text(name)
            if text:
                conditions.append(_TEXT_FILTERS[name] == text)
        else:
            number = _query_number(name)
            if number:
                conditions.append(_NUMBER_FILTERS[name](number))
    return conditions


def _without_type(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for name in names if name != "type")


def _query_number(name: str) -> int:
    number = query_int(name)
    if not 0 <= number <= MAX_BIGINT:
        raise AppError(f"Invalid parameter: '{name}' must be a whole number from 0 to {MAX_BIGINT}.")
    return number


def _query_text(name: str) -> str:
    text = request.args.get(name, "").strip()
    if "\x00" in text:  # PostgreSQL refuses NUL in text; no stored name or content holds one
        raise AppError(f"Invalid parameter: '{name}' contains a NUL character.")
    return text
