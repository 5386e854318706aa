"""Which channels may serve a request, in the order to try them: priority tiers, weighted within a tier."""

from __future__ import annotations

import random

from app.cache.channels import ChannelPool, ChannelSnapshot
from app.errors import AppError


class NoChannel(AppError):
    status = 503
    type = "service_unavailable"
    code = "model_not_available"


def candidates(pool: ChannelPool, group: str, model: str) -> list[ChannelSnapshot]:
    """Every enabled channel serving ``model`` for ``group``: highest priority tier first, each tier in
    weighted random order. One API ignores weights; a request here lands on a channel with probability
    proportional to its weight among its tier (all-zero weights mean equal shares)."""
    tiers = pool.routes.get((group, model))
    if not tiers:
        raise NoChannel(f"No available channel for model {model} in group {group}.")
    ordered: list[ChannelSnapshot] = []
    for tier in tiers:
        ordered.extend(weighted_order(tier))
    return ordered


def pinned(pool: ChannelPool, channel_id: int) -> list[ChannelSnapshot]:
    channel = pool.by_id.get(channel_id)
    if channel is None:
        raise AppError(f"Channel {channel_id} does not exist.", status=400, code="invalid_channel_id")
    if channel.status != 1:
        raise AppError(f"Channel {channel_id} is disabled.", status=403, code="channel_disabled")
    return [channel]


def weighted_order(tier: tuple[ChannelSnapshot, ...]) -> list[ChannelSnapshot]:
    """A random permutation where each channel comes first with probability weight / total weight.

    Keys u^(1/w) sorted descending (Efraimidis–Spirakis) give exactly that, for the first pick and every
    later one. Channels with weight 0 in a weighted tier come last, as fallbacks.
    """
    if len(tier) == 1:
        return list(tier)
    if not any(channel.weight > 0 for channel in tier):
        shuffled = list(tier)
        random.shuffle(shuffled)
        return shuffled
    keyed = [(random.random() ** (1.0 / channel.weight) if channel.weight > 0 else -random.random(), channel)
             for channel in tier]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [channel for _key, channel in keyed]
