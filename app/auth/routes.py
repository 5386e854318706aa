"""Sign-in routes: password registration, login and logout (email and OAuth come with the account system)."""

from __future__ import annotations

from flask import request
from flask_login import login_user, logout_user
from sqlalchemy import or_, select

from app.api.guards import public
from app.api.openapi import describe
from app.api.params import json_body
from app.auth import bp
from app.auth.passwords import verify_password
from app.auth.registration import register_with_password
from app.envelope import ok
from app.errors import AppError
from app.extensions import db
from app.models import User
from app.models.user import USER_ENABLED
from app.options import current as current_options

_BAD_CREDENTIALS = "Wrong username or password, or the account is disabled."
_REGISTER_SCHEMA = {"type": "object", "required": ["username", "password"], "properties": {
    "username": {"type": "string", "minLength": 1, "maxLength": 12},
    "password": {"type": "string", "minLength": 8, "maxLength": 20},
    "aff_code": {"type": "string", "description": "The inviter's invite code"},
}}


@bp.post("/user/register")
@describe("Create an account with a username and password", body=_REGISTER_SCHEMA)
@public
def register():
    register_with_password(json_body())
    return ok()


_LOGIN_SCHEMA = {"type": "object", "required": ["username", "password"], "properties": {
    "username": {"type": "string", "description": "Username or email address"},
    "password": {"type": "string"},
}}


@bp.post("/user/login")
@describe("Sign in with a password; starts a cookie session", body=_LOGIN_SCHEMA)
@public
def login():
    if not current_options().get_bool("PasswordLoginEnabled"):
        raise AppError("Password login is turned off by the administrator.")
    body = request.get_json(silent=True)
    username, password = _credentials(body)
    user = db.session.execute(
        select(User).where(or_(User.username == username, User.email == username)).limit(1)
    ).scalar_one_or_none()
    if user is None or not verify_password(password, user.password) or user.status != USER_ENABLED:
        raise AppError(_BAD_CREDENTIALS)
    login_user(user, remember=False)
    return ok(_login_view(user))


@bp.get("/user/logout")
@describe("End the cookie session")
@public
def logout():
    logout_user()
    return ok()


def _credentials(body) -> tuple[str, str]:
    if not isinstance(body, dict):
        raise AppError("Invalid parameters: expected a JSON object with username and password.")
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise AppError("Invalid parameters: username and password are required.")
    if not username.isprintable() or len(username) > 100:
        raise AppError(_BAD_CREDENTIALS)  # a NUL or control character can match no account, and breaks drivers
    return username, password


def _login_view(user: User) -> dict:
    # One API returns a User object with only these fields set; the SPA stores it and reads `role`.
    return {"id": user.id, "username": user.username, "display_name": user.display_name or "",
            "role": user.role, "status": user.status, "email": "", "group": "", "quota": 0,
            "used_quota": 0, "request_count": 0, "access_token": "", "aff_code": "", "inviter_id": 0}
