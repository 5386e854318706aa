"""The logs table: one row per billed call, top-up, admin action, system credit or channel test.

It may live in its own database (LOG_SQL_DSN), hence its own bind key.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, false, text

from app.extensions import db
from app.models.types import Id, IndexedText, LongText

LOG_UNKNOWN, LOG_TOPUP, LOG_CONSUME, LOG_MANAGE, LOG_SYSTEM, LOG_TEST = 0, 1, 2, 3, 4, 5


class Log(db.Model):
    __tablename__ = "logs"
    __bind_key__ = "logs"
    __table_args__ = (
        Index("idx_logs_user_id", "user_id"),
        Index("idx_created_at_type", "created_at", "type"),
        Index("idx_logs_token_name", "token_name"),
        Index("idx_logs_model_name", "model_name"),
        Index("index_username_model_name", "model_name", "username"),
        Index("idx_logs_channel_id", "channel_id"),
    )

    id = Column(Id, primary_key=True, autoincrement=True)
    user_id = Column(BigInteger)
    created_at = Column(BigInteger)
    type = Column(BigInteger)
    content = Column(LongText)
    username = Column(IndexedText, default="", server_default=text("''"))
    token_name = Column(IndexedText, default="", server_default=text("''"))
    model_name = Column(IndexedText, default="", server_default=text("''"))
    quota = Column(BigInteger, default=0, server_default=text("0"))
    prompt_tokens = Column(BigInteger, default=0, server_default=text("0"))
    completion_tokens = Column(BigInteger, default=0, server_default=text("0"))
    channel_id = Column(BigInteger)  # JSON key "channel" in One API's API
    request_id = Column(IndexedText, default="", server_default=text("''"))
    elapsed_time = Column(BigInteger, default=0, server_default=text("0"))  # milliseconds
    is_stream = Column(Boolean, default=False, server_default=false())
    system_prompt_reset = Column(Boolean, default=False, server_default=false())
