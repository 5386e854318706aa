"""Abilities: the (group, model, channel) rows routing reads, kept in step with each channel."""

from __future__ import annotations

from sqlalchemy import delete, update

from app.cache.channels import invalidate_channels
from app.extensions import db
from app.models import Ability, Channel
from app.models.channel import CHANNEL_ENABLED


def split_list(text: str | None) -> list[str]:
    """A comma list, trimmed and de-duplicated in order (One API keeps stray spaces; we do not)."""
    seen: dict[str, None] = {}
    for part in (text or "").split(","):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def sync_abilities(channel: Channel) -> None:
    """Replace the channel's ability rows with one per (group, model). The caller commits."""
    db.session.execute(delete(Ability).where(Ability.channel_id == channel.id))
    enabled = channel.status == CHANNEL_ENABLED
    for group in split_list(channel.group) or ["default"]:
        for model in split_list(channel.models):
            db.session.add(Ability(group=group, model=model, channel_id=channel.id,
                                   enabled=enabled, priority=channel.priority or 0))
    invalidate_channels()


def set_abilities_enabled(channel_id: int, enabled: bool) -> None:
    db.session.execute(update(Ability).where(Ability.channel_id == channel_id).values(enabled=enabled))
    invalidate_channels()
