"""add quota_holds: the journal of open reservations, swept when their worker dies

Revision ID: c4d2e8f1a7b3
Revises: 8b3e6f2a4c10
Create Date: 2026-12-04 18:00:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = "c4d2e8f1a7b3"
down_revision = "8b3e6f2a4c10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quota_holds",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("token_id", sa.BigInteger(), nullable=False),
        sa.Column("token_unlimited", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("charged", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        sa.Column("channel_id", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("detail", sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")),
    )
    op.create_index("idx_quota_holds_deadline", "quota_holds", ["deadline"])


def downgrade():
    op.drop_index("idx_quota_holds_deadline", table_name="quota_holds")
    op.drop_table("quota_holds")
