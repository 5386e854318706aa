"""Every entry of the schedule runs in a real Celery worker over Redis and does its job.

Beat itself is exercised by the two-node test (it drives the ledger flush there every second); here
each entry's task is sent exactly as beat sends it, so minute-long intervals need no waiting."""

from __future__ import annotations

import time

import pytest
import redis as redis_lib
from sqlalchemy import select

from app.billing.ledger import Account, Hold, current_ledger
from app.billing.ledger_redis import HOLDS
from app.config import Config
from app.extensions import db
from app.models import Channel, Log
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED, CHANNEL_MANUALLY_DISABLED
from tests import factories
from tests.conftest import build_app, dispose, require_service, set_options
from tests.workers.cluster import celery_worker, wait_until
from workers.schedule import beat_schedule

WORKER_REDIS = "redis://127.0.0.1:6379/8"
DAY = 86_400


@pytest.fixture
def settings(tmp_path):
    require_service("redis")
    redis_lib.Redis.from_url(WORKER_REDIS).flushdb()
    yield {"SQL_DSN": "", "LOG_SQL_DSN": "", "SQLITE_PATH": str(tmp_path / "tollgate.db"),
           "REDIS_CONN_STRING": WORKER_REDIS, "BATCH_UPDATE_ENABLED": "true", "SESSION_SECRET": "test-secret",
           "CHANNEL_TEST_FREQUENCY": "10", "CHANNEL_UPDATE_FREQUENCY": "30"}
    redis_lib.Redis.from_url(WORKER_REDIS).flushdb()


def test_every_scheduled_job_runs_in_a_real_worker(settings, tmp_path, mock_upstream):
    app = build_app(settings)
    worker = celery_worker(settings, tmp_path)
    try:
        schedule = beat_schedule(Config.from_env(settings))
        assert set(schedule) == {"flush-quota-ledger", "sweep-quota-holds", "test-all-channels",
                                 "poll-channel-balances", "purge-old-logs"}
        with app.app_context():
            set_options(app, LogRetentionDays="7", AutomaticEnableChannelEnabled="true")
            healthy = factories.make_channel(mock_upstream.url).id
            auto_disabled = factories.make_channel(mock_upstream.url, status=CHANNEL_AUTO_DISABLED).id
            manual = factories.make_channel(mock_upstream.url, status=CHANNEL_MANUALLY_DISABLED).id
            db.session.add(Log(user_id=1, created_at=int(time.time()) - 30 * DAY, type=2, content="old"))
            db.session.add(Log(user_id=1, created_at=int(time.time()), type=2, content="new"))
            db.session.commit()
            # A reservation whose worker died a while ago: its deadline has passed.
            stranded = factories.make_user(quota=1_000)
            stranded_token, _ = factories.make_token(stranded, remain_quota=1_000)
            stranded_account = Account(stranded.id, stranded_token.id, False)
            current_ledger().reserve(Hold("stranded-request", stranded_account, 400, healthy, int(time.time()) - 5, {}))
            celery = app.extensions["celery"]
            for entry in schedule.values():
                celery.send_task(entry["task"], **entry.get("options", {}))

        def done() -> bool:
            with app.app_context():
                db.session.expire_all()
                channels = {row.id: (row.test_time, row.balance_updated_time, row.status)
                            for row in db.session.scalars(select(Channel))}
                logs = db.session.scalars(select(Log.content).where(Log.content.in_(("old", "new")))).all()
                db.session.commit()
            tested, balance_polled, _ = channels[healthy]
            swept = not redis_lib.Redis.from_url(WORKER_REDIS).hexists(HOLDS, "stranded-request")
            return bool(tested and balance_polled and channels[auto_disabled][2] == CHANNEL_ENABLED and logs == ["new"]
                        and swept)

        wait_until(done, timeout=60, what="every scheduled job to take effect", process=worker)
        with app.app_context():
            assert db.session.get(Channel, manual).status == CHANNEL_MANUALLY_DISABLED
        output = worker.output()
        for entry in schedule.values():
            assert f"Task {entry['task']}" in output and "succeeded" in output
    finally:
        worker.stop()
        print(worker.output()[-4000:])
        dispose(app)
