"""Every periodic job on one screen: what runs, and how often, for a given configuration.

Celery beat reads this (``celery -A celery_app beat``, master nodes only) when Redis is configured;
without Redis, ``workers.runner`` runs the same entries on in-process timers. Intervals are seconds.

| entry                 | task                                     | every                        | when                          |
|-----------------------|------------------------------------------|------------------------------|-------------------------------|
| flush-quota-ledger    | workers.quota.flush_quota_ledger         | BATCH_UPDATE_INTERVAL s      | Redis + BATCH_UPDATE_ENABLED  |
| sweep-quota-holds     | workers.quota.sweep_quota_holds          | RESERVATION_SWEEP_INTERVAL s | always                        |
| test-all-channels     | workers.channel_tests.test_all_channels  | CHANNEL_TEST_FREQUENCY min   | the variable is set and > 0   |
| poll-channel-balances | workers.balances.poll_channel_balances   | CHANNEL_UPDATE_FREQUENCY min | the variable is set and > 0   |
| purge-old-logs        | workers.logs.purge_old_logs              | 1 day                        | always; a no-op while the     |
|                       |                                          |                              | LogRetentionDays option is 0  |

Slave nodes get no schedule: the master alone runs periodic jobs (§7.3).
"""

from __future__ import annotations

from app.config import Config

FLUSH_QUOTA_LEDGER = "workers.quota.flush_quota_ledger"
SWEEP_QUOTA_HOLDS = "workers.quota.sweep_quota_holds"
TEST_ALL_CHANNELS = "workers.channel_tests.test_all_channels"
POLL_CHANNEL_BALANCES = "workers.balances.poll_channel_balances"
PURGE_OLD_LOGS = "workers.logs.purge_old_logs"

SECONDS_PER_MINUTE = 60
SECONDS_PER_DAY = 86_400


def beat_schedule(config: Config) -> dict[str, dict]:
    """Celery ``beat_schedule`` entries (name → {"task", "schedule" in seconds}) for ``config``."""
    if not config.is_master:
        return {}
    schedule: dict[str, dict] = {}
    if config.redis_conn_string and config.batch_update_enabled:
        schedule["flush-quota-ledger"] = _every(FLUSH_QUOTA_LEDGER, max(1, config.batch_update_interval))
    schedule["sweep-quota-holds"] = _every(SWEEP_QUOTA_HOLDS, config.reservation_sweep_interval)
    if config.channel_test_frequency and config.channel_test_frequency > 0:
        schedule["test-all-channels"] = _every(TEST_ALL_CHANNELS, config.channel_test_frequency * SECONDS_PER_MINUTE)
    if config.channel_update_frequency and config.channel_update_frequency > 0:
        schedule["poll-channel-balances"] = _every(POLL_CHANNEL_BALANCES,
                                                   config.channel_update_frequency * SECONDS_PER_MINUTE)
    schedule["purge-old-logs"] = _every(PURGE_OLD_LOGS, SECONDS_PER_DAY)
    return schedule


def _every(task: str, seconds: int) -> dict:
    # expires: a run still queued when the next one is due is dropped rather than run twice in a row
    return {"task": task, "schedule": float(seconds), "options": {"expires": float(seconds)}}
