"""A real deployment for fault tests: Gunicorn with two gevent workers, on the embedded default (SQLite, jobs
in-process) or on PostgreSQL + a Redis server of its own (AOF on, so it can be restarted) with batched quota
writes, a Celery worker and Celery beat.

    with deployment("postgresql+redis", tmp_path, env={"RESERVATION_SWEEP_INTERVAL": "1"}) as gate:
        setup = gate.fund(mock_upstream.url, user_quota=200_000)
        ... load, faults ...
        assert_conserved(before, gate.settled(setup))
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

import redis as redis_lib
from sqlalchemy import func, select

from app.extensions import db
from app.models import QuotaHold
from tests import databases
from tests.conftest import ROOT_PASSWORD, build_app, dispose, require_service
from tests.relay.conftest import RelaySetup, make_setup
from tests.workers.cluster import Process, celery_beat, celery_worker, free_port, gateway, wait_until

KINDS = ("sqlite", "postgresql+redis")


class RedisServer:
    """A redis-server of the test's own on a free port, persisting to an append-only file in ``directory``."""

    def __init__(self, directory: Path, *options: str) -> None:
        self.directory, self.port, self.options = directory, free_port(), options
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        """Start (or start again, on the same port and files); ``options`` may override the persistence ones."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", str(self.directory), "--logfile", str(self.directory / "redis.log"),
             *self.options],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(self._answers, timeout=20, what="redis-server to answer")
        return self

    def stop(self) -> None:
        """A clean shutdown (SIGTERM): Redis writes its AOF out and exits, as a service restart does."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)

    def client(self) -> redis_lib.Redis:
        return redis_lib.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis_lib.RedisError:
            return False


class Deployment:
    def __init__(self, kind: str, env: dict, log_dir: Path, app, redis_server: RedisServer | None) -> None:
        self.kind, self.env, self.log_dir, self.app, self.redis_server = kind, env, log_dir, app, redis_server
        self.processes: list[Process] = []
        self.gunicorn: Process | None = None
        self.url = ""

    def fund(self, upstream_url: str, **setup) -> RelaySetup:
        """A user with a key and a channel on ``upstream_url`` (tests.relay.conftest.make_setup's arguments)."""
        return make_setup(self.app, self.url, upstream_url, **setup)

    def worker_pids(self) -> list[int]:
        """The Gunicorn workers' pids (the master's children)."""
        output = subprocess.run(["pgrep", "-P", str(self.gunicorn.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in output.stdout.split()]

    def open_holds(self) -> int:
        """Reservations not yet settled or refunded, wherever the ledger keeps them."""
        if self.redis_server is not None:
            from app.billing.ledger_redis import HOLDS

            return self.redis_server.client().hlen(HOLDS)
        with self.app.app_context():
            count = db.session.execute(select(func.count()).select_from(QuotaHold)).scalar()
            db.session.commit()
            return count

    def drained(self) -> bool:
        if self.redis_server is None:
            return True
        from app.billing.ledger_redis import INFLIGHT, PENDING, PENDING_LOGS

        client = self.redis_server.client()
        return not any(client.exists(key) for key in (PENDING, PENDING_LOGS, INFLIGHT))

    def settled(self, setup: RelaySetup, timeout: float = 60) -> dict:
        """Wait until every reservation is closed and every batched delta is in the database; the balances."""
        wait_until(lambda: self.open_holds() == 0 and self.drained(), timeout=timeout,
                   what="every reservation to close and the ledger to drain", interval=0.2)
        return setup.balances()

    def log_text(self) -> str:
        """Everything the gateway, its workers, Celery and beat wrote: log files and console output."""
        parts = [process.output() for process in self.processes]
        parts += [path.read_text(errors="replace") for path in sorted(self.log_dir.rglob("*.log*")) if path.is_file()]
        return "\n".join(parts)

    def _start_gateway(self) -> None:
        self.gunicorn, self.url = gateway("gunicorn", self.env, self.log_dir)
        self.processes.append(self.gunicorn)


@contextmanager
def deployment(kind: str, tmp_path: Path, *, env: dict | None = None) -> Iterator[Deployment]:
    if kind not in KINDS:
        raise ValueError(kind)
    log_dir = tmp_path / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    base = {"SESSION_SECRET": "fault-tests-secret", "INITIAL_ROOT_PASSWORD": ROOT_PASSWORD, "LOG_SQL_DSN": ""}
    with ExitStack() as stack:
        redis_server = None
        if kind == "sqlite":
            settings = {"SQL_DSN": "", "SQLITE_PATH": str(tmp_path / "tollgate.db"), "REDIS_CONN_STRING": ""}
        else:
            require_service("postgresql")
            dsn = databases.create_database("postgresql")
            stack.callback(databases.drop_database, "postgresql", dsn)
            redis_server = RedisServer(tmp_path / "redis").start()
            stack.callback(redis_server.stop)
            settings = {"SQL_DSN": dsn, "REDIS_CONN_STRING": redis_server.url, "BATCH_UPDATE_ENABLED": "true",
                        "BATCH_UPDATE_INTERVAL": "1"}
        full_env = {**base, **settings, **(env or {})}
        app = build_app(full_env)
        stack.callback(dispose, app)
        result = Deployment(kind, full_env, log_dir, app, redis_server)
        stack.callback(_stop_all, result)
        result._start_gateway()
        if redis_server is not None:
            result.processes.append(celery_worker(full_env, log_dir))
            result.processes.append(celery_beat(full_env, log_dir))
        yield result


def _stop_all(result: Deployment) -> None:
    for process in result.processes:
        process.stop()
    for process in result.processes:
        print(f"----- {process.name} -----\n{process.output()[-3000:]}")


def assert_conserved(before: dict, after: dict) -> int:
    """Every unit the logs charged left the user and the key and reached the channels; returns that amount."""
    charged = after["log_quota"] - before["log_quota"]
    assert before["user_quota"] - after["user_quota"] == charged, (before, after)
    assert after["user_used"] - before["user_used"] == charged, (before, after)
    assert after["token_used"] - before["token_used"] == charged, (before, after)
    assert after["channel_used"] - before["channel_used"] == charged, (before, after)
    return charged


def kill_worker(pid: int) -> None:
    """What an OOM kill or a heartbeat-timeout kill does: SIGKILL, no handler runs."""
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
