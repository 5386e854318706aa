"""Redemption codes (/api/redemption/..., admin), redeeming one (/api/user/topup) and admin top-ups (/api/topup)."""

from __future__ import annotations

import time
import uuid

from flask import g, request
from sqlalchemy import or_, select, update

from app.api import bp
from app.api.guards import require_admin, require_user
from app.api.openapi import describe
from app.api.params import body_int, body_str, json_body, paged
from app.billing.credits import MAX_AMOUNT, credit_user, redeem_code
from app.envelope import ok
from app.errors import AppError, NotFound
from app.extensions import db
from app.models import Redemption, User
from app.models.log import LOG_TOPUP
from app.models.redemption import REDEMPTION_DISABLED, REDEMPTION_ENABLED, REDEMPTION_USED
from app.models.user import USER_DELETED

MAX_NAME_LENGTH = 20
MAX_BATCH = 100
_LARGEST_ID = 2**63 - 1  # BIGINT; a larger id cannot exist, and SQLite's driver refuses to bind one

REDEMPTION_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "user_id": {"type": "integer", "description": "the admin who created it"},
    "key": {"type": "string"}, "status": {"type": "integer", "enum": [1, 2, 3]}, "name": {"type": "string"},
    "quota": {"type": "integer"}, "created_time": {"type": "integer"}, "redeemed_time": {"type": "integer"},
}}
_NAME = {"type": "string", "minLength": 1, "maxLength": MAX_NAME_LENGTH}
_QUOTA = {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT}
CREATE_BODY = {"type": "object", "required": ["name", "quota", "count"], "properties": {
    "name": _NAME, "quota": _QUOTA, "count": {"type": "integer", "minimum": 1, "maximum": MAX_BATCH}}}
UPDATE_BODY = {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "integer"}, "name": _NAME, "quota": _QUOTA,
    "status": {"type": "integer", "enum": [REDEMPTION_ENABLED, REDEMPTION_DISABLED]}}}
REDEEM_BODY = {"type": "object", "required": ["key"], "properties": {"key": {"type": "string"}}}
TOPUP_BODY = {"type": "object", "required": ["user_id", "quota"], "properties": {
    "user_id": {"type": "integer"}, "quota": {"type": "integer", "not": {"enum": [0]}},
    "remark": {"type": "string"}}}


@bp.get("/redemption/")
@describe("Redemption codes, newest first", query={"p": {"type": "integer"}, "page_size": {"type": "integer"}},
          data={"type": "array", "items": REDEMPTION_SCHEMA})
@require_admin
def list_redemptions():
    rows, total = paged(select(Redemption).order_by(Redemption.id.desc()))
    return ok([redemption_view(row) for row in rows], total=total)


@bp.get("/redemption/search")
@describe("Codes whose id is the keyword or whose name starts with it", query={"keyword": {"type": "string"}},
          data={"type": "array", "items": REDEMPTION_SCHEMA})
@require_admin
def search_redemptions():
    keyword = request.args.get("keyword", "").strip()
    matches = [Redemption.name.startswith(keyword, autoescape=True)]
    if keyword.isdecimal() and int(keyword) <= _LARGEST_ID:
        matches.append(Redemption.id == int(keyword))
    rows = db.session.execute(select(Redemption).where(or_(*matches)).order_by(Redemption.id.desc())).scalars()
    return ok([redemption_view(row) for row in rows])


@bp.get("/redemption/<int:redemption_id>")
@describe("One redemption code", data=REDEMPTION_SCHEMA)
@require_admin
def get_redemption(redemption_id: int):
    return ok(redemption_view(_redemption(redemption_id)))


@bp.post("/redemption/")
@describe("Create a batch of codes worth the same quota; data lists the new keys", body=CREATE_BODY,
          data={"type": "array", "items": {"type": "string"}})
@require_admin
def create_redemptions():
    body = json_body()
    name, quota = _name(body), _quota(body)
    count = body_int(body, "count", minimum=1)
    if count > MAX_BATCH:
        raise AppError(f"At most {MAX_BATCH} codes can be created at once.")
    now = int(time.time())
    codes = [Redemption(user_id=g.user.id, key=uuid.uuid4().hex, status=REDEMPTION_ENABLED, name=name,
                        quota=quota, created_time=now, redeemed_time=0) for _ in range(count)]
    db.session.add_all(codes)
    db.session.commit()
    return ok([code.key for code in codes])


@bp.put("/redemption/")
@describe("Edit a code's name and quota, or with status_only=true its status (1 enabled, 2 disabled)",
          body=UPDATE_BODY, query={"status_only": {"type": "string"}}, data=REDEMPTION_SCHEMA)
@require_admin
def update_redemption():
    body = json_body()
    code = _redemption(body_int(body, "id"))
    if request.args.get("status_only", "").lower() not in ("", "false", "0"):
        _set_status(code, body_int(body, "status"))
    else:
        code.name, code.quota = _name(body, default=code.name), _quota(body, default=code.quota)
        db.session.commit()
    return ok(redemption_view(code))


@bp.delete("/redemption/<int:redemption_id>")
@describe("Delete a redemption code")
@require_admin
def delete_redemption(redemption_id: int):
    db.session.delete(_redemption(redemption_id))
    db.session.commit()
    return ok()


@bp.post("/user/topup")
@describe("Redeem a code for the caller; data is the quota added", body=REDEEM_BODY, data={"type": "integer"})
@require_user
def redeem():
    key = body_str(json_body(), "key", default="").strip()
    if not key:
        raise AppError("Please enter a redemption code.")
    return ok(redeem_code(key, g.user.id))


@bp.post("/topup")
@describe("Add quota to a user (negative takes it away, never below zero) and log it", body=TOPUP_BODY)
@require_admin
def top_up():
    body = json_body()
    user = _top_up_target(body_int(body, "user_id"))
    quota = body_int(body, "quota")
    if quota == 0:
        raise AppError("Invalid parameter: 'quota' must not be zero.")
    remark = body_str(body, "remark", default="").strip()
    credit_user(user.id, quota, log_type=LOG_TOPUP, content=remark or f"Top-up by admin {g.user.username}",
                username=user.username)
    return ok()


def redemption_view(code: Redemption) -> dict:
    # Keys stay visible to admins (the UI copies them to hand out); admins can credit users directly anyway.
    return {"id": code.id, "user_id": code.user_id or 0, "key": code.key, "status": code.status,
            "name": code.name or "", "quota": code.quota or 0, "created_time": code.created_time or 0,
            "redeemed_time": code.redeemed_time or 0}


def _redemption(redemption_id: int) -> Redemption:
    code = db.session.get(Redemption, redemption_id) if 0 < redemption_id <= _LARGEST_ID else None
    if code is None:
        raise NotFound("Redemption code not found.")
    return code


def _name(body: dict, *, default: str | None = None) -> str:
    name = body_str(body, "name", default=default, max_length=MAX_NAME_LENGTH).strip()
    if not name:
        raise AppError(f"Invalid parameter: 'name' must be 1 to {MAX_NAME_LENGTH} characters long.")
    return name


def _quota(body: dict, *, default: int | None = None) -> int:
    quota = body_int(body, "quota", default=default, minimum=1)
    if quota > MAX_AMOUNT:
        raise AppError(f"Invalid parameter: 'quota' must be at most {MAX_AMOUNT}.")
    return quota


def _set_status(code: Redemption, status: int) -> None:
    if status not in (REDEMPTION_ENABLED, REDEMPTION_DISABLED):
        raise AppError("Invalid parameter: 'status' must be 1 (enabled) or 2 (disabled).")
    # Conditional, so a redemption that lands meanwhile is never turned back into an unused code.
    changed = db.session.execute(update(Redemption).where(Redemption.id == code.id,
                                                          Redemption.status != REDEMPTION_USED)
                                 .values(status=status)).rowcount
    db.session.commit()
    db.session.refresh(code)
    if not changed:
        raise AppError("This code has already been redeemed; its status can no longer change.")


def _top_up_target(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id <= _LARGEST_ID else None
    if user is None or user.status == USER_DELETED:
        raise AppError("User not found.")
    if user.role >= g.user.role and not g.user.is_root:
        raise AppError("You cannot change the quota of a user whose role is equal to or higher than yours.")
    return user
