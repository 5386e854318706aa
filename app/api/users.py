"""User routes of the management API (``/api/user/...``)."""

from __future__ import annotations

from flask import g

from app.api import bp
from app.api.guards import require_user
from app.envelope import ok
from app.models import User

# Columns a user may see of their own row; secrets come back empty, as One API's SPA expects.
_TEXT_FIELDS = ("username", "display_name", "email", "github_id", "wechat_id", "lark_id", "oidc_id",
                "group", "aff_code")
_NUMBER_FIELDS = ("id", "role", "status", "quota", "used_quota", "request_count", "inviter_id")


def self_view(user: User) -> dict:
    data = {name: getattr(user, name) or "" for name in _TEXT_FIELDS}
    data.update({name: getattr(user, name) or 0 for name in _NUMBER_FIELDS})
    data.update(password="", access_token="", verification_code="")
    return data


@bp.get("/user/self")
@require_user
def get_self():
    return ok(self_view(g.user))
