"""The options table: runtime settings as key/value strings (see app.options for their meaning)."""

from sqlalchemy import Column

from app.extensions import db
from app.models.types import IndexedText, LongText


class Option(db.Model):
    __tablename__ = "options"

    key = Column(IndexedText, primary_key=True)
    value = Column(LongText)
