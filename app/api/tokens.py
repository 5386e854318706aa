"""Relay keys of the management API (/api/token/...): each user manages only their own.

Keys are shown in full only when created and in ``GET /api/token/<id>`` (the UI's copy button);
lists, search and edit replies carry a masked key (One API returns every key in full, S1).
"""

from __future__ import annotations

import ipaddress
import time

from flask import g, request
from sqlalchemy import select

from app.api import bp
from app.api.guards import require_user
from app.api.openapi import describe
from app.api.params import body_int, body_str, json_body, paged
from app.billing.credits import MAX_AMOUNT
from app.billing.ledger_redis import apply_external_token_change
from app.cache.tokens import invalidate_token
from app.channels.abilities import split_list
from app.crypto import mask_secret
from app.envelope import ok
from app.errors import AppError, NotFound
from app.extensions import db
from app.models import Token
from app.models.token import (
    NEVER_EXPIRES, TOKEN_DISABLED, TOKEN_ENABLED, TOKEN_EXHAUSTED, TOKEN_EXPIRED, new_token_key,
)

MAX_NAME_LENGTH = 30
MAX_SUBNET_LENGTH = 191  # the column is varchar(191) on MySQL
LATEST_EXPIRY = 253402300799  # 9999-12-31 23:59:59 UTC
_LARGEST_ID = 2**63 - 1  # BIGINT; a larger id cannot exist, and SQLite's driver refuses to bind one
_NEW_TOKEN = {"name": "", "remain_quota": 0, "expired_time": NEVER_EXPIRES, "unlimited_quota": False,
              "models": "", "subnet": ""}
_ORDERS = {
    "remain_quota": (Token.unlimited_quota.desc(), Token.remain_quota.desc()),
    "used_quota": (Token.used_quota.desc(),),
}

TOKEN_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "user_id": {"type": "integer"},
    "key": {"type": "string", "description": "without 'sk-'; masked except on create and GET /api/token/{id}"},
    "status": {"type": "integer", "enum": [1, 2, 3, 4]}, "name": {"type": "string"},
    "created_time": {"type": "integer"}, "accessed_time": {"type": "integer"},
    "expired_time": {"type": "integer"}, "remain_quota": {"type": "integer"},
    "unlimited_quota": {"type": "boolean"}, "used_quota": {"type": "integer"},
    "models": {"type": "string"}, "subnet": {"type": "string"},
}}
_EDITABLE = {
    "name": {"type": "string", "maxLength": MAX_NAME_LENGTH},
    "remain_quota": {"type": "integer", "maximum": MAX_AMOUNT, "description": "≥ 0 unless unlimited_quota"},
    "expired_time": {"type": "integer", "maximum": LATEST_EXPIRY, "description": "-1 (never) or a future unix time"},
    "unlimited_quota": {"type": "boolean"},
    "models": {"type": "string", "nullable": True, "description": "comma-separated model names; empty means all"},
    "subnet": {"type": "string", "nullable": True, "description": "comma-separated CIDRs; empty means anywhere"},
}
CREATE_BODY = {"type": "object", "properties": _EDITABLE}
UPDATE_BODY = {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "integer"}, "status": {"type": "integer", "enum": [TOKEN_ENABLED, TOKEN_DISABLED]}, **_EDITABLE,
}}


@bp.get("/token/")
@describe("The caller's tokens, a page at a time (keys masked)",
          query={"p": {"type": "integer"}, "page_size": {"type": "integer"},
                 "order": {"type": "string", "enum": ["remain_quota", "used_quota"]}},
          data={"type": "array", "items": TOKEN_SCHEMA})
@require_user
def list_tokens():
    order = _ORDERS.get(request.args.get("order", ""), ())
    rows, total = paged(_own_tokens().order_by(*order, Token.id.desc()))
    return ok([token_view(row, masked=True) for row in rows], total=total)


@bp.get("/token/search")
@describe("The caller's tokens whose name starts with the keyword (keys masked)",
          query={"keyword": {"type": "string"}}, data={"type": "array", "items": TOKEN_SCHEMA})
@require_user
def search_tokens():
    keyword = request.args.get("keyword", "")
    statement = _own_tokens().where(Token.name.startswith(keyword, autoescape=True)).order_by(Token.id.desc())
    return ok([token_view(row, masked=True) for row in db.session.execute(statement).scalars()])


@bp.get("/token/<int:token_id>")
@describe("One of the caller's tokens, with its full key", data=TOKEN_SCHEMA)
@require_user
def get_token(token_id: int):
    return ok(token_view(_own_token(token_id), masked=False))


@bp.post("/token/")
@describe("Create a token; the reply holds its full key", body=CREATE_BODY, data=TOKEN_SCHEMA)
@require_user
def create_token():
    fields = token_fields(json_body(), current=_NEW_TOKEN)
    now = int(time.time())
    token = Token(user_id=g.user.id, key=new_token_key(), status=TOKEN_ENABLED, created_time=now,
                  accessed_time=now, used_quota=0, **fields)
    db.session.add(token)
    db.session.commit()
    return ok(token_view(token, masked=False))


@bp.put("/token/")
@describe("Edit a token's settings, or with status_only=true only its status (1 enabled, 2 disabled)",
          body=UPDATE_BODY, query={"status_only": {"type": "string"}}, data=TOKEN_SCHEMA)
@require_user
def update_token():
    body = json_body()
    token = _own_token(body_int(body, "id"))
    if request.args.get("status_only", "").lower() not in ("", "false", "0"):
        token.status = _new_status(token, body)
    else:
        for name, value in token_fields(body, current=token_view(token, masked=False)).items():
            setattr(token, name, value)
    db.session.commit()
    invalidate_token(token.key)
    apply_external_token_change(token.id)
    return ok(token_view(token, masked=True))


@bp.delete("/token/<int:token_id>")
@describe("Delete one of the caller's tokens")
@require_user
def delete_token(token_id: int):
    token = _own_token(token_id)
    db.session.delete(token)
    db.session.commit()
    invalidate_token(token.key)
    apply_external_token_change(token.id)
    return ok()


def _own_tokens():
    return select(Token).where(Token.user_id == g.user.id)


def _own_token(token_id: int) -> Token:
    # Someone else's id gets the same answer as a missing one, so ids reveal nothing.
    token = None
    if 0 < token_id <= _LARGEST_ID:
        token = db.session.execute(_own_tokens().where(Token.id == token_id)).scalar_one_or_none()
    if token is None:
        raise NotFound("Token not found.")
    return token


def token_view(token: Token, *, masked: bool) -> dict:
    return {
        "id": token.id, "user_id": token.user_id, "key": mask_secret(token.key) if masked else token.key,
        "status": token.status, "name": token.name or "", "created_time": token.created_time or 0,
        "accessed_time": token.accessed_time or 0, "expired_time": token.expired_time,
        "remain_quota": token.remain_quota or 0, "unlimited_quota": bool(token.unlimited_quota),
        "used_quota": token.used_quota or 0, "models": token.models or "", "subnet": token.subnet or "",
    }


def token_fields(body: dict, *, current: dict) -> dict:
    """The editable columns from ``body``, validated; a field left out keeps its ``current`` value."""
    unlimited = body.get("unlimited_quota", current["unlimited_quota"])
    if not isinstance(unlimited, bool):
        raise AppError("Invalid parameter: 'unlimited_quota' must be true or false.")
    # An unlimited token's remaining quota is never consulted (One API's default token stores -1).
    remain = body_int(body, "remain_quota", default=current["remain_quota"], minimum=None if unlimited else 0)
    if abs(remain) > MAX_AMOUNT:
        raise AppError(f"Invalid parameter: 'remain_quota' must be at most {MAX_AMOUNT}.")
    return {
        "name": body_str(body, "name", default=current["name"], max_length=MAX_NAME_LENGTH).strip(),
        "remain_quota": remain,
        "unlimited_quota": unlimited,
        "expired_time": _expired_time(body, current["expired_time"]),
        "models": ",".join(split_list(_optional_str(body, "models", current["models"]))),
        "subnet": _subnets(_optional_str(body, "subnet", current["subnet"])),
    }


def _expired_time(body: dict, current: int) -> int:
    value = body_int(body, "expired_time", default=current)
    # An unchanged past expiry is accepted, so an expired token's other settings stay editable.
    if value != NEVER_EXPIRES and value != current and not time.time() < value <= LATEST_EXPIRY:
        raise AppError("Invalid parameter: 'expired_time' must be -1 (never) or a future unix time.")
    return value


def _optional_str(body: dict, name: str, current: str) -> str:
    # One API stores an empty model list as NULL, so its clients may send null.
    return "" if name in body and body[name] is None else body_str(body, name, default=current)


def _subnets(text: str) -> str:
    parts = split_list(text)
    for part in parts:
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise AppError(f"Invalid subnet: {part!r} is not an IP network in CIDR form.") from None
    if len(",".join(parts)) > MAX_SUBNET_LENGTH:
        raise AppError(f"Invalid parameter: the subnet list is longer than {MAX_SUBNET_LENGTH} characters.")
    return ",".join(parts)


def _new_status(token: Token, body: dict) -> int:
    status = body_int(body, "status")
    if status not in (TOKEN_ENABLED, TOKEN_DISABLED):
        raise AppError("Invalid parameter: 'status' must be 1 (enabled) or 2 (disabled).")
    if status == TOKEN_ENABLED and token.status == TOKEN_EXPIRED and token.expired_time != NEVER_EXPIRES \
            and token.expired_time <= time.time():
        raise AppError("The token has expired and cannot be enabled; change its expiry time first, "
                       "or set it to never expire.")
    if status == TOKEN_ENABLED and token.status == TOKEN_EXHAUSTED and not token.unlimited_quota \
            and token.remain_quota <= 0:
        raise AppError("The token's quota is used up and it cannot be enabled; raise its remaining quota first, "
                       "or make it unlimited.")
    return status
