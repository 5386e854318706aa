"""The email_codes table: live verification codes and reset tokens, so every worker and node sees them."""

from sqlalchemy import BigInteger, Column, String

from app.extensions import db


class EmailCode(db.Model):
    __tablename__ = "email_codes"

    key = Column(String(191), primary_key=True)  # purpose and address
    code = Column(String(64), nullable=False)
    expires_at = Column(BigInteger, nullable=False)  # unix seconds
