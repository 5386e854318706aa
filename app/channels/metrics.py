"""Success-rate windows (ENABLE_METRIC): the outcomes of each channel's last METRIC_QUEUE_SIZE relay attempts.

With Redis, every node pushes into one list per channel and a single script pushes, trims and judges it,
so a window holds the whole cluster's traffic and exactly one node sees a channel condemned. Without Redis
the window is a deque in this process (each Gunicorn worker keeps its own, as One API's nodes do).
Which outcomes count, and what a condemned channel means, is decided in ``health``; this module keeps score.
"""

from __future__ import annotations

import logging
from collections import deque
from threading import Lock

import redis
from flask import current_app

from app.cache import redis_client
from app.config import Config

log = logging.getLogger(__name__)

_EXTENSION = "tollgate.metrics"
WINDOW_TTL_SECONDS = 7 * 86_400  # the window of a deleted channel goes away on its own

# KEYS: the window. ARGV: '1' success / '0' failure, window size, threshold, ttl.
# Returns {successes, condemned}: successes is -1 while the window is not full; a condemned window is cleared
# in the same step, so no other node can condemn the channel again on the same outcomes.
_RECORD = """
local size = tonumber(ARGV[2])
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, size - 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
local outcomes = redis.call('LRANGE', KEYS[1], 0, -1)
if #outcomes < size then return {-1, 0} end
local successes = 0
for _, outcome in ipairs(outcomes) do
  if outcome == '1' then successes = successes + 1 end
end
if successes / size < tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  return {successes, 1}
end
return {successes, 0}
"""


def window_key(channel_id: int) -> str:
    return f"tg:metric:channel:{channel_id}"


class RedisWindows:
    """One list per channel in Redis, newest outcome first, shared by every node."""

    def __init__(self, client: redis.Redis, size: int, threshold: float) -> None:
        self.redis = client
        self.size = size
        self.threshold = threshold
        self._record = client.register_script(_RECORD)

    def record(self, channel_id: int, success: bool) -> float | None:
        """Add one outcome; the success rate when it condemned the channel (window now cleared), else None."""
        successes, condemned = self._record(keys=[window_key(channel_id)],
                                            args=["1" if success else "0", self.size, repr(self.threshold),
                                                  WINDOW_TTL_SECONDS])
        return int(successes) / self.size if condemned else None

    def outcomes(self, channel_id: int) -> list[bool]:
        """The window, newest first."""
        return [value == b"1" for value in self.redis.lrange(window_key(channel_id), 0, -1)]

    def reset(self, channel_id: int) -> None:
        self.redis.delete(window_key(channel_id))


class LocalWindows:
    """The embedded mode's windows: a bounded deque per channel in this process."""

    def __init__(self, size: int, threshold: float) -> None:
        self.size = size
        self.threshold = threshold
        self._windows: dict[int, deque[bool]] = {}
        self._lock = Lock()

    def record(self, channel_id: int, success: bool) -> float | None:
        with self._lock:
            window = self._windows.setdefault(channel_id, deque(maxlen=self.size))
            window.appendleft(success)
            if len(window) < self.size:
                return None
            successes = sum(window)
            if successes / self.size >= self.threshold:
                return None
            window.clear()
            return successes / self.size

    def outcomes(self, channel_id: int) -> list[bool]:
        with self._lock:
            return list(self._windows.get(channel_id, ()))

    def reset(self, channel_id: int) -> None:
        with self._lock:
            self._windows.pop(channel_id, None)


def windows() -> RedisWindows | LocalWindows | None:
    """The app's windows, or None when ENABLE_METRIC is off (then the hot path pays one dict lookup)."""
    extensions = current_app.extensions
    try:
        return extensions[_EXTENSION]
    except KeyError:
        return extensions.setdefault(_EXTENSION, _build(current_app.config["TOLLGATE"]))


def record(channel_id: int, success: bool) -> float | None:
    """Score one attempt; the success rate that condemns the channel, or None (also when metrics are off).

    A Redis failure is logged and scores nothing: keeping score must never fail a request.
    """
    scores = windows()
    if scores is None:
        return None
    try:
        return scores.record(channel_id, success)
    except redis.RedisError as exc:
        log.warning("Could not record an outcome of channel #%s: %r", channel_id, exc)
        return None


def reset(channel_id: int) -> None:
    """Forget the channel's outcomes (it was re-enabled, and starts afresh)."""
    scores = windows()
    if scores is None:
        return
    try:
        scores.reset(channel_id)
    except redis.RedisError as exc:
        log.warning("Could not reset the window of channel #%s: %r", channel_id, exc)


def _build(config: Config) -> RedisWindows | LocalWindows | None:
    if not config.enable_metric:
        return None
    size, threshold = max(1, config.metric_queue_size), config.metric_success_rate_threshold
    client = redis_client()
    return RedisWindows(client, size, threshold) if client is not None else LocalWindows(size, threshold)
