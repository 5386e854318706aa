"""OAuth routes: the state, GitHub / Feishu / OIDC callbacks and WeChat sign-in, each signing in, signing up or binding."""

from __future__ import annotations

import hmac
import secrets

from flask import g, request, session
from flask_login import current_user, login_user
from sqlalchemy import func, select

from app.api.guards import public, require_user
from app.api.openapi import describe
from app.auth import bp
from app.auth.oauth import Identity, Provider, feishu, github, oidc, wechat
from app.auth.registration import (MAX_DISPLAY_NAME, MAX_USERNAME, check_display_name, check_email, check_username,
                                   create_account)
from app.auth.routes import _login_view
from app.cache.users import invalidate_user
from app.envelope import ok
from app.errors import AppError, Forbidden
from app.extensions import db
from app.models import User
from app.models.user import USER_ENABLED
from app.options import current as current_options

# "feishu" is accepted beside One API's "lark" for the same provider.
PROVIDERS: dict[str, Provider] = {"github": github.PROVIDER, "lark": feishu.PROVIDER, "feishu": feishu.PROVIDER,
                                  "oidc": oidc.PROVIDER}
STATE_MISMATCH = "state is empty or not same"  # One API's message; the SPA shows it as is
_CODE_QUERY = {"code": {"type": "string", "description": "The code the provider returned"}}


@bp.get("/oauth/state")
@describe("A new OAuth state for the provider's authorize URL, remembered in the session", data={"type": "string"})
@public
def oauth_state():
    state = secrets.token_hex(8)  # 16 alphanumeric characters; One API uses 12
    session["oauth_state"] = state
    return ok(state)


@bp.get("/oauth/<provider>")
@describe("Finish GitHub, Lark (alias feishu) or OIDC sign-in: signs in, signs up, or binds to the session's account",
          query={**_CODE_QUERY, "state": {"type": "string", "description": "The state from /api/oauth/state"}})
@public
def oauth_callback(provider: str):
    spec = PROVIDERS.get(provider)
    if spec is None:
        raise AppError(f"Unknown sign-in provider {provider[:40]!r}.")
    _check_state(request.args.get("state", ""))
    identity = _identify(spec, request.args.get("code", ""))
    if current_user.is_authenticated:
        return _bind(spec, identity, current_user._get_current_object())
    return _sign_in(spec, identity)


@bp.get("/oauth/wechat")
@describe("Sign in or sign up with a WeChat verification code", query=_CODE_QUERY)
@public
def wechat_login():
    return _sign_in(wechat.PROVIDER, _identify(wechat.PROVIDER, request.args.get("code", "")))


@bp.get("/oauth/wechat/bind")
@describe("Bind a WeChat account to yours with a verification code", query=_CODE_QUERY)
@require_user
def wechat_bind():
    return _bind(wechat.PROVIDER, _identify(wechat.PROVIDER, request.args.get("code", "")), g.user)


def _check_state(state: str) -> None:
    expected = session.get("oauth_state")
    if not isinstance(expected, str) or not expected or not hmac.compare_digest(state.encode(), expected.encode()):
        raise Forbidden(STATE_MISMATCH)


def _identify(provider: Provider, code: str) -> Identity:
    if not provider.is_enabled():
        raise AppError(f"Sign-in with {provider.label} is turned off by the administrator.")
    if not code:
        raise AppError("Invalid parameter: the code is missing.")
    return provider.identify(code)


def _bind(provider: Provider, identity: Identity, user: User):
    column = getattr(User, provider.column)
    taken = db.session.execute(
        select(User.id).where(column == identity.provider_id, User.id != user.id).limit(1)).first()
    if taken is not None:
        raise AppError(f"This {provider.label} account is already bound to another user.")
    setattr(user, provider.column, identity.provider_id)
    db.session.commit()
    invalidate_user(user.id)
    return ok(message="bind")


def _sign_in(provider: Provider, identity: Identity):
    column = getattr(User, provider.column)
    user = db.session.execute(
        select(User).where(column == identity.provider_id).order_by(User.id).limit(1)).scalar_one_or_none()
    if user is None:
        user = _register(provider, identity)
    elif user.status != USER_ENABLED:
        raise AppError("This account is disabled.")
    login_user(user, remember=False)
    return ok(_login_view(user))


def _register(provider: Provider, identity: Identity) -> User:
    """A new account for a first sign-in: new-user quota and a default key, never an invite reward."""
    if not current_options().get_bool("RegisterEnabled"):
        raise AppError("New registrations are closed by the administrator.")
    # Nobody knows this password; the owner signs in through the provider or sets one later.
    user = create_account(_new_username(provider, identity), secrets.token_urlsafe(12),
                          display_name=_display_name(provider, identity))
    setattr(user, provider.column, identity.provider_id)
    if _is_valid(check_email, identity.email):
        user.email = identity.email
    db.session.commit()
    return user


def _new_username(provider: Provider, identity: Identity) -> str:
    hint = identity.username_hint
    if _is_valid(check_username, hint) and db.session.execute(
            select(User.id).where(User.username == hint).limit(1)).first() is None:
        return hint
    next_id = (db.session.execute(select(func.max(User.id))).scalar() or 0) + 1
    return _generated_username(f"{provider.name}_", next_id)


def _generated_username(prefix: str, number: int) -> str:
    """One API's ``github_<n>``; past the 12-character username limit the number is written in base 36."""
    name = f"{prefix}{number}"
    if len(name) <= MAX_USERNAME:
        return name
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return f"{prefix}{digits}"


def _display_name(provider: Provider, identity: Identity) -> str:
    name = identity.display_name[:MAX_DISPLAY_NAME]
    return name if name and _is_valid(check_display_name, name) else provider.default_display_name


def _is_valid(check, value: str) -> bool:
    try:
        check(value)
    except AppError:
        return False
    return bool(value)
