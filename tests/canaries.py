"""Canary channel keys, the check that no trace of one is left in some text, and where to look for traces."""

from __future__ import annotations

import base64
import logging
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from sqlalchemy import select

from app.extensions import db
from app.logfiles import configure_logging
from app.models import Log


def new_canary() -> str:
    return "sk-canary-" + secrets.token_hex(20)


def canary_forms(key: str) -> list[str]:
    """The key as it is, URL-encoded, and base64-encoded at each byte alignment in both alphabets (without the
    end characters, which also encode the bytes around the key)."""
    raw = key.encode()
    forms = [key, quote(key, safe="")]
    for prefix in (b"", b"u", b"us"):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            forms.append(encode(prefix + raw).decode()[3:-3])
    return forms


def traces_of(secret: str, text: str, length: int = 8) -> list[str]:
    """Every run of ``length`` characters of ``secret`` that ``text`` contains."""
    return [secret[start:start + length] for start in range(len(secret) - length + 1)
            if secret[start:start + length] in text]


def assert_no_trace(secret: str, text: str) -> None:
    leftovers = traces_of(secret, text)
    assert not leftovers, (leftovers, text[:2000])


def assert_no_canary(key: str, *texts: str) -> None:
    """No 8-character run of the key, in any of its forms, in any of ``texts``."""
    for text in texts:
        for form in canary_forms(key):
            assert_no_trace(form, text)


def log_rows_text(app) -> str:
    """Every column of every row in the logs table, as one text to search."""
    with app.app_context():
        rows = db.session.execute(select(Log)).scalars().all()
        text = "\n".join(repr({column.name: getattr(row, column.name) for column in Log.__table__.columns})
                         for row in rows)
        db.session.commit()
    return text


def log_files_text(log_dir: Path) -> str:
    return "\n".join(path.read_text(errors="replace") for path in sorted(log_dir.rglob("*")) if path.is_file())


@contextmanager
def logging_to(log_dir: Path) -> Iterator[Path]:
    """The gateway's own log set-up (LOG_DIR) for the duration; the root logger is put back as it was."""
    root = logging.getLogger()
    level = root.level
    configure_logging(str(log_dir))
    try:
        yield log_dir
    finally:
        for handler in [handler for handler in root.handlers if getattr(handler, "_tollgate", False)]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
