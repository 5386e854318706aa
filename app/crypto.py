"""Channel keys encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) under a stable app secret.

The secret is CHANNEL_KEY_SECRET, else an explicit SESSION_SECRET, else a random key kept in a file
beside the SQLite database, created on first use. Every node of a cluster must share it. Values
from a One API database are plaintext; they are read as they are and encrypted when next written.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from flask import Flask, current_app

from app.config import Config

PREFIX = "enc:v1:"
_EXTENSION = "tollgate.fernet"


def init_app(app: Flask, config: Config) -> None:
    app.extensions[_EXTENSION] = Fernet(_derive_key(_secret(config)))


def _secret(config: Config) -> str:
    if config.channel_key_secret:
        return config.channel_key_secret
    if not config.session_secret_generated:
        return config.session_secret
    return data_dir_secret(config, "channel-key.secret")


def data_dir_secret(config: Config, name: str) -> str:
    """A random secret kept in a file beside the SQLite database, created by whichever process asks
    first; every worker of this node reads the same value, and it survives restarts."""
    path = Path(config.sqlite_path).expanduser().resolve().parent / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)  # atomic, and fails if another worker got there first: theirs stands
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _derive_key(secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(b"tollgate channel keys:" + secret.encode()).digest())


def encrypt_secret(plain: str) -> str:
    if not plain:
        return ""
    return PREFIX + current_app.extensions[_EXTENSION].encrypt(plain.encode()).decode()


def decrypt_secret(stored: str | None) -> str:
    """The plaintext of a stored value; legacy plaintext passes through unchanged."""
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return current_app.extensions[_EXTENSION].decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        current_app.logger.error("A channel key cannot be decrypted: CHANNEL_KEY_SECRET differs from the one "
                                 "that encrypted it")
        return ""


def mask_secret(plain: str) -> str:
    """What an admin may see of a key: enough to recognise it, never enough to use it."""
    if not plain:
        return ""
    if len(plain) <= 8:
        return "*" * len(plain)
    return f"{plain[:3]}…{plain[-4:]}"
