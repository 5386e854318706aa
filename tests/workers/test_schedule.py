"""The periodic jobs each configuration schedules."""

from __future__ import annotations

from app.config import Config
from workers.schedule import beat_schedule

REDIS = {"REDIS_CONN_STRING": "redis://127.0.0.1:6379/14"}


def schedule_for(**env: str) -> dict[str, tuple[str, float]]:
    return {name: (entry["task"], entry["schedule"]) for name, entry in beat_schedule(Config.from_env(env)).items()}


def test_the_default_embedded_node_sweeps_dead_reservations_and_purges_logs():
    assert schedule_for() == {"sweep-quota-holds": ("workers.quota.sweep_quota_holds", 30.0),
                              "purge-old-logs": ("workers.logs.purge_old_logs", 86_400.0)}


def test_every_job_is_scheduled_when_everything_is_on():
    assert schedule_for(**REDIS, BATCH_UPDATE_ENABLED="true", BATCH_UPDATE_INTERVAL="7",
                        CHANNEL_TEST_FREQUENCY="10", CHANNEL_UPDATE_FREQUENCY="30",
                        RESERVATION_SWEEP_INTERVAL="5") == {
        "flush-quota-ledger": ("workers.quota.flush_quota_ledger", 7.0),
        "sweep-quota-holds": ("workers.quota.sweep_quota_holds", 5.0),
        "test-all-channels": ("workers.channel_tests.test_all_channels", 600.0),
        "poll-channel-balances": ("workers.balances.poll_channel_balances", 1800.0),
        "purge-old-logs": ("workers.logs.purge_old_logs", 86_400.0),
    }


def test_the_ledger_is_flushed_only_when_batching_on_redis():
    assert "flush-quota-ledger" not in schedule_for(**REDIS)
    assert "flush-quota-ledger" not in schedule_for(BATCH_UPDATE_ENABLED="true")
    assert schedule_for(**REDIS, BATCH_UPDATE_ENABLED="true")["flush-quota-ledger"][1] == 5.0


def test_a_zero_frequency_turns_a_job_off():
    assert set(schedule_for(CHANNEL_TEST_FREQUENCY="0", CHANNEL_UPDATE_FREQUENCY="0")) == {
        "sweep-quota-holds", "purge-old-logs"}


def test_slave_nodes_schedule_nothing():
    assert schedule_for(**REDIS, NODE_TYPE="slave", BATCH_UPDATE_ENABLED="true", CHANNEL_TEST_FREQUENCY="10") == {}


def test_every_scheduled_task_is_registered(app):
    from workers import runner  # noqa: F401  imports every task module

    schedule = beat_schedule(Config.from_env({**REDIS, "BATCH_UPDATE_ENABLED": "true", "CHANNEL_TEST_FREQUENCY": "1",
                                              "CHANNEL_UPDATE_FREQUENCY": "1"}))
    registered = app.extensions["celery"].tasks
    assert {entry["task"] for entry in schedule.values()} <= set(registered)
