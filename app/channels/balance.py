"""Channel balances: the provider's own figure, asked through the channel's adaptor and stored on the channel.

An adaptor describes a balance query as a dialogue: ``balance_request(channel, replies)`` gives the next
request given the replies so far (None when it needs no more; None at once when its provider has no balance
query), and ``parse_balance(last_reply, earlier_replies)`` reads the figure. Most providers need one request;
OpenAI's legacy dashboard needs two.
"""

from __future__ import annotations

import logging
import time

from flask import current_app
from sqlalchemy import select, update

from app.cache.channels import ChannelSnapshot, channel_pool
from app.channels.health import disable_channel
from app.errors import AppError, NotFound
from app.extensions import db
from app.models import Channel
from app.models.channel import CHANNEL_ENABLED
from app.options import current as current_options
from app.redaction import redact
from app.relay import upstream
from app.relay.adaptors import get_adaptor
from app.relay.adaptors.base import UpstreamRequest

log = logging.getLogger(__name__)

MAX_BALANCE_REQUESTS = 4  # a dialogue longer than this is an adaptor bug, not a slow provider


class BalanceUnavailable(AppError):
    """The balance could not be read: unreachable provider or an unreadable reply."""


class BalanceUnsupported(BalanceUnavailable):
    """The channel's provider has no balance query."""


def refresh_balance(channel_id: int) -> float:
    """Ask the provider for the channel's balance, store it with the time, and return it."""
    channel = channel_pool().by_id.get(channel_id)
    if channel is None:
        raise NotFound("Channel not found.")
    balance = query_balance(channel)
    db.session.execute(update(Channel).where(Channel.id == channel_id)
                       .values(balance=balance, balance_updated_time=int(time.time())))
    db.session.commit()
    return balance


def query_balance(channel: ChannelSnapshot) -> float:
    adaptor = get_adaptor(channel.type)
    request = adaptor.balance_request(channel) if adaptor is not None else None
    if request is None:
        raise BalanceUnsupported("Balance queries are not supported for this channel type.")
    replies: list[bytes] = []
    try:
        while request is not None and len(replies) < MAX_BALANCE_REQUESTS:
            replies.append(_fetch(request))
            request = adaptor.balance_request(channel, tuple(replies))
        return adaptor.parse_balance(replies[-1], tuple(replies[:-1]))
    # What reading a reply of the wrong shape raises (orjson's decode error is a ValueError).
    except (LookupError, TypeError, ValueError, AttributeError) as exc:
        message = f"The provider's balance reply could not be read ({exc})."
    except BalanceUnavailable as exc:
        message = exc.message
    # Admins never see channel keys; the provider's words and the exception's may quote the key.
    raise BalanceUnavailable(redact(message, channel.key)) from None


def _fetch(request: UpstreamRequest) -> bytes:
    try:
        response = upstream.client().send(request)
        body = upstream.read_body(response)
    except upstream.UpstreamUnavailable as exc:
        raise BalanceUnavailable(f"The provider could not be reached: {exc}") from None
    if response.status_code != 200:
        detail = body[:200].decode("utf-8", "replace").strip()
        raise BalanceUnavailable(f"The provider answered the balance query with status {response.status_code}: "
                                 f"{detail}")
    return body


def refresh_all_balances() -> tuple[int, int]:
    """Refresh every enabled channel whose type has a balance query; (refreshed, failed).

    A channel found with nothing left is disabled, as in One API's updater, but only when
    AutomaticDisableChannelEnabled is on (One API does it regardless).
    """
    refreshed = failed = 0
    interval = current_app.config["TOLLGATE"].polling_interval
    for channel_id in _enabled_channel_ids():
        if refreshed + failed and interval:
            time.sleep(interval)
        try:
            balance = refresh_balance(channel_id)
        except BalanceUnsupported:
            continue
        except AppError as exc:
            log.info("Channel #%s balance was not refreshed: %s", channel_id, exc.message)
            failed += 1
            continue
        refreshed += 1
        if balance <= 0 and current_options().get_bool("AutomaticDisableChannelEnabled"):
            disable_channel(channel_id, f"its balance is {balance}")
    return refreshed, failed


def _enabled_channel_ids() -> list[int]:
    ids = list(db.session.execute(select(Channel.id).where(Channel.status == CHANNEL_ENABLED)
                                  .order_by(Channel.id)).scalars())
    db.session.commit()
    return ids
