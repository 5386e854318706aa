"""The users table: accounts, roles, balances and sign-in identities."""

from __future__ import annotations

import secrets
import string

from flask_login import UserMixin
from sqlalchemy import BigInteger, CHAR, Column, Index, Integer, String, text

from app.extensions import db
from app.models.types import Id, IndexedText, LongText

ROLE_GUEST, ROLE_COMMON, ROLE_ADMIN, ROLE_ROOT = 0, 1, 10, 100
USER_ENABLED, USER_DISABLED, USER_DELETED = 1, 2, 3


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        Index("idx_users_username", "username", unique=True),
        Index("idx_users_display_name", "display_name"),
        Index("idx_users_email", "email"),
        Index("idx_users_github_id", "github_id"),
        Index("idx_users_wechat_id", "wechat_id"),
        Index("idx_users_lark_id", "lark_id"),
        Index("idx_users_oidc_id", "oidc_id"),
        Index("idx_users_access_token", "access_token", unique=True),
        Index("idx_users_aff_code", "aff_code", unique=True),
        Index("idx_users_inviter_id", "inviter_id"),
    )

    id = Column(Id, primary_key=True, autoincrement=True)
    username = Column(IndexedText)
    password = Column(LongText, nullable=False)
    display_name = Column(IndexedText)
    role = Column(Integer, default=ROLE_COMMON, server_default=text("1"))
    status = Column(Integer, default=USER_ENABLED, server_default=text("1"))
    email = Column(IndexedText)
    github_id = Column(IndexedText)
    wechat_id = Column(IndexedText)
    lark_id = Column(IndexedText)
    oidc_id = Column(IndexedText)
    access_token = Column(CHAR(32))
    quota = Column(BigInteger, default=0, server_default=text("0"))
    used_quota = Column(BigInteger, default=0, server_default=text("0"))
    request_count = Column(Integer, default=0, server_default=text("0"))
    group = Column(String(32), default="default", server_default=text("'default'"))
    aff_code = Column(String(32))
    inviter_id = Column(Integer)

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled and deleted users have no session
        return self.status == USER_ENABLED

    @property
    def is_root(self) -> bool:
        return self.role >= ROLE_ROOT


def new_access_token() -> str:
    """A system access token: 32 hex characters, as One API issues them."""
    return secrets.token_hex(16)


def new_aff_code() -> str:
    # One API uses 4 characters under a unique index, which collides at scale; 8 keeps the shape.
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(8))
