"""The quota ledger's periodic tasks: flushing the Redis ledger to the database, and sweeping dead requests'
reservations."""

from __future__ import annotations

from celery import shared_task

from app.billing.flush import flush_to_db
from app.billing.sweeper import sweep_expired_holds


@shared_task(name="workers.quota.flush_quota_ledger")
def flush_quota_ledger() -> dict:
    """Apply every quota delta and log row queued in Redis; a no-op while another worker is flushing."""
    result = flush_to_db()
    return {"busy": result.busy, "applied": list(result.applied), "skipped": list(result.skipped),
            "rows_updated": result.rows_updated, "logs_written": result.logs_written}


@shared_task(name="workers.quota.sweep_quota_holds")
def sweep_quota_holds() -> dict:
    """Settle or refund the reservations whose request's worker died (deadline passed)."""
    result = sweep_expired_holds()
    return {"settled": result.settled, "refunded": result.refunded, "charged": result.charged,
            "returned": result.returned}
