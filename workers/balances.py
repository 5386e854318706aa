"""Polls upstream balances of every enabled channel (CHANNEL_UPDATE_FREQUENCY, §5.8)."""

from __future__ import annotations

from celery import shared_task

from app.channels.balance import refresh_all_balances


@shared_task(name="workers.balances.poll_channel_balances")
def poll_channel_balances() -> dict:
    """Refresh each enabled channel's balance; one with nothing left is disabled when auto-disable is on."""
    refreshed, failed = refresh_all_balances()
    return {"refreshed": refreshed, "failed": failed}
