"""Who may call a management route: session cookie or system access token, then a role check.

Each guard also tags the view with its access level, so the route table can be reviewed and tested.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import g, request
from flask_login import current_user
from sqlalchemy import select

from app.errors import Forbidden, Unauthorized
from app.extensions import db
from app.models import User
from app.models.user import ROLE_ADMIN, ROLE_COMMON, ROLE_ROOT, USER_ENABLED


def authenticated_user() -> User | None:
    """The caller's enabled account from the session, else from an ``Authorization`` access token."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    header = request.headers.get("Authorization", "").strip()
    token = header.removeprefix("Bearer ").strip()
    if not token:
        return None
    user = db.session.execute(select(User).where(User.access_token == token)).scalar_one_or_none()
    if user is None:
        raise Unauthorized("Invalid access token.")
    return user


def _require(level_name: str, min_role: int) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            user = authenticated_user()
            if user is None:
                raise Unauthorized("Not logged in and no access token provided.")
            if user.status != USER_ENABLED:
                raise Forbidden("This account is disabled.")
            if user.role < min_role:
                raise Forbidden("Permission denied.")
            g.user = user
            return view(*args, **kwargs)

        guarded.access_level = level_name
        return guarded

    return decorator


require_user = _require("user", ROLE_COMMON)
require_admin = _require("admin", ROLE_ADMIN)
require_root = _require("root", ROLE_ROOT)


def public(view: Callable) -> Callable:
    view.access_level = "public"
    return view
