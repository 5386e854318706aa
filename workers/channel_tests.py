"""Tests every channel on the clock (CHANNEL_TEST_FREQUENCY, §5.7), applying the auto-disable/enable rules."""

from __future__ import annotations

import logging

from celery import shared_task

from app.channels import testing

log = logging.getLogger(__name__)


# Not named test_*: pytest would collect it from any test module that imports it.
@shared_task(name="workers.channel_tests.test_all_channels")
def run_channel_tests() -> dict:
    """Test every channel (scope "all") unless a run is already going in this process.

    A manually disabled channel (status 2) is tested but never re-enabled: enable_channel only
    switches status 3 back on.
    """
    # The same per-process lock the "test all" button takes, held for the whole run here.
    if not testing._run_lock.acquire(blocking=False):
        log.info("A channel test run is already going; skipping this one")
        return {"skipped": True, "tested": 0}
    try:
        channel_ids = testing.channel_ids_in_scope("all")
        testing.test_channels(channel_ids)
    finally:
        testing._run_lock.release()
    return {"skipped": False, "tested": len(channel_ids)}
