"""Channel order: the highest priority tier first, and weights honoured inside a tier."""

from __future__ import annotations

from collections import Counter
from types import MappingProxyType

import pytest

from app.cache.channels import ChannelPool, ChannelSnapshot
from app.channels.selection import NoChannel, candidates, pinned, weighted_order


def _channel(channel_id: int, *, priority: int = 0, weight: int = 0, status: int = 1) -> ChannelSnapshot:
    return ChannelSnapshot(id=channel_id, type=1, name=f"c{channel_id}", key="k", base_url="", status=status,
                           priority=priority, weight=weight, models=("m",), model_mapping=MappingProxyType({}),
                           system_prompt="", config=MappingProxyType({}), other="")


def _pool(*channels: ChannelSnapshot) -> ChannelPool:
    by_priority: dict[int, list] = {}
    for channel in channels:
        by_priority.setdefault(channel.priority, []).append(channel)
    tiers = tuple(tuple(by_priority[p]) for p in sorted(by_priority, reverse=True))
    return ChannelPool(by_id=MappingProxyType({c.id: c for c in channels}),
                       routes=MappingProxyType({("default", "m"): tiers}),
                       models_by_group=MappingProxyType({"default": ("m",)}))


def test_higher_priority_tier_always_comes_first():
    pool = _pool(_channel(1, priority=0), _channel(2, priority=10), _channel(3, priority=5))
    for _ in range(50):
        assert [c.id for c in candidates(pool, "default", "m")] == [2, 3, 1]


def test_weights_are_honoured_within_statistical_tolerance():
    tier = (_channel(1, weight=1), _channel(2, weight=3), _channel(3, weight=6))
    draws = 20_000
    firsts = Counter(weighted_order(tier)[0].id for _ in range(draws))
    for channel_id, share in ((1, 0.1), (2, 0.3), (3, 0.6)):
        # 5 standard deviations of a binomial proportion: a false failure is ~1 in 3 million.
        tolerance = 5 * (share * (1 - share) / draws) ** 0.5
        assert abs(firsts[channel_id] / draws - share) < tolerance, firsts


def test_all_zero_weights_share_equally_and_zero_weight_is_a_fallback_in_a_weighted_tier():
    equal = Counter(weighted_order((_channel(1), _channel(2)))[0].id for _ in range(4000))
    assert abs(equal[1] - 2000) < 5 * (4000 * 0.25) ** 0.5
    for _ in range(200):
        assert weighted_order((_channel(1, weight=0), _channel(2, weight=5)))[-1].id == 1


def test_no_channel_for_the_model_is_a_503():
    with pytest.raises(NoChannel) as raised:
        candidates(_pool(_channel(1)), "default", "other-model")
    assert raised.value.status == 503


def test_pinned_channel_must_exist_and_be_enabled():
    pool = _pool(_channel(1), _channel(2, status=2))
    assert [c.id for c in pinned(pool, 1)] == [1]
    with pytest.raises(Exception) as missing:
        pinned(pool, 9)
    assert missing.value.status == 400
    with pytest.raises(Exception) as disabled:
        pinned(pool, 2)
    assert disabled.value.status == 403
