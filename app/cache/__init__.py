"""Read-through caches for the hot path, and the Redis connection they share when Redis is configured.

Each cached aggregate has its own module (tokens, users, channels) pairing reads with explicit
``invalidate_*`` functions that writers call; ``bus`` carries those to every other process. Entries
also expire (``bus.cache_ttl``), as a safety net.
"""

from __future__ import annotations

import time
from threading import Event, Lock
from typing import Callable, Generic, Hashable, TypeVar

import redis
from flask import Flask, current_app

from app.config import Config

_EXTENSION = "tollgate.redis"
V = TypeVar("V")


def init_app(app: Flask, config: Config) -> None:
    from app.cache import bus, channels, tokens, users  # noqa: F401  each registers its invalidation handler

    bus.init_app(app, long_ttl=float(max(1, config.sync_frequency)), enabled=bool(config.redis_conn_string))
    if not config.redis_conn_string:
        app.extensions[_EXTENSION] = None
        return
    # A blocking pool: past its size a caller waits for a connection instead of failing, as hundreds of
    # greenlets in one worker otherwise would.
    pool = redis.BlockingConnectionPool.from_url(config.redis_conn_string, max_connections=256, timeout=10,
                                                 health_check_interval=30)
    app.extensions[_EXTENSION] = redis.Redis(connection_pool=pool)


def redis_client() -> redis.Redis | None:
    """The shared Redis client, or None in the embedded mode (no REDIS_CONN_STRING)."""
    return current_app.extensions[_EXTENSION]


class _Call:
    __slots__ = ("done", "ok", "value")

    def __init__(self) -> None:
        self.done = Event()
        self.ok = False
        self.value = None


class SingleFlight:
    """Callers asking for the same key at the same time share one call: when a hot entry expires, a
    hundred waiting requests make one query, not a hundred (and do not exhaust the database's connections)."""

    def __init__(self) -> None:
        self._calls: dict[Hashable, _Call] = {}
        self._lock = Lock()

    def do(self, key: Hashable, fn: Callable[[], V]) -> V:
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if leader:
                call = self._calls[key] = _Call()
        if not leader:
            call.done.wait()
            return call.value if call.ok else fn()  # the leader failed: try once for ourselves
        try:
            call.value = fn()
            call.ok = True
            return call.value
        finally:
            with self._lock:
                del self._calls[key]
            call.done.set()


class TTLCache(Generic[V]):
    """A small in-process map whose entries expire; lookups of a missing key load it once."""

    def __init__(self, ttl: Callable[[], float], max_entries: int = 100_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._lock = Lock()
        self._loads = SingleFlight()
        # Bumped by every invalidation: a load that raced one may hold the old row, so it is not kept.
        self._generation = 0

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            return entry[1]
        generation = self._generation
        value = self._loads.do(key, load)
        with self._lock:
            if generation != self._generation:
                return value
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # a crude bound; the working set reloads within one request each
            self._entries[key] = (now + self.ttl(), value)
        return value

    def invalidate(self, key: Hashable) -> None:
        with self._lock:
            self._generation += 1
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()


def app_cache(name: str, factory: Callable[[], V]) -> V:
    """A per-application cache object, so that two apps in one process (tests) never share entries."""
    caches = current_app.extensions.setdefault("tollgate.caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, factory())
    return cache
