"""One real Celery worker on Redis: a task sent with .delay() from the app runs in the worker process."""

from __future__ import annotations

import time

import pytest
import redis as redis_lib
from sqlalchemy import select

from app.billing.ledger import Settlement, current_ledger
from app.extensions import db
from app.models import Log
from tests.billing.test_ledger_redis import log_row, make_holders
from tests.conftest import build_app, dispose, require_service
from tests.workers.cluster import running_celery_worker
from workers.quota import flush_quota_ledger

WORKER_REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def worker_redis():
    require_service("redis")
    connection = redis_lib.Redis.from_url(WORKER_REDIS)
    connection.flushdb()
    yield WORKER_REDIS
    connection.flushdb()
    connection.close()


@pytest.fixture
def settings(tmp_path, worker_redis) -> dict:
    return {"SQL_DSN": "", "LOG_SQL_DSN": "", "SQLITE_PATH": str(tmp_path / "tollgate.db"),
            "REDIS_CONN_STRING": worker_redis, "BATCH_UPDATE_ENABLED": "true", "SESSION_SECRET": "test-secret"}


@pytest.fixture
def worker(settings, tmp_path):
    with running_celery_worker(settings, tmp_path) as process:
        yield process


def test_a_real_worker_flushes_the_quota_ledger(settings, worker):
    app = build_app(settings)  # migrates the SQLite file the worker's create_app reads too
    try:
        holders = make_holders(app, user_quota=1_000)
        with app.app_context():
            current_ledger().settle(Settlement("celery-call", holders.account, holders.channel_id, 0, 42,
                                               log_row(holders, "via-worker", 42)))
            assert not db.session.execute(select(Log.id).where(Log.request_id == "via-worker")).first()
            celery = app.extensions["celery"]
            assert not celery.conf.task_always_eager and celery.conf.broker_url == WORKER_REDIS
            assert celery.tasks[flush_quota_ledger.name] is flush_quota_ledger._get_current_object()
            flush_quota_ledger.delay()
            db.session.remove()

        deadline, quota = time.monotonic() + 20, None
        while time.monotonic() < deadline and worker.poll() is None:
            with app.app_context():
                quota = db.session.execute(select(Log.quota).where(Log.request_id == "via-worker")).scalar()
                db.session.remove()
            if quota is not None:
                break
            time.sleep(0.2)
        assert worker.poll() is None, "the worker exited"
        assert quota == 42
    finally:
        dispose(app)
