"""The redemptions table: one-time codes that add quota to the account that redeems them."""

from __future__ import annotations

from sqlalchemy import BigInteger, CHAR, Column, Index, text

from app.extensions import db
from app.models.types import Id, IndexedText

REDEMPTION_ENABLED, REDEMPTION_DISABLED, REDEMPTION_USED = 1, 2, 3


class Redemption(db.Model):
    __tablename__ = "redemptions"
    __table_args__ = (
        Index("idx_redemptions_key", "key", unique=True),
        Index("idx_redemptions_name", "name"),
    )

    id = Column(Id, primary_key=True, autoincrement=True)
    user_id = Column(BigInteger)  # the admin who created the code
    key = Column(CHAR(32))
    status = Column(BigInteger, default=REDEMPTION_ENABLED, server_default=text("1"))
    name = Column(IndexedText)
    quota = Column(BigInteger, default=100, server_default=text("100"))
    created_time = Column(BigInteger)
    redeemed_time = Column(BigInteger)
