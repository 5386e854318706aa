"""Cookie sessions through Flask-Login: the user is reloaded on every request, so a ban takes effect at once.

The cookie is HttpOnly and SameSite=Lax always, and Secure whenever the site is served over HTTPS:
the request itself came over TLS, or the ServerAddress option (the public URL, which a TLS-terminating
proxy in front of us serves) starts with ``https://``. X-Forwarded-Proto is not consulted.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from app.config import Config
from app.crypto import data_dir_secret
from app.extensions import db, login_manager
from app.models import User
from app.models.user import USER_ENABLED
from app.options import current as current_options

log = logging.getLogger(__name__)

EXAMPLE_SECRET = "random_string"  # the value in One API's docs; copying it would make cookies forgeable


class _HttpsAwareSessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or current_options().get("ServerAddress").startswith("https://")

    def open_session(self, app: Flask, request):
        # Flask builds a signing serializer before it looks for the cookie; most requests have none.
        if app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        # Most requests (every relay call) carry no session: skip the work, options lookup included.
        if not session.modified and not (session and self.should_set_cookie(app, session)):
            return
        super().save_session(app, session, response)


def init_app(app: Flask, config: Config) -> None:
    app.config.update(
        SECRET_KEY=_signing_key(config),
        SESSION_COOKIE_NAME="session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=30 * 24 * 3600,
    )
    app.session_interface = _HttpsAwareSessionInterface()
    login_manager.init_app(app)
    login_manager.user_loader(load_user)


def _signing_key(config: Config) -> str:
    # Without a usable SESSION_SECRET, one random key in the data directory: every Gunicorn worker must
    # sign and check cookies with the same key, or a login made on one worker fails on the next.
    if config.session_secret == EXAMPLE_SECRET:
        log.warning("SESSION_SECRET is One API's example value %r; ignoring it and using a random key kept in "
                    "the data directory. Set a long random SESSION_SECRET.", EXAMPLE_SECRET)
        return data_dir_secret(config, "session.secret")
    if config.session_secret_generated:
        log.warning("SESSION_SECRET is not set: using a random key kept in the data directory. Nodes of a "
                    "cluster must share one: set SESSION_SECRET to a long random value.")
        return data_dir_secret(config, "session.secret")
    return config.session_secret


def load_user(user_id: str) -> User | None:
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    user = db.session.execute(select(User).where(User.id == key)).scalar_one_or_none()
    return user if user is not None and user.status == USER_ENABLED else None
