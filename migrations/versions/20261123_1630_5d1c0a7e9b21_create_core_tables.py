"""create core tables, or adopt an existing One API database

One API creates its tables with GORM AutoMigrate and keeps no migration history. On such a
database every table already exists: we keep it and its rows, and add only the columns and
indexes that older One API releases did not have yet. On an empty database we create everything.

Revision ID: 5d1c0a7e9b21
Revises:
Create Date: 2026-11-23 16:30:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = "5d1c0a7e9b21"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of app/models/types.py as of this revision (migrations never import the models).
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
IndexedText = sa.Text().with_variant(sa.String(191), "mysql", "mariadb")
LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
Float64 = sa.Float(precision=53).with_variant(sa.Numeric(asdecimal=False), "postgresql").with_variant(
    mysql.DOUBLE(asdecimal=False), "mysql", "mariadb")


def _default(value):
    return sa.text(value)


def _tables():
    """(table name, columns, indexes as (name, columns, unique)) in One API's layout."""
    return [
        ("users", [
            sa.Column("id", Id, primary_key=True, autoincrement=True),
            sa.Column("username", IndexedText),
            sa.Column("password", LongText, nullable=False),
            sa.Column("display_name", IndexedText),
            sa.Column("role", sa.Integer(), server_default=_default("1")),
            sa.Column("status", sa.Integer(), server_default=_default("1")),
            sa.Column("email", IndexedText),
            sa.Column("github_id", IndexedText),
            sa.Column("wechat_id", IndexedText),
            sa.Column("lark_id", IndexedText),
            sa.Column("oidc_id", IndexedText),
            sa.Column("access_token", sa.CHAR(32)),
            sa.Column("quota", sa.BigInteger(), server_default=_default("0")),
            sa.Column("used_quota", sa.BigInteger(), server_default=_default("0")),
            sa.Column("request_count", sa.Integer(), server_default=_default("0")),
            sa.Column("group", sa.String(32), server_default=_default("'default'")),
            sa.Column("aff_code", sa.String(32)),
            sa.Column("inviter_id", sa.Integer()),
        ], [
            ("idx_users_username", ["username"], True),
            ("idx_users_display_name", ["display_name"], False),
            ("idx_users_email", ["email"], False),
            ("idx_users_github_id", ["github_id"], False),
            ("idx_users_wechat_id", ["wechat_id"], False),
            ("idx_users_lark_id", ["lark_id"], False),
            ("idx_users_oidc_id", ["oidc_id"], False),
            ("idx_users_access_token", ["access_token"], True),
            ("idx_users_aff_code", ["aff_code"], True),
            ("idx_users_inviter_id", ["inviter_id"], False),
        ]),
        ("tokens", [
            sa.Column("id", Id, primary_key=True, autoincrement=True),
            sa.Column("user_id", sa.BigInteger()),
            sa.Column("key", sa.CHAR(48)),
            sa.Column("status", sa.BigInteger(), server_default=_default("1")),
            sa.Column("name", IndexedText),
            sa.Column("created_time", sa.BigInteger()),
            sa.Column("accessed_time", sa.BigInteger()),
            sa.Column("expired_time", sa.BigInteger(), server_default=_default("-1")),
            sa.Column("remain_quota", sa.BigInteger(), server_default=_default("0")),
            sa.Column("unlimited_quota", sa.Boolean(), server_default=sa.false()),
            sa.Column("used_quota", sa.BigInteger(), server_default=_default("0")),
            sa.Column("models", sa.Text(), nullable=True),
            sa.Column("subnet", IndexedText, server_default=_default("''")),
        ], [
            ("idx_tokens_key", ["key"], True),
            ("idx_tokens_name", ["name"], False),
        ]),
        ("channels", [
            sa.Column("id", Id, primary_key=True, autoincrement=True),
            sa.Column("type", sa.BigInteger(), server_default=_default("0")),
            sa.Column("key", sa.Text()),
            sa.Column("status", sa.BigInteger(), server_default=_default("1")),
            sa.Column("name", IndexedText),
            sa.Column("weight", sa.BigInteger(), server_default=_default("0")),
            sa.Column("created_time", sa.BigInteger()),
            sa.Column("test_time", sa.BigInteger()),
            sa.Column("response_time", sa.BigInteger()),
            sa.Column("base_url", IndexedText, server_default=_default("''")),
            sa.Column("other", LongText),
            sa.Column("balance", Float64),
            sa.Column("balance_updated_time", sa.BigInteger()),
            sa.Column("models", LongText),
            sa.Column("group", sa.String(32), server_default=_default("'default'")),
            sa.Column("used_quota", sa.BigInteger(), server_default=_default("0")),
            sa.Column("model_mapping", sa.String(1024), server_default=_default("''")),
            sa.Column("priority", sa.BigInteger(), server_default=_default("0")),
            sa.Column("config", LongText),
            sa.Column("system_prompt", sa.Text(), nullable=True),
        ], [
            ("idx_channels_name", ["name"], False),
        ]),
        ("abilities", [
            sa.Column("group", sa.String(32), primary_key=True, autoincrement=False),
            sa.Column("model", IndexedText, primary_key=True, autoincrement=False),
            sa.Column("channel_id", sa.BigInteger(), primary_key=True, autoincrement=False),
            sa.Column("enabled", sa.Boolean()),
            sa.Column("priority", sa.BigInteger(), server_default=_default("0")),
        ], [
            ("idx_abilities_channel_id", ["channel_id"], False),
            ("idx_abilities_priority", ["priority"], False),
        ]),
        ("redemptions", [
            sa.Column("id", Id, primary_key=True, autoincrement=True),
            sa.Column("user_id", sa.BigInteger()),
            sa.Column("key", sa.CHAR(32)),
            sa.Column("status", sa.BigInteger(), server_default=_default("1")),
            sa.Column("name", IndexedText),
            sa.Column("quota", sa.BigInteger(), server_default=_default("100")),
            sa.Column("created_time", sa.BigInteger()),
            sa.Column("redeemed_time", sa.BigInteger()),
        ], [
            ("idx_redemptions_key", ["key"], True),
            ("idx_redemptions_name", ["name"], False),
        ]),
        ("options", [
            sa.Column("key", IndexedText, primary_key=True),
            sa.Column("value", LongText),
        ], []),
        ("logs", [
            sa.Column("id", Id, primary_key=True, autoincrement=True),
            sa.Column("user_id", sa.BigInteger()),
            sa.Column("created_at", sa.BigInteger()),
            sa.Column("type", sa.BigInteger()),
            sa.Column("content", LongText),
            sa.Column("username", IndexedText, server_default=_default("''")),
            sa.Column("token_name", IndexedText, server_default=_default("''")),
            sa.Column("model_name", IndexedText, server_default=_default("''")),
            sa.Column("quota", sa.BigInteger(), server_default=_default("0")),
            sa.Column("prompt_tokens", sa.BigInteger(), server_default=_default("0")),
            sa.Column("completion_tokens", sa.BigInteger(), server_default=_default("0")),
            sa.Column("channel_id", sa.BigInteger()),
            sa.Column("request_id", IndexedText, server_default=_default("''")),
            sa.Column("elapsed_time", sa.BigInteger(), server_default=_default("0")),
            sa.Column("is_stream", sa.Boolean(), server_default=sa.false()),
            sa.Column("system_prompt_reset", sa.Boolean(), server_default=sa.false()),
        ], [
            ("idx_logs_user_id", ["user_id"], False),
            ("idx_created_at_type", ["created_at", "type"], False),
            ("idx_logs_token_name", ["token_name"], False),
            ("idx_logs_model_name", ["model_name"], False),
            ("index_username_model_name", ["model_name", "username"], False),
            ("idx_logs_channel_id", ["channel_id"], False),
        ]),
    ]


def upgrade():
    inspector = sa.inspect(op.get_bind())
    for name, columns, indexes in _tables():
        if inspector.has_table(name):
            _adopt(inspector, name, columns, indexes)
        else:
            op.create_table(name, *columns)
            for index_name, index_columns, unique in indexes:
                op.create_index(index_name, name, index_columns, unique=unique)


def _adopt(inspector, name, columns, indexes):
    """Bring an existing One API table up to this layout without touching its rows."""
    present = {column["name"] for column in inspector.get_columns(name)}
    for column in columns:
        if column.name not in present:
            op.add_column(name, column)
            present.add(column.name)
    named = {index["name"] for index in inspector.get_indexes(name)}
    for index_name, index_columns, unique in indexes:
        # A unique index over old rows could fail on duplicates One API let in; those stay plain.
        if index_name not in named:
            op.create_index(index_name, name, index_columns, unique=False)


def downgrade():
    for name, _columns, _indexes in reversed(_tables()):
        op.drop_table(name)
