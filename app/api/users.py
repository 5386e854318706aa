"""The caller's own account (/api/user/self, token, aff, available_models) and the user JSON every route returns."""

from __future__ import annotations

import secrets

from flask import g
from flask_login import logout_user
from sqlalchemy.exc import IntegrityError

from app.api import bp
from app.api.guards import require_user
from app.api.openapi import describe
from app.api.params import json_body
from app.auth.passwords import hash_password
from app.auth.registration import (
    USERNAME_TAKEN, check_display_name, check_password, check_username, ensure_username_free,
)
from app.cache.channels import channel_pool
from app.cache.users import invalidate_user
from app.envelope import ok
from app.errors import AppError
from app.extensions import db
from app.models import User
from app.models.user import USER_DELETED, new_access_token, new_aff_code

# Columns anyone allowed to see a user may see; secrets always come back empty, as One API's SPA expects.
_TEXT_FIELDS = ("username", "display_name", "email", "github_id", "wechat_id", "lark_id", "oidc_id",
                "group", "aff_code")
_NUMBER_FIELDS = ("id", "role", "status", "quota", "used_quota", "request_count", "inviter_id")
_SECRET_FIELDS = ("password", "access_token", "verification_code")

USER_SCHEMA = {"type": "object", "properties": {
    **{name: {"type": "string"} for name in _TEXT_FIELDS + _SECRET_FIELDS},
    **{name: {"type": "integer"} for name in _NUMBER_FIELDS},
}}
PROFILE_PROPERTIES = {
    "username": {"type": "string", "minLength": 1, "maxLength": 12},
    "display_name": {"type": "string", "maxLength": 20},
    "password": {"type": "string", "description": "8 to 20 characters; empty leaves it unchanged"},
}


def user_view(user: User) -> dict:
    data = {name: getattr(user, name) or "" for name in _TEXT_FIELDS}
    data.update({name: getattr(user, name) or 0 for name in _NUMBER_FIELDS})
    data.update(dict.fromkeys(_SECRET_FIELDS, ""))
    return data


def apply_profile(user: User, body: dict) -> None:
    """Username, display name and password from ``body``; absent fields, and an empty password, stay as they are."""
    if "username" in body:
        username = check_username(body["username"])
        ensure_username_free(username, except_user_id=user.id)
        user.username = username
    if "display_name" in body:
        user.display_name = check_display_name(body["display_name"])
    if body.get("password", "") != "":
        user.password = hash_password(check_password(body["password"]))


def save_user(user: User) -> None:
    """Commit changes to ``user`` and drop the cached copy the relay checks (status, group, role)."""
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent edit took the username between the check and the commit
        db.session.rollback()
        raise AppError(USERNAME_TAKEN) from None
    invalidate_user(user.id)


def mark_deleted(user: User) -> None:
    """One API's soft delete. The new name is longer than any valid username, so it is never taken back."""
    user.username = f"deleted_{secrets.token_hex(16)}"
    user.status = USER_DELETED


@bp.get("/user/self")
@describe("Your own account; password and access token come back empty", data=USER_SCHEMA)
@require_user
def get_self():
    return ok(user_view(g.user))


@bp.put("/user/self")
@describe("Change your username, display name or password",
          body={"type": "object", "properties": PROFILE_PROPERTIES})
@require_user
def update_self():
    apply_profile(g.user, json_body())
    save_user(g.user)
    return ok()


@bp.delete("/user/self")
@describe("Delete your own account (root cannot)")
@require_user
def delete_self():
    if g.user.is_root:
        raise AppError("The root account cannot be deleted.")
    mark_deleted(g.user)
    save_user(g.user)
    logout_user()
    return ok()


@bp.get("/user/token")
@describe("Issue a new system access token; the old one stops working", data={"type": "string"})
@require_user
def regenerate_access_token():
    token = new_access_token()
    g.user.access_token = token
    save_user(g.user)
    return ok(token)


@bp.get("/user/aff")
@describe("Your invite code, created on first request", data={"type": "string"})
@require_user
def get_aff_code():
    if not g.user.aff_code:
        g.user.aff_code = new_aff_code()
        save_user(g.user)
    return ok(g.user.aff_code)


@bp.get("/user/available_models")
@describe("Models enabled for your group, sorted", data={"type": "array", "items": {"type": "string"}})
@require_user
def get_available_models():
    return ok(sorted(set(channel_pool().models_by_group.get(g.user.group or "default", ()))))


from app.api import users_admin  # noqa: E402,F401  (the admin routes; a module of their own for size)
