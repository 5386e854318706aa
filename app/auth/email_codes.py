"""One-time email codes (verification and password reset): issued per address, valid 10 minutes, used once.

Why stored codes and not signed tokens: a verification code is six characters a person types, which
cannot carry a signature, and single use needs server-side state for signed tokens as well. So both
purposes share one store: Redis when REDIS_CONN_STRING is set (every worker and node sees the same
codes; consuming is one atomic compare-and-delete), else a map in this process. Without Redis a code
is only known to the process that issued it, which is right for the embedded single-process mode and
wrong for several workers: run those with Redis.
"""

from __future__ import annotations

import hmac
import secrets
import string
import time
from threading import Lock

from flask import current_app

from app.cache import redis_client

VERIFY, RESET = "verify", "reset"
CODE_TTL_SECONDS = 600.0
_VERIFY_ALPHABET = string.ascii_uppercase + string.digits  # 36**6 codes, against guessing within the TTL
_REDIS_PREFIX = "tollgate:email_code"
# Delete the key only if it still holds the code presented, so two requests cannot both use it.
_CONSUME_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def issue(purpose: str, email: str) -> str:
    """A new code for ``email``; it replaces any earlier code for the same purpose and address."""
    code = "".join(secrets.choice(_VERIFY_ALPHABET) for _ in range(6)) if purpose == VERIFY else secrets.token_hex(16)
    client = redis_client()
    if client is not None:
        client.set(_key(purpose, email), code, px=int(CODE_TTL_SECONDS * 1000))
    else:
        _memory_store().put(_key(purpose, email), code)
    return code


def matches(purpose: str, email: str, code: object) -> bool:
    """Whether ``code`` is the live code for ``email``, without using it up."""
    if not _is_plausible(code):
        return False
    client = redis_client()
    if client is not None:
        stored = client.get(_key(purpose, email))
        return stored is not None and hmac.compare_digest(stored, _normal(purpose, code).encode())
    return _memory_store().matches(_key(purpose, email), _normal(purpose, code))


def consume(purpose: str, email: str, code: object) -> bool:
    """Use the code up: True exactly once for the live code, False for a wrong, expired or used one."""
    if not _is_plausible(code):
        return False
    client = redis_client()
    if client is not None:
        return bool(client.eval(_CONSUME_SCRIPT, 1, _key(purpose, email), _normal(purpose, code)))
    return _memory_store().take(_key(purpose, email), _normal(purpose, code))


def _key(purpose: str, email: str) -> str:
    return f"{_REDIS_PREFIX}:{purpose}:{email.strip().lower()}"


def _is_plausible(code: object) -> bool:
    return isinstance(code, str) and 0 < len(code.strip()) <= 64 and code.isascii()


def _normal(purpose: str, code: str) -> str:
    # People retype verification codes, sometimes in lower case; reset tokens arrive in a link as issued.
    return code.strip().upper() if purpose == VERIFY else code.strip()


class _MemoryStore:
    """Codes in this process, with their deadlines; expired entries are dropped as the map grows."""

    def __init__(self) -> None:
        self._codes: dict[str, tuple[str, float]] = {}
        self._lock = Lock()

    def put(self, key: str, code: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._codes) > 1000:
                self._codes = {k: entry for k, entry in self._codes.items() if entry[1] > now}
            self._codes[key] = (code, now + CODE_TTL_SECONDS)

    def matches(self, key: str, code: str) -> bool:
        entry = self._codes.get(key)
        return entry is not None and entry[1] > time.monotonic() and hmac.compare_digest(entry[0], code)

    def take(self, key: str, code: str) -> bool:
        with self._lock:
            if not self.matches(key, code):
                return False
            del self._codes[key]
            return True


def _memory_store() -> _MemoryStore:
    return current_app.extensions.setdefault("tollgate.email_codes", _MemoryStore())
