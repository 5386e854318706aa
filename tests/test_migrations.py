"""Migrations: an empty database reaches head on SQLite, PostgreSQL and MariaDB, and matches the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app import create_app
from app.extensions import db
from app.schema import alembic_config, upgrade_databases
from tests import databases
from tests.conftest import dispose, require_service

TABLES = {"users", "tokens", "channels", "abilities", "redemptions", "logs", "options"}


def _differences(app, engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, _target(app))


def _target(app):
    # Both metadatas (main and the logs bind) as one, the way migrations/env.py hands them to Alembic.
    merged = sa.MetaData()
    for metadata in (db.metadatas[None], db.metadatas["logs"]):
        for table in metadata.tables.values():
            table.to_metadata(merged)
    return merged


def _head(app) -> str:
    return ScriptDirectory.from_config(alembic_config(app)).get_current_head()


def test_empty_database_upgrades_to_head_with_no_model_drift(empty_database):
    app = create_app(empty_database)
    upgrade_databases(app)
    with app.app_context():
        engine = db.engines[None]
        assert TABLES <= set(sa.inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == _head(app)
        assert _differences(app, engine) == []
    dispose(app)


def test_upgrade_is_idempotent(empty_database):
    app = create_app(empty_database)
    upgrade_databases(app)
    upgrade_databases(app)
    dispose(app)


def test_separate_log_database_is_migrated_too(tmp_path):
    require_service("postgresql")
    log_dsn = databases.create_database("postgresql")
    try:
        app = create_app({"SQLITE_PATH": str(tmp_path / "main.db"), "LOG_SQL_DSN": log_dsn})
        upgrade_databases(app)
        with app.app_context():
            assert db.engines["logs"].dialect.name == "postgresql"
            assert "logs" in sa.inspect(db.engines["logs"]).get_table_names()
            assert db.engines[None].dialect.name == "sqlite"
        dispose(app)
    finally:
        databases.drop_database("postgresql", log_dsn)
