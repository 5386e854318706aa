"""Database engines: URLs and pool sizes from config, and the SQLite settings that make it concurrent."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import Config
from app.extensions import db


def engine_settings(config: Config) -> dict:
    """Flask-SQLAlchemy settings: the main database, and the logs bind (the same database unless LOG_SQL_DSN)."""
    return {
        "SQLALCHEMY_DATABASE_URI": config.database_url,
        "SQLALCHEMY_BINDS": {"logs": config.log_database_url or config.database_url},
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(config),
        "SQLALCHEMY_ECHO": config.debug_sql,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    }


def _engine_options(config: Config) -> dict:
    if config.uses_sqlite:
        # Seconds, like SQLITE_BUSY_TIMEOUT's milliseconds; writers queue instead of failing at once.
        return {"connect_args": {"timeout": config.sqlite_busy_timeout / 1000, "check_same_thread": False}}
    idle = max(1, min(config.sql_max_idle_conns, config.sql_max_open_conns or 1))
    return {
        "pool_size": idle,
        "max_overflow": max(0, config.sql_max_open_conns - idle),
        "pool_recycle": config.sql_max_lifetime or -1,
        "pool_pre_ping": True,
    }


def init_app(app: Flask) -> None:
    db.init_app(app)
    config = app.config["TOLLGATE"]
    if not config.log_database_url:
        # Without LOG_SQL_DSN the logs table lives in the main database: give its bind the main engine,
        # so a settlement's updates and its log row share one connection and one transaction (a second
        # engine on the same SQLite file would deadlock on the write lock). Flask-SQLAlchemy has no
        # public way to alias a bind.
        engines = db._app_engines[app]
        engines["logs"].dispose()
        engines["logs"] = engines[None]
    with app.app_context():
        for engine in set(db.engines.values()):
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _tune_sqlite)


def _tune_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the single writer; NORMAL sync is durable at checkpoints in WAL mode.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def dispose_engines(app: Flask) -> None:
    """Close pooled connections, e.g. in a forked child that must not share its parent's sockets."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


__all__ = ["Engine", "dispose_engines", "engine_settings", "init_app"]
