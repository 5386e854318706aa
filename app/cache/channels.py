"""The channel pool: enabled channels per (group, model) in priority tiers, as an immutable snapshot.

The snapshot is rebuilt when invalidated (here or, through ``bus``, on another node) and when it is older
than ``bus.cache_ttl()``, then swapped in whole, so a request never sees half an update and the hot path
never queries channels or abilities.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from threading import Lock
from types import MappingProxyType
from typing import Mapping

from flask import current_app
from sqlalchemy import select

from app.cache import app_cache, bus
from app.crypto import decrypt_secret
from app.extensions import db
from app.models import Ability, Channel
from app.redaction import remember_channel_keys


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    id: int
    type: int
    name: str
    key: str
    base_url: str
    status: int
    priority: int
    weight: int
    models: tuple[str, ...]
    model_mapping: Mapping[str, str]
    system_prompt: str
    config: Mapping[str, str]
    other: str


@dataclass(frozen=True, slots=True)
class ChannelPool:
    by_id: Mapping[int, ChannelSnapshot]
    # (group, model) → tiers, highest priority first; each tier is the enabled channels sharing a priority.
    routes: Mapping[tuple[str, str], tuple[tuple[ChannelSnapshot, ...], ...]]
    models_by_group: Mapping[str, tuple[str, ...]]
    built_at: float = field(default_factory=time.monotonic)


class _PoolHolder:
    def __init__(self) -> None:
        self.pool: ChannelPool | None = None
        self.stale = True
        self.lock = Lock()


def _holder() -> _PoolHolder:
    return app_cache("channels", _PoolHolder)


def channel_pool() -> ChannelPool:
    holder = _holder()
    pool = holder.pool
    if pool is not None and not holder.stale and time.monotonic() - pool.built_at < bus.cache_ttl():
        return pool
    with holder.lock:  # one rebuild at a time; the others take the fresh snapshot
        if holder.pool is pool or holder.stale:
            holder.stale = False  # cleared first: an invalidation during the build must trigger another
            try:
                holder.pool = _build()
            except Exception:
                holder.stale = True
                raise
        return holder.pool


def invalidate_channels() -> None:
    """Rebuild the pool here and on every other node before their next request."""
    bus.announce("channels")


@bus.handles("channels")
def _mark_stale(_key: str | None) -> None:
    _holder().stale = True


def _build() -> ChannelPool:
    channels = {row.id: _snapshot(row) for row in db.session.execute(select(Channel)).scalars()}
    remember_channel_keys(channel.key for channel in channels.values())  # for log files and alerts
    abilities = db.session.execute(select(Ability.group, Ability.model, Ability.channel_id)
                                   .where(Ability.enabled.is_(True))).all()
    db.session.commit()
    grouped: dict[tuple[str, str], list[ChannelSnapshot]] = {}
    for group, model, channel_id in abilities:
        channel = channels.get(channel_id)
        if channel is not None and channel.status == 1:
            grouped.setdefault((group, model), []).append(channel)
    routes = {key: _tiers(members) for key, members in grouped.items()}
    models: dict[str, set[str]] = {}
    for group, model in routes:
        models.setdefault(group, set()).add(model)
    return ChannelPool(
        by_id=MappingProxyType(channels), routes=MappingProxyType(routes),
        models_by_group=MappingProxyType({group: tuple(sorted(names)) for group, names in models.items()}),
    )


def _tiers(members: list[ChannelSnapshot]) -> tuple[tuple[ChannelSnapshot, ...], ...]:
    by_priority: dict[int, list[ChannelSnapshot]] = {}
    for channel in members:
        by_priority.setdefault(channel.priority, []).append(channel)
    return tuple(tuple(by_priority[priority]) for priority in sorted(by_priority, reverse=True))


def _snapshot(row: Channel) -> ChannelSnapshot:
    return ChannelSnapshot(
        id=row.id, type=row.type or 0, name=row.name or "", key=decrypt_secret(row.key), base_url=row.base_url or "",
        status=row.status, priority=row.priority or 0, weight=row.weight or 0,
        models=tuple(part.strip() for part in (row.models or "").split(",") if part.strip()),
        model_mapping=MappingProxyType(_json_object(row.model_mapping, row.id, "model_mapping")),
        system_prompt=row.system_prompt or "",
        config=MappingProxyType(_json_object(row.config, row.id, "config")), other=row.other or "",
    )


def _json_object(text: str | None, channel_id: int, column: str) -> dict[str, str]:
    if not text or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        current_app.logger.warning("Channel %s has invalid JSON in %s; ignoring it", channel_id, column)
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(key): str(item) for key, item in value.items() if item not in (None, "")}
