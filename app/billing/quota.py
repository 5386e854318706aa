"""Reserve before the upstream call, then settle exactly once or refund: the three verbs of billing."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from threading import Lock

from app import alerts
from app.billing.ledger import Account, Settlement, current_ledger

log = logging.getLogger(__name__)

RESERVED, SETTLED, REFUNDED = "reserved", "settled", "refunded"


@dataclass(slots=True)
class Reservation:
    """One client request's hold on the balances; settle and refund are idempotent on it."""

    request_id: str
    account: Account
    amount: int
    state: str = RESERVED
    _lock: Lock = field(default_factory=Lock, repr=False)

    def _finish(self, state: str) -> bool:
        with self._lock:
            if self.state != RESERVED:
                return False
            self.state = state
            return True


def reserve(request_id: str, account: Account, amount: int) -> Reservation:
    """Hold ``amount`` on the user and the token at once; raises QuotaExhausted and holds nothing."""
    current_ledger().reserve(account, amount)
    return Reservation(request_id=request_id, account=account, amount=amount)


def settle(reservation: Reservation, channel_id: int, charged: int, log_row: dict | None) -> int:
    """Charge ``charged`` in place of the reservation, count the call and log it. Once per reservation."""
    if not reservation._finish(SETTLED):
        return 0
    try:
        balance = current_ledger().settle(
            Settlement(reservation.account, channel_id, reservation.amount, charged, log_row))
    except Exception:
        # The reservation stays taken, so nothing is given away; these numbers let an admin reconcile.
        log.exception("Settling request %s failed: reserved %s, charged %s, user %s, token %s, channel %s",
                      reservation.request_id, reservation.amount, charged, reservation.account.user_id,
                      reservation.account.token_id, channel_id)
        raise
    if balance is not None:
        # The reservation came off earlier, so the balance this call found is the one it leaves plus its charge.
        alerts.check_quota(reservation.account.user_id, balance + charged, balance)
    return charged


def refund(reservation: Reservation) -> None:
    """Return the whole reservation (the call failed before it produced anything billable)."""
    if reservation._finish(REFUNDED):
        current_ledger().refund(reservation.account, reservation.amount)
