"""The tokens table: the relay API keys (``sk-…``) users issue to their clients."""

from __future__ import annotations

import secrets
import string

from sqlalchemy import BigInteger, Boolean, CHAR, Column, Index, Text, false, text

from app.extensions import db
from app.models.types import Id, IndexedText

TOKEN_ENABLED, TOKEN_DISABLED, TOKEN_EXPIRED, TOKEN_EXHAUSTED = 1, 2, 3, 4
NEVER_EXPIRES = -1


class Token(db.Model):
    __tablename__ = "tokens"
    __table_args__ = (
        Index("idx_tokens_key", "key", unique=True),
        Index("idx_tokens_name", "name"),
    )

    id = Column(Id, primary_key=True, autoincrement=True)
    user_id = Column(BigInteger)
    key = Column(CHAR(48))  # stored without the "sk-" prefix, as One API does
    status = Column(BigInteger, default=TOKEN_ENABLED, server_default=text("1"))
    name = Column(IndexedText)
    created_time = Column(BigInteger)
    accessed_time = Column(BigInteger)
    expired_time = Column(BigInteger, default=NEVER_EXPIRES, server_default=text("-1"))
    remain_quota = Column(BigInteger, default=0, server_default=text("0"))
    unlimited_quota = Column(Boolean, default=False, server_default=false())
    used_quota = Column(BigInteger, default=0, server_default=text("0"))
    models = Column(Text, nullable=True)  # comma-separated allow-list; empty means every model
    subnet = Column(IndexedText, default="", server_default=text("''"))  # comma-separated CIDRs


def new_token_key() -> str:
    """48 random letters and digits; clients see it as ``sk-`` + key."""
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(48))


_KEY_ALPHABET = string.ascii_letters + string.digits
