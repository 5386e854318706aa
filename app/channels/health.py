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
    changed = db.session.execute(
        update(Channel).where(Channel.id == channel_id, Channel.status == CHANNEL_ENABLED)
        .values(status=CHANNEL_AUTO_DISABLED)
    ).rowcount
    if changed:
        set_abilities_enabled(channel_id, False)
    db.session.commit()
    if changed:
        log.warning("Channel #%s was disabled automatically: %s", channel_id, reason)
    return bool(changed)
