"""Reserve before the upstream call, then settle exactly once or refund: the three verbs of billing.

Every reservation is journaled as a hold with a deadline, in the same atomic step that takes it. A live
request moves its deadline on (``keep_alive``); a hold past its deadline belongs to a worker that died
and is closed by app.billing.sweeper. Settling and refunding close the hold, so whichever of the owner
and the sweeper comes second finds it closed and does not apply the reservation again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from threading import Lock
from typing import Callable

from flask import current_app

from app import alerts
from app.billing.ledger import Account, Balances, Hold, Settlement, current_ledger
from app.errors import is_storage_outage

log = logging.getLogger(__name__)

RESERVED, SETTLED, REFUNDED = "reserved", "settled", "refunded"
# Pauses before settling again while the ledger's storage is unreachable: about six seconds in all, which
# bridges a Redis or database restart, so a reply already on its way to the client still gets its bill.
SETTLE_RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 2.0)


@dataclass(slots=True)
class Reservation:
    """One client request's hold on the balances; settle and refund are idempotent on it."""

    request_id: str
    account: Account
    amount: int
    state: str = RESERVED
    next_beat: float = 0.0  # monotonic time of the next sign of life worth recording
    _lock: Lock = field(default_factory=Lock, repr=False)

    def _finish(self, state: str) -> bool:
        with self._lock:
            if self.state != RESERVED:
                return False
            self.state = state
            return True


def lease_seconds() -> int:
    """How long a hold lives without a sign of life before the sweeper may close it (RESERVATION_LEASE)."""
    return current_app.config["TOLLGATE"].reservation_lease


def reserve(request_id: str, account: Account, amount: int, *, channel_id: int = 0,
            detail: dict | None = None) -> Reservation:
    """Hold ``amount`` on the user and the token at once; raises QuotaExhausted and holds nothing.

    ``detail`` (username, token_name, model_name, is_stream) is what the sweeper writes in the log row
    if this request's worker dies before it settles.
    """
    lease = lease_seconds()
    current_ledger().reserve(Hold(request_id, account, amount, channel_id, int(time.time()) + lease, detail or {}))
    return Reservation(request_id=request_id, account=account, amount=amount,
                       next_beat=time.monotonic() + lease / 3)


def balances(account: Account) -> Balances:
    """What ``account`` holds now (a read, nothing taken): the cheap check before costly work."""
    return current_ledger().balances(account)


def keep_alive(reservation: Reservation, cost_so_far: Callable[[], int], channel_id: int) -> None:
    """Record that the request lives, and what it has cost so far (asked of ``cost_so_far`` only then).

    Written at most every third of a lease, so a long stream costs a write now and then, not per event.
    """
    now = time.monotonic()
    if now < reservation.next_beat or reservation.state != RESERVED or reservation.amount <= 0:
        return
    lease = lease_seconds()
    reservation.next_beat = now + lease / 3
    current_ledger().extend(reservation.request_id, int(time.time()) + lease,
                            min(cost_so_far(), reservation.amount), channel_id)


def settle(reservation: Reservation, channel_id: int, charged: int, log_row: dict | None) -> int:
    """Charge ``charged`` in place of the reservation, count the call and log it. Once per reservation."""
    if not reservation._finish(SETTLED):
        return 0
    try:
        balance = _settle_through_outages(Settlement(
            reservation.request_id, reservation.account, channel_id, reservation.amount, charged, log_row))
    except Exception:
        # The hold stays open, so nothing is given away, and the sweeper closes it after its deadline.
        log.exception("Settling request %s failed: reserved %s, charged %s, user %s, token %s, channel %s",
                      reservation.request_id, reservation.amount, charged, reservation.account.user_id,
                      reservation.account.token_id, channel_id)
        raise
    if balance is not None:
        # The reservation came off earlier, so the balance this call found is the one it leaves plus its charge.
        alerts.check_quota(reservation.account.user_id, balance + charged, balance)
    return charged


def _settle_through_outages(settlement: Settlement) -> int | None:
    ledger = current_ledger()
    for delay in (*SETTLE_RETRY_DELAYS, None):
        try:
            return ledger.settle(settlement)
        except Exception as error:
            if delay is None or not is_storage_outage(error):
                raise
            log.warning("Settling request %s waits for the ledger's storage: %s", settlement.request_id, error)
        time.sleep(delay)
        if not _is_still_held(settlement.request_id):
            return None  # the failed attempt went through before its connection broke: never settle twice
    raise AssertionError("unreachable")


def _is_still_held(request_id: str) -> bool:
    try:
        return current_ledger().is_held(request_id)
    except Exception as error:
        if is_storage_outage(error):
            return True  # still unreachable: the next attempt fails the same way, or settles
        raise


def refund(reservation: Reservation) -> None:
    """Return the whole reservation (the call failed before it produced anything billable)."""
    if reservation._finish(REFUNDED):
        current_ledger().refund(reservation.request_id, reservation.account, reservation.amount)
