"""Throwaway databases on the real servers of this machine, created and dropped by the test run."""

from __future__ import annotations

import os
import secrets

import redis
import sqlalchemy as sa

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
MYSQL_ADMIN_URL = os.environ.get("TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/mysql")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")

SERVER_KINDS = ("postgresql", "mysql")


def is_available(kind: str) -> bool:
    try:
        if kind == "redis":
            return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
        engine = sa.create_engine(_admin_url(kind), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def _admin_url(kind: str) -> str:
    return {"postgresql": POSTGRES_ADMIN_URL, "mysql": MYSQL_ADMIN_URL}[kind]


def _admin_execute(kind: str, statement: str) -> None:
    engine = sa.create_engine(_admin_url(kind), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


def create_database(kind: str) -> str:
    """Create an empty database and return the SQL_DSN a user would write for it."""
    name = f"tollgate_test_{os.getpid()}_{secrets.token_hex(4)}"
    if kind == "postgresql":
        _admin_execute(kind, f'CREATE DATABASE "{name}"')
        url = sa.make_url(POSTGRES_ADMIN_URL)
        return f"postgres://{url.username}@{url.host}:{url.port}/{name}"
    _admin_execute(kind, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    url = sa.make_url(MYSQL_ADMIN_URL)
    return f"{url.username}@tcp({url.host}:{url.port})/{name}"  # One API's Go DSN form


def drop_database(kind: str, dsn: str) -> None:
    name = dsn.rsplit("/", 1)[1]
    quoted = f'"{name}"' if kind == "postgresql" else f"`{name}`"
    force = " WITH (FORCE)" if kind == "postgresql" else ""
    _admin_execute(kind, f"DROP DATABASE IF EXISTS {quoted}{force}")
