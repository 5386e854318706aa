"""Relay keys by value: the token row the hot path checks on every request, without SQL."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.cache import TTLCache, app_cache, bus
from app.extensions import db
from app.models import Token


@dataclass(frozen=True, slots=True)
class TokenSnapshot:
    id: int
    user_id: int
    name: str
    status: int
    expired_time: int
    unlimited_quota: bool
    models: frozenset[str]  # empty means every model
    subnets: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    subnet_text: str


def _cache() -> TTLCache[TokenSnapshot | None]:
    return app_cache("tokens", lambda: TTLCache(bus.cache_ttl))


def token_by_key(key: str) -> TokenSnapshot | None:
    """The token whose key (without ``sk-``) is ``key``, or None."""
    return _cache().get(key, lambda: _load(key))


def invalidate_token(key: str) -> None:
    """Forget the token here and on every other node (writers call this after committing)."""
    bus.announce("token", key)


@bus.handles("token")
def _drop(key: str | None) -> None:
    if key is None:
        _cache().clear()
    else:
        _cache().invalidate(key)


def _load(key: str) -> TokenSnapshot | None:
    row = db.session.execute(select(Token).where(Token.key == key)).scalar_one_or_none()
    db.session.commit()  # end the read transaction now: no connection is held while the request goes on
    if row is None:
        return None
    return TokenSnapshot(
        id=row.id, user_id=row.user_id, name=row.name or "", status=row.status,
        expired_time=row.expired_time if row.expired_time is not None else -1,
        unlimited_quota=bool(row.unlimited_quota),
        models=frozenset(part.strip() for part in (row.models or "").split(",") if part.strip()),
        subnets=_networks(row.subnet or ""), subnet_text=row.subnet or "",
    )


def _networks(text: str) -> tuple:
    networks = []
    for part in text.split(","):
        try:
            if part.strip():
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            current_app.logger.warning("Ignoring an invalid subnet %r on a token", part)
    return tuple(networks)
