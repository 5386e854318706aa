"""One-time email codes (verification and password reset): issued per address, valid 10 minutes, used once.

Why stored codes and not signed tokens: a verification code is six characters a person types, which
cannot carry a signature, and single use needs server-side state for signed tokens as well. So both
purposes share one store: Redis when REDIS_CONN_STRING is set, else the email_codes table. Either
way every worker and node sees the same codes, and consuming is one atomic compare-and-delete.
"""

from __future__ import annotations

import hmac
import secrets
import string
import time

from sqlalchemy import delete, select

from app.cache import redis_client
from app.extensions import db
from app.models import EmailCode

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
        _table_store().put(_key(purpose, email), code)
    return code


def matches(purpose: str, email: str, code: object) -> bool:
    """Whether ``code`` is the live code for ``email``, without using it up."""
    if not _is_plausible(code):
        return False
    client = redis_client()
    if client is not None:
        stored = client.get(_key(purpose, email))
        return stored is not None and hmac.compare_digest(stored, _normal(purpose, code).encode())
    return _table_store().matches(_key(purpose, email), _normal(purpose, code))


def consume(purpose: str, email: str, code: object) -> bool:
    """Use the code up: True exactly once for the live code, False for a wrong, expired or used one."""
    if not _is_plausible(code):
        return False
    client = redis_client()
    if client is not None:
        return bool(client.eval(_CONSUME_SCRIPT, 1, _key(purpose, email), _normal(purpose, code)))
    return _table_store().take(_key(purpose, email), _normal(purpose, code))


def _key(purpose: str, email: str) -> str:
    return f"{_REDIS_PREFIX}:{purpose}:{email.strip().lower()}"


def _is_plausible(code: object) -> bool:
    return isinstance(code, str) and 0 < len(code.strip()) <= 64 and code.isascii()


def _normal(purpose: str, code: str) -> str:
    # People retype verification codes, sometimes in lower case; reset tokens arrive in a link as issued.
    return code.strip().upper() if purpose == VERIFY else code.strip()


class _TableStore:
    """Codes in the email_codes table; a conditional DELETE is the single use."""

    def put(self, key: str, code: str) -> None:
        now = int(time.time())
        db.session.execute(delete(EmailCode).where((EmailCode.key == key) | (EmailCode.expires_at <= now)))
        db.session.add(EmailCode(key=key, code=code, expires_at=int(time.time() + CODE_TTL_SECONDS)))
        db.session.commit()

    def matches(self, key: str, code: str) -> bool:
        row = db.session.execute(select(EmailCode.code, EmailCode.expires_at).where(EmailCode.key == key)).first()
        db.session.commit()
        return row is not None and row.expires_at > time.time() and hmac.compare_digest(row.code, code)

    def take(self, key: str, code: str) -> bool:
        taken = db.session.execute(delete(EmailCode).where(
            EmailCode.key == key, EmailCode.code == code, EmailCode.expires_at > int(time.time()))).rowcount
        db.session.commit()
        return bool(taken)


_TABLE_STORE = _TableStore()


def _table_store() -> _TableStore:
    return _TABLE_STORE
