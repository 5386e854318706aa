"""Alert deliveries as Celery tasks: the app enqueues them by name (app.alerts.dispatch), a worker runs them.

Arguments are ids and plain texts; each task reads addresses, tokens and SMTP settings from the database.
"""

from __future__ import annotations

from celery import shared_task

from app import alerts


@shared_task(name=alerts.CHANNEL_ALERT_TASK)
def send_channel_alert(channel_id: int, event: str, reason: str) -> None:
    """Tell root (email, and Message Pusher when set) that a channel was disabled or enabled automatically."""
    alerts.deliver_channel_alert(channel_id, event, reason)


@shared_task(name=alerts.QUOTA_REMINDER_TASK)
def send_quota_reminder(user_id: int, quota: int) -> None:
    """Email the user, when they have an address, that their quota fell below QuotaRemindThreshold."""
    alerts.deliver_quota_reminder(user_id, quota)
