"""What an upstream call means for its channel: the decisions to disable and re-enable it live here alone."""

from __future__ import annotations

import logging

from sqlalchemy import update

from app import alerts
from app.cache.channels import ChannelSnapshot
from app.channels import metrics
from app.channels.abilities import set_abilities_enabled
from app.extensions import db
from app.models import Channel
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED
from app.options import current as current_options
from app.redaction import redact
from app.relay.adaptors.base import UpstreamError

log = logging.getLogger(__name__)

# Upstream statuses that say something about the channel rather than the client's request.
_CHANNEL_FAULT_STATUSES = frozenset({401, 403, 429})


def record_result(channel: ChannelSnapshot, error: UpstreamError | None) -> None:
    """Account for one relay attempt: a dead channel is disabled at once; otherwise, with ENABLE_METRIC,
    the outcome goes into the channel's success-rate window, and a window gone bad disables it too.
    """
    if error is not None and (record_failure(channel, error) or not is_channel_fault(error)):
        return  # disabled already, or the client's fault (a bad request says nothing about the channel)
    rate = metrics.record(channel.id, error is None)
    if rate is not None:
        window = metrics.windows()
        disable_channel(channel.id, f"only {rate:.0%} of its last {window.size} requests succeeded "
                                    f"(the threshold is {window.threshold:.0%})")


def is_channel_fault(error: UpstreamError) -> bool:
    """5xx (including timeouts and refused connections, reported as 502/504), 429, 401/403, a dead key."""
    return error.status >= 500 or error.status in _CHANNEL_FAULT_STATUSES or error.disables_channel


def record_failure(channel: ChannelSnapshot, error: UpstreamError) -> bool:
    """Disable the channel when the error says it is dead and the admin allows it. Returns True if disabled.

    Only errors an adaptor marked ``disables_channel`` (revoked key, deactivated account, no credit)
    count; a timeout, a 429 or a 5xx never does, however often it happens here.
    """
    if not error.disables_channel or not current_options().get_bool("AutomaticDisableChannelEnabled"):
        return False
    # The reason reaches log files, alert emails and Message Pusher; the upstream's words may quote the key.
    return disable_channel(channel.id, redact(f"{error.type}/{error.code}: {error.message}", channel.key))


def disable_channel(channel_id: int, reason: str) -> bool:
    """Take an enabled channel out of rotation (status 3, which only the gateway sets)."""
    if _switch(channel_id, CHANNEL_ENABLED, CHANNEL_AUTO_DISABLED):
        log.warning("Channel #%s was disabled automatically: %s", channel_id, reason)
        alerts.channel_disabled(channel_id, reason)
        return True
    return False


def enable_channel(channel_id: int) -> bool:
    """Re-enable a channel the gateway disabled. One that an admin disabled (status 2) stays disabled."""
    if _switch(channel_id, CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED):
        log.warning("Channel #%s was re-enabled after a successful test", channel_id)
        metrics.reset(channel_id)  # the outcomes that condemned it are history
        alerts.channel_enabled(channel_id)
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
