"""Persists the Redis quota ledger: the periodic task that flushes pending deltas and log rows to the database."""

from __future__ import annotations

from celery import shared_task

from app.billing.flush import flush_to_db


@shared_task(name="workers.quota.flush_quota_ledger")
def flush_quota_ledger() -> dict:
    """Apply every quota delta and log row queued in Redis; a no-op while another worker is flushing."""
    result = flush_to_db()
    return {"busy": result.busy, "applied": list(result.applied), "skipped": list(result.skipped),
            "rows_updated": result.rows_updated, "logs_written": result.logs_written}
