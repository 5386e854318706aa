"""The quota_holds table: the journal of reservations taken and not yet settled or refunded.

A row is written in the transaction that takes the reservation and deleted in the one that settles or
refunds it, so a row still there after its deadline belongs to a request whose worker died (SIGKILL, OOM,
a lost node): the sweeper (app.billing.sweeper) closes it. Only the SQL ledger keeps holds here; the Redis
ledger keeps them in Redis, next to the balances they were taken from.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, String, false, text

from app.extensions import db
from app.models.types import LongText


class QuotaHold(db.Model):
    __tablename__ = "quota_holds"
    __table_args__ = (Index("idx_quota_holds_deadline", "deadline"),)

    request_id = Column(String(64), primary_key=True)
    user_id = Column(BigInteger, nullable=False)
    token_id = Column(BigInteger, nullable=False)
    token_unlimited = Column(Boolean, nullable=False, default=False, server_default=false())
    amount = Column(BigInteger, nullable=False)  # what the reservation took from the balances
    charged = Column(BigInteger, nullable=False, default=0, server_default=text("0"))  # running cost, last heartbeat
    channel_id = Column(BigInteger, nullable=False, default=0, server_default=text("0"))
    deadline = Column(BigInteger, nullable=False)  # unix seconds; a live request keeps moving it on
    created_at = Column(BigInteger, nullable=False)
    detail = Column(LongText)  # JSON: what the sweeper needs for the log row (username, token name, model, …)
