"""What a failed upstream call means for its channel: the decision to disable it lives here alone."""

from __future__ import annotations

import logging

from sqlalchemy import update

from app.cache.channels import ChannelSnapshot
from app.channels.abilities import set_abilities_enabled
from app.extensions import db
from app.models import Channel
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED
from app.options import current as current_options
from app.relay.adaptors.base import UpstreamError

log = logging.getLogger(__name__)


def record_failure(channel: ChannelSnapshot, error: UpstreamError) -> bool:
    """Disable the channel when the error says it is dead and the admin allows it. Returns True if disabled.

    Only errors an adaptor marked ``disables_channel`` (revoked key, deactivated account, no credit)
    count; a timeout, a 429 or a 5xx never does, however often it happens here.
    """
    if not error.disables_channel or not current_options().get_bool("AutomaticDisableChannelEnabled"):
        return False
    return disable_channel(channel.id, f"{error.type}/{error.code}: {error.message}")


def disable_channel(channel_id: int, reason: str) -> bool:
    """Take an enabled channel out of rotation (status 3, which only the gateway sets)."""
    if _switch(channel_id, CHANNEL_ENABLED, CHANNEL_AUTO_DISABLED):
        log.warning("Channel #%s was disabled automatically: %s", channel_id, reason)
        return True
    return False


def enable_channel(channel_id: int) -> bool:
    """Re-enable a channel the gateway disabled. One that an admin disabled (status 2) stays disabled."""
    if _switch(channel_id, CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED):
        log.warning("Channel #%s was re-enabled after a successful test", channel_id)
        return True
    return False


def _switch(channel_id: int, from_status: int, to_status: int) -> bool:
    changed = db.session.execute(
        update(Channel).where(Channel.id == channel_id, Channel.status == from_status).values(status=to_status)
    ).rowcount
    if changed:
        set_abilities_enabled(channel_id, to_status == CHANNEL_ENABLED)
    db.session.commit()
    return bool(changed)
