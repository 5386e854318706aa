"""Per-user facts the relay needs on every request (group, status, role), without SQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.cache import TTLCache, app_cache, bus
from app.extensions import db
from app.models import User


@dataclass(frozen=True, slots=True)
class UserSnapshot:
    id: int
    username: str
    group: str
    status: int
    role: int


def _cache() -> TTLCache[UserSnapshot | None]:
    return app_cache("users", lambda: TTLCache(bus.cache_ttl))


def user_by_id(user_id: int) -> UserSnapshot | None:
    return _cache().get(user_id, lambda: _load(user_id))


def invalidate_user(user_id: int) -> None:
    """Forget the user here and on every other node (a ban or group change applies at once)."""
    bus.announce("user", user_id)


@bus.handles("user")
def _drop(key: str | None) -> None:
    if key is None:
        _cache().clear()
    else:
        _cache().invalidate(int(key))


def _load(user_id: int) -> UserSnapshot | None:
    row = db.session.execute(
        select(User.id, User.username, User.group, User.status, User.role).where(User.id == user_id)
    ).first()
    db.session.commit()
    if row is None:
        return None
    return UserSnapshot(id=row.id, username=row.username or "", group=row.group or "default",
                        status=row.status, role=row.role)
