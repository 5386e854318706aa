"""add email_codes: one-time email codes shared by every worker without Redis

Revision ID: 8b3e6f2a4c10
Revises: 5d1c0a7e9b21
Create Date: 2026-11-23 18:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = "8b3e6f2a4c10"
down_revision = "5d1c0a7e9b21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_codes",
        sa.Column("key", sa.String(191), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
    )


def downgrade():
    op.drop_table("email_codes")
