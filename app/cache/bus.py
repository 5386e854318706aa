"""Cache invalidation across processes and nodes, over Redis pub/sub.

A writer calls ``announce(kind, key)``: this process drops the entry at once, and every other web
process sharing the Redis hears it within milliseconds and drops its own. While a process is
listening, its cache entries may live for SYNC_FREQUENCY seconds (they are only a safety net); while
it is not (no Redis, the listener not started yet, or the connection lost), entries live one second,
so a change is never unseen for longer than that. On every (re)connection the listener empties all
caches, because messages sent while it was away are lost.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from typing import Callable

import orjson
from flask import Flask, current_app

CHANNEL = "tollgate:invalidate"
SHORT_TTL_SECONDS = 1.0
RECONNECT_DELAY_SECONDS = 1.0
_EXTENSION = "tollgate.cache_bus"

log = logging.getLogger(__name__)

# kind → how to drop its entries in the current app; key None means every entry of that kind.
Handler = Callable[[str | None], None]
_HANDLERS: dict[str, Handler] = {}


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register how a cache module drops entries of ``kind`` (called within an app context)."""
    def register(handler: Handler) -> Handler:
        _HANDLERS[kind] = handler
        return handler
    return register


class _BusState:
    def __init__(self, long_ttl: float) -> None:
        self.origin = uuid.uuid4().hex  # lets a listener skip what its own process already applied
        self.long_ttl = long_ttl
        self.listening = False
        self.listener_pid: int | None = None
        self.lock = threading.Lock()


def init_app(app: Flask, long_ttl: float, enabled: bool) -> None:
    app.extensions[_EXTENSION] = state = _BusState(long_ttl)
    if enabled:
        # Started by the first request, not here: the app may be built in a process that forks later
        # (Gunicorn's master), and a listener must live in the process that serves.
        app.before_request(lambda: _ensure_listening(app, state))


def cache_ttl() -> float:
    """How long a cache entry may be trusted in this process right now."""
    state: _BusState | None = current_app.extensions.get(_EXTENSION)  # absent in a bare app: no bus
    return state.long_ttl if state is not None and state.listening else SHORT_TTL_SECONDS


def announce(kind: str, key: str | int | None = None) -> None:
    """Drop ``kind``/``key`` here and tell every other process to drop it too."""
    text = None if key is None else str(key)
    _apply(kind, text)
    from app.cache import redis_client

    client = redis_client()
    if client is None:
        return
    state: _BusState = current_app.extensions[_EXTENSION]
    try:
        client.publish(CHANNEL, orjson.dumps([kind, text, state.origin]))
    except Exception:  # noqa: BLE001 — the others' caches still expire within a second
        log.warning("Could not publish a %s invalidation; other nodes see it within %.0f s",
                    kind, SHORT_TTL_SECONDS, exc_info=True)


def _apply(kind: str, key: str | None) -> None:
    handler = _HANDLERS.get(kind)
    if handler is None:
        log.warning("No cache handles %r invalidations", kind)
        return
    handler(key)


def _clear_everything() -> None:
    for handler in _HANDLERS.values():
        handler(None)


def _ensure_listening(app: Flask, state: _BusState) -> None:
    pid = os.getpid()
    if state.listener_pid == pid:
        return
    with state.lock:
        if state.listener_pid != pid:
            state.listener_pid = pid
            state.listening = False
            threading.Thread(target=_listen_forever, args=(app, state), name="cache-bus", daemon=True).start()


def _listen_forever(app: Flask, state: _BusState) -> None:
    from app.cache import redis_client

    with app.app_context():
        client = redis_client()
        while True:
            try:
                _listen(app, state, client)
            except Exception:  # noqa: BLE001 — Redis went away; short TTLs cover the gap
                log.warning("Cache invalidation listener lost Redis; retrying", exc_info=True)
            state.listening = False
            time.sleep(RECONNECT_DELAY_SECONDS)


def _listen(app: Flask, state: _BusState, client) -> None:
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(CHANNEL)
        pubsub.get_message(timeout=5)  # the subscribe confirmation: from here on nothing is missed
        _clear_everything()  # whatever was announced while we were not listening
        state.listening = True
        for message in pubsub.listen():
            kind, key, origin = orjson.loads(message["data"])
            if origin != state.origin:
                with app.app_context():
                    _apply(kind, key)
    finally:
        pubsub.close()
