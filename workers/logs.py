"""Purges logs older than the LogRetentionDays option (0, the default, keeps them forever)."""

from __future__ import annotations

import time

from celery import shared_task

from app.api.logs import delete_logs_before
from app.options import current as current_options

SECONDS_PER_DAY = 86_400


@shared_task(name="workers.logs.purge_old_logs")
def purge_old_logs() -> dict:
    """Delete the logs created more than LogRetentionDays days ago, in batches; nothing when it is 0."""
    days = current_options().get_int("LogRetentionDays")
    if days <= 0:
        return {"deleted": 0, "before": None}
    before = int(time.time()) - days * SECONDS_PER_DAY
    return {"deleted": delete_logs_before(before), "before": before}
