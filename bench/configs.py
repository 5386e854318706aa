"""The gateway configurations measured (embedded, production), their databases and their seed data.

Each configuration is a context manager yielding the environment the gateway and the seeding app
share; leaving it drops what it created (the PostgreSQL database, the Redis keys).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Iterator

CONFIGS = ("embedded", "production")
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
MODELS = "gpt-4o-mini,text-embedding-3-small"
HUGE_QUOTA = 10**15
# Per worker process. The default (1000) lets 64 concurrent requests on 2 workers open ~130 connections,
# past PostgreSQL's usual max_connections=100 ("too many clients"), which also starves anyone else
# using that server. A deployment sizes its pool the same way.
POSTGRES_CONNECTIONS_PER_WORKER = 16
COMMON = {
    "INITIAL_ROOT_PASSWORD": "bench-root-password",
    # One secret for the server and the seeding app: channel keys are encrypted with it at rest.
    "SESSION_SECRET": "bench-session-secret",
    "CHANNEL_KEY_SECRET": "",
    "DEBUG": "false",
    "LOG_SQL_DSN": "",
}


def check_services(name: str) -> str | None:
    """None when the configuration can run here, else why not."""
    if name == "embedded":
        return None
    import redis
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:
        return f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}: {error.__class__.__name__}"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:
        return f"Redis unreachable at {REDIS_URL}: {error.__class__.__name__}"
    return None


@contextlib.contextmanager
def environment(name: str, workdir: Path) -> Iterator[dict[str, str]]:
    """The variables a gateway of this configuration runs with; cleans its storage afterwards."""
    if name == "embedded":
        yield {**COMMON, "SQL_DSN": "", "SQLITE_PATH": str(workdir / "tollgate.db"), "REDIS_CONN_STRING": "",
               "LOG_DIR": str(workdir / "logs-embedded")}
        return
    dsn = _create_postgres_database()
    _flush_redis()
    try:
        connections = str(POSTGRES_CONNECTIONS_PER_WORKER)
        yield {**COMMON, "SQL_DSN": dsn, "REDIS_CONN_STRING": REDIS_URL, "BATCH_UPDATE_ENABLED": "true",
               "SQL_MAX_OPEN_CONNS": connections, "SQL_MAX_IDLE_CONNS": connections,
               "LOG_DIR": str(workdir / "logs-production")}
    finally:
        _flush_redis()
        _drop_postgres_database(dsn)


def _admin_execute(statement: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


def _create_postgres_database() -> str:
    import sqlalchemy as sa

    name = f"tollgate_bench_{os.getpid()}_{secrets.token_hex(4)}"
    _admin_execute(f'CREATE DATABASE "{name}"')
    url = sa.make_url(POSTGRES_ADMIN_URL)
    password = f":{url.password}" if url.password else ""
    return f"postgres://{url.username}{password}@{url.host}:{url.port or 5432}/{name}"


def _drop_postgres_database(dsn: str) -> None:
    name = dsn.rsplit("/", 1)[1]
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()


def seed(settings: dict[str, str], upstream_url: str) -> str:
    """A rich user, an unlimited token and an OpenAI channel to the mock; returns the key to send.

    Runs against the database the gateway already migrated, through an app of our own.
    """
    from app import create_app
    from app.extensions import db
    from tests.factories import make_channel, make_token, make_user

    app = create_app(settings)
    try:
        with app.app_context():
            user = make_user(quota=HUGE_QUOTA, username=f"bench{secrets.token_hex(3)}")
            _, key = make_token(user, unlimited=True, remain_quota=0, name="bench")
            make_channel(upstream_url, type=1, models=MODELS, name="bench-mock")
            return key
    finally:
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
