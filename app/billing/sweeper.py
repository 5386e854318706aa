"""Closing the reservations of requests whose worker died: settled at their last recorded cost, or refunded.

A request that is alive moves its hold's deadline on (app.billing.quota.keep_alive); one whose worker was
SIGKILLed, ran out of memory or lost its node leaves the hold behind. Each sweep finds the holds whose
deadline has passed and closes them through the ledger, with a log row saying what happened:
- a hold that recorded a running cost (a stream past its first sign of life) is settled at that cost, as
  a consume row — the client received at least that much before its worker died;
- any other hold is refunded in full, with a system row — the gateway cannot tell whether the upstream
  answered, and charging the user for a reply it may never have received is the worse mistake.
The ledger closes each hold atomically, so a sweep racing the request's own late settlement, or another
sweep, applies the reservation once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from app.billing.ledger import HoldClosed, OpenHold, Settlement, current_ledger
from app.models.log import LOG_CONSUME, LOG_SYSTEM

log = logging.getLogger(__name__)

BATCH = 500  # holds per query; a sweep goes on until none is left


@dataclass(frozen=True, slots=True)
class SweepResult:
    settled: int = 0
    refunded: int = 0
    charged: int = 0  # quota taken by the settled holds
    returned: int = 0  # quota given back by the refunded holds


def sweep_expired_holds(now: int | None = None) -> SweepResult:
    """Close every hold whose deadline is before ``now`` (default: the current time)."""
    now = int(time.time()) if now is None else now
    ledger = current_ledger()
    settled = refunded = charged = returned = 0
    seen: set[str] = set()
    while holds := [hold for hold in ledger.expired_holds(now, BATCH) if hold.request_id not in seen]:
        for hold in holds:
            seen.add(hold.request_id)  # a hold another sweep closed meanwhile is not looked at twice
            if hold.charged > 0:
                if _settle(hold):
                    settled, charged = settled + 1, charged + hold.charged
            elif ledger.refund(hold.request_id, hold.account, hold.amount, _log_row(hold, LOG_SYSTEM, 0)):
                refunded, returned = refunded + 1, returned + hold.amount
    if settled or refunded:
        log.warning("Swept the reservations of requests whose worker stopped: %s settled (%s quota), "
                    "%s refunded (%s quota)", settled, charged, refunded, returned)
    return SweepResult(settled, refunded, charged, returned)


def _settle(hold: OpenHold) -> bool:
    try:
        current_ledger().settle(Settlement(hold.request_id, hold.account, hold.channel_id, hold.amount, hold.charged,
                                           _log_row(hold, LOG_CONSUME, hold.charged), require_hold=True))
    except HoldClosed:
        return False  # the request settled itself between the query and here
    return True


def _log_row(hold: OpenHold, log_type: int, quota: int) -> dict:
    detail = hold.detail
    if log_type == LOG_CONSUME:
        content = (f"The gateway worker serving this request stopped before it finished; charged the cost "
                   f"recorded at its last sign of life ({quota} of the {hold.amount} reserved).")
    else:
        content = (f"The gateway worker serving request {hold.request_id} stopped before it was billed; "
                   f"the {hold.amount} reserved for it was refunded.")
    return {"user_id": hold.account.user_id, "created_at": int(time.time()), "type": log_type, "content": content,
            "username": str(detail.get("username", "")), "token_name": str(detail.get("token_name", "")),
            "model_name": str(detail.get("model_name", "")), "quota": quota, "prompt_tokens": 0,
            "completion_tokens": 0, "channel_id": hold.channel_id, "request_id": hold.request_id,
            "elapsed_time": max(0, int(time.time()) - hold.created_at) * 1000,
            "is_stream": bool(detail.get("is_stream", False)), "system_prompt_reset": False}
