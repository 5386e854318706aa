"""Each periodic task does its job when called (eagerly: the embedded app has no broker)."""

from __future__ import annotations

import time

import pytest
from flask import current_app

from app.extensions import db
from app.models import Channel, Log
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED, CHANNEL_MANUALLY_DISABLED, ChannelType
from tests import factories
from tests.conftest import set_options
from workers.balances import poll_channel_balances
from workers.channel_tests import run_channel_tests
from workers.logs import purge_old_logs

DAY = 86_400


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def add_log(created_at: int) -> int:
    row = Log(user_id=1, created_at=created_at, type=2, content="x")
    db.session.add(row)
    db.session.commit()
    return row.id


def test_tasks_run_eagerly_without_redis(app):
    assert app.extensions["celery"].conf.task_always_eager


def test_poll_channel_balances_stores_each_balance(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url)
    unsupported = factories.make_channel(mock_upstream.url, type=ChannelType.GROQ)
    assert poll_channel_balances.delay().get() == {"refreshed": 1, "failed": 0}
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).balance == pytest.approx(87.66)
    assert db.session.get(Channel, unsupported.id).balance_updated_time in (None, 0)


def test_poll_channel_balances_counts_failures(ctx, mock_upstream):
    factories.make_channel(mock_upstream.url)
    mock_upstream.behaviour.status = 401
    assert poll_channel_balances.delay().get() == {"refreshed": 0, "failed": 1}


def test_purge_old_logs_keeps_everything_by_default(ctx):
    old = add_log(int(time.time()) - 400 * DAY)
    assert purge_old_logs.delay().get()["deleted"] == 0
    assert db.session.get(Log, old) is not None


def test_purge_old_logs_deletes_only_logs_past_retention(ctx):
    now = int(time.time())
    old, older = add_log(now - 8 * DAY), add_log(now - 30 * DAY)
    recent, fresh = add_log(now - 6 * DAY), add_log(now)
    set_options(current_app, LogRetentionDays=7)
    assert purge_old_logs.delay().get()["deleted"] == 2
    db.session.expire_all()
    assert sorted(row.id for row in db.session.query(Log).all()) == [recent, fresh]
    assert old not in (recent, fresh) and older not in (recent, fresh)


def test_test_all_reenables_auto_disabled_channels_but_never_manually_disabled_ones(ctx, mock_upstream):
    set_options(current_app, AutomaticEnableChannelEnabled="true")
    enabled = factories.make_channel(mock_upstream.url)
    automatic = factories.make_channel(mock_upstream.url, status=CHANNEL_AUTO_DISABLED)
    manual = factories.make_channel(mock_upstream.url, status=CHANNEL_MANUALLY_DISABLED)
    assert run_channel_tests.delay().get() == {"skipped": False, "tested": 3}
    db.session.expire_all()
    assert db.session.get(Channel, enabled.id).status == CHANNEL_ENABLED
    assert db.session.get(Channel, automatic.id).status == CHANNEL_ENABLED
    assert db.session.get(Channel, manual.id).status == CHANNEL_MANUALLY_DISABLED
    assert db.session.query(Log).filter(Log.channel_id == manual.id).count() == 1  # tested, left alone


def test_test_all_skips_while_another_run_is_going(ctx, mock_upstream):
    from app.channels import testing

    factories.make_channel(mock_upstream.url)
    with testing._run_lock:
        assert run_channel_tests.delay().get() == {"skipped": True, "tested": 0}
    assert not testing.is_test_run_going()
