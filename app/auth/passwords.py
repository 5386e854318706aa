"""Password hashing: bcrypt, readable by and for One API's Go bcrypt hashes ($2a$)."""

from __future__ import annotations

import bcrypt
from flask import current_app, has_app_context

# bcrypt reads only the first 72 bytes; longer inputs are rejected at the API edge instead of silently cut.
MAX_PASSWORD_BYTES = 72


DEFAULT_ROUNDS = 12


def hash_password(password: str) -> str:
    rounds = current_app.config["TOLLGATE"].password_hash_rounds if has_app_context() else DEFAULT_ROUNDS
    return bcrypt.hashpw(password.encode()[:MAX_PASSWORD_BYTES], bcrypt.gensalt(rounds=rounds)).decode()


def verify_password(password: str, hashed: str | None) -> bool:
    if not hashed or not hashed.startswith("$2"):
        return False
    try:
        return bcrypt.checkpw(password.encode()[:MAX_PASSWORD_BYTES], hashed.encode())
    except ValueError:  # a malformed stored hash must read as "wrong password", not crash the login
        return False
