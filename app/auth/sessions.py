"""Cookie sessions through Flask-Login: the user is reloaded on every request, so a ban takes effect at once."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.config import Config
from app.extensions import db, login_manager
from app.models import User
from app.models.user import USER_ENABLED


def init_app(app: Flask, config: Config) -> None:
    app.config.update(
        SECRET_KEY=config.session_secret,
        SESSION_COOKIE_NAME="session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=30 * 24 * 3600,
    )
    login_manager.init_app(app)
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    user = db.session.execute(select(User).where(User.id == key)).scalar_one_or_none()
    return user if user is not None and user.status == USER_ENABLED else None
