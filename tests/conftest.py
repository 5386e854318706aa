"""Shared fixtures: apps built by the factory on real databases (SQLite, PostgreSQL, MariaDB) and Redis."""

from __future__ import annotations

import os
import threading

import pytest
import redis as redis_lib
from werkzeug.serving import make_server

from app import create_app
from app.bootstrap import ensure_root_account
from app.extensions import db
from app.schema import upgrade_databases
from tests import databases
from tests.mock_upstream.fixture import mock_upstream, mock_upstream_factory, mock_upstream_server  # noqa: F401

ROOT_PASSWORD = "root-password-for-tests"
DATABASE_KINDS = ("sqlite", "postgresql", "mysql")


def require_service(kind: str) -> None:
    """Skip when a server is absent on a developer's machine; fail loudly in CI, where it must be there."""
    if databases.is_available(kind):
        return
    message = f"{kind} is not reachable on 127.0.0.1; start it with scripts/services.sh"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(params=DATABASE_KINDS)
def database_kind(request) -> str:
    return request.param


@pytest.fixture
def empty_database(database_kind, tmp_path):
    """Settings (variable → value) pointing at a new, empty database of the parametrized kind."""
    if database_kind == "sqlite":
        yield {"SQL_DSN": "", "SQLITE_PATH": str(tmp_path / "tollgate.db")}
        return
    require_service(database_kind)
    dsn = databases.create_database(database_kind)
    try:
        yield {"SQL_DSN": dsn}
    finally:
        databases.drop_database(database_kind, dsn)


def build_app(settings: dict, **extra: str):
    """A migrated app with root bootstrapped, on the given database settings."""
    # The lowest bcrypt cost: hundreds of apps are built, and hashing strength is not under test here.
    overrides = {"INITIAL_ROOT_PASSWORD": ROOT_PASSWORD, "SESSION_SECRET": "test-secret",
                 "PASSWORD_HASH_ROUNDS": "4", **settings, **extra}
    app = create_app(overrides)
    upgrade_databases(app)
    with app.app_context():
        ensure_root_account(app.config["TOLLGATE"])
    return app


def set_options(app, **values) -> None:
    """Store runtime options as root would, and make this process see them at once."""
    from app.models import Option
    from app.options import current as current_options

    with app.app_context():
        for key, value in values.items():
            db.session.merge(Option(key=key, value=str(value)))
        db.session.commit()
        current_options().reload()


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def app(tmp_path):
    """The embedded default: SQLite in a temporary directory, no Redis."""
    application = build_app({"SQLITE_PATH": str(tmp_path / "tollgate.db")})
    yield application
    dispose(application)


@pytest.fixture
def app_on(empty_database):
    """The app on each of the three databases in turn."""
    application = build_app(empty_database)
    yield application
    dispose(application)


@pytest.fixture
def client(app):
    return app.test_client()


class LiveServer:
    """The app under a real WSGI server (threaded Werkzeug) on loopback, for real HTTP clients."""

    def __init__(self, application) -> None:
        self.server = make_server("127.0.0.1", 0, application, threaded=True)
        self.server.socket.listen(1024)  # the concurrency tests open hundreds of connections at once
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # A short poll lets shutdown() return in 50 ms instead of serve_forever's default half second.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def live_server_on(app_on):
    with LiveServer(app_on) as server:
        yield server


@pytest.fixture
def redis_url():
    """A dedicated Redis database index, emptied before and after each test."""
    require_service("redis")
    connection = redis_lib.Redis.from_url(databases.REDIS_URL)
    connection.flushdb()
    yield databases.REDIS_URL
    connection.flushdb()
    connection.close()


@pytest.fixture
def root_client(client):
    response = client.post("/api/user/login", json={"username": "root", "password": ROOT_PASSWORD})
    assert response.json["success"], response.json
    return client
