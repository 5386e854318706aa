"""Email routes: sending verification codes and reset links, resetting a password, binding an email.

Neither sending route tells whether an address has an account: both give the same reply either way.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode

from flask import g, request
from sqlalchemy import select

from app.api.guards import public, require_user
from app.api.openapi import describe
from app.api.params import json_body
from app.auth import bp, email_codes
from app.auth.passwords import hash_password
from app.auth.registration import CODE_REJECTED, EMAIL_TAKEN, check_email_address, check_email_domain, email_in_use
from app.auth.turnstile import require_turnstile
from app.cache.users import invalidate_user
from app.envelope import ok
from app.errors import AppError
from app.extensions import db
from app.models import User
from app.models.user import USER_ENABLED
from app.notifications import EmailDeliveryError, email_configured, render, send_email
from app.options import current as current_options, server_address

log = logging.getLogger(__name__)

CODE_SENT = "If the address can receive mail, a message is on its way. It is valid for 10 minutes."
RESET_REJECTED = "The reset link is invalid, has expired or was already used."
_EMAIL_QUERY = {"email": {"type": "string", "format": "email"},
                "turnstile": {"type": "string", "description": "Turnstile token, when Turnstile is on"}}


@bp.get("/verification")
@describe("Email a 6-character verification code (for registration or binding)", query=_EMAIL_QUERY)
@public
def verification():
    require_turnstile()
    email = _address_to_mail()
    check_email_domain(email)
    if email_in_use(email):
        send_email(email, *_already_registered_email())
    else:
        send_email(email, *_verification_email(email_codes.issue(email_codes.VERIFY, email)))
    return ok(message=CODE_SENT)


@bp.get("/reset_password")
@describe("Email a password-reset link to the account with this address", query=_EMAIL_QUERY)
@public
def reset_password():
    require_turnstile()
    email = _address_to_mail()
    user = _enabled_user_with_email(email)
    if user is not None:
        try:
            send_email(email, *_reset_email(email, email_codes.issue(email_codes.RESET, email)))
        except EmailDeliveryError:  # logged; a different reply would tell that the account exists
            pass
    return ok(message=CODE_SENT)


_RESET_SCHEMA = {"type": "object", "required": ["email", "token"], "properties": {
    "email": {"type": "string"}, "token": {"type": "string", "description": "The token from the reset link"}}}


@bp.post("/user/reset")
@describe("Reset the password with the emailed token; data is the new random password",
          body=_RESET_SCHEMA, data={"type": "string"})
@public
def reset_confirm():
    body = json_body()
    email, token = body.get("email"), body.get("token")
    if not isinstance(email, str) or not email_codes.consume(email_codes.RESET, email, token):
        raise AppError(RESET_REJECTED)
    user = _enabled_user_with_email(email)
    if user is None:  # disabled since the link was sent
        raise AppError(RESET_REJECTED)
    password = secrets.token_hex(8)
    user.password = hash_password(password)
    db.session.commit()
    return ok(password)


@bp.get("/oauth/email/bind")
@describe("Bind an email address to your account with the code sent to it",
          query={"email": {"type": "string"}, "code": {"type": "string"}})
@require_user
def email_bind():
    email = check_email_address(request.args.get("email", ""))
    code = request.args.get("code", "")
    if not email_codes.matches(email_codes.VERIFY, email, code):
        raise AppError(CODE_REJECTED)
    if email_in_use(email, except_user_id=g.user.id):
        raise AppError(EMAIL_TAKEN)
    if not email_codes.consume(email_codes.VERIFY, email, code):
        raise AppError(CODE_REJECTED)
    g.user.email = email
    db.session.commit()
    invalidate_user(g.user.id)
    return ok()


def _address_to_mail() -> str:
    if not email_configured():
        raise AppError("Email is not available: the administrator has not set up SMTP.")
    return check_email_address(request.args.get("email", ""))


def _enabled_user_with_email(email: str) -> User | None:
    # Addresses are not unique in old data; the oldest enabled account with it is the one reset.
    return db.session.execute(
        select(User).where(User.email == email, User.status == USER_ENABLED).order_by(User.id).limit(1)
    ).scalar_one_or_none()


def _verification_email(code: str) -> tuple[str, str]:
    name = current_options().get("SystemName")
    return f"{name} email verification", render([
        "Hello, you are verifying your email address.", f"Your verification code is: {code}",
        "It is valid for 10 minutes and works once. If you did not ask for it, ignore this message."])


def _already_registered_email() -> tuple[str, str]:
    name = current_options().get("SystemName")
    return f"{name} email verification", render([
        f"Someone asked for a {name} verification code for this address, which already belongs to an account.",
        "If that was you, sign in, or use the password reset on the sign-in page. Otherwise ignore this message."])


def _reset_email(email: str, token: str) -> tuple[str, str]:
    name = current_options().get("SystemName")
    base = server_address()
    link = f"{base}/user/reset?{urlencode({'email': email, 'token': token})}"
    return f"{name} password reset", render([
        "Hello, you asked to reset your password.", "Open the link below to get a new password. "
        "It is valid for 10 minutes and works once. If you did not ask for it, ignore this message."], link=link)
