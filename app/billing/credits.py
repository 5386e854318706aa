"""Quota moved outside the relay: admin top-ups and quota edits, and redemption codes.

Each function is one transaction of conditional UPDATEs plus its log row, so concurrent callers on
SQLite, PostgreSQL or MariaDB can neither overdraw a balance nor redeem a code twice. Each commits
its own transaction (call it with no other pending changes in the session), then tells the ledger.
"""

from __future__ import annotations

import time

from sqlalchemy import select, update

from app.billing.ledger_redis import apply_external_credit
from app.errors import AppError
from app.extensions import db
from app.models import Log, Redemption, User
from app.models.log import LOG_MANAGE, LOG_TOPUP
from app.models.redemption import REDEMPTION_DISABLED, REDEMPTION_ENABLED, REDEMPTION_USED
from app.options import Options, current as current_options

# The largest amount one operation may move: exact as a JSON number in browsers, far inside BIGINT.
MAX_AMOUNT = 2**53 - 1


def credit_user(user_id: int, amount: int, *, log_type: int, content: str, username: str | None = None) -> None:
    """Add ``amount`` (negative: take it, never below zero) to the user's quota and log it."""
    if abs(amount) > MAX_AMOUNT:
        raise AppError(f"The amount must be between -{MAX_AMOUNT} and {MAX_AMOUNT}.")
    try:
        _add_quota(user_id, amount, log_type=log_type, content=content, username=username)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    apply_external_credit(user_id, amount)


def set_user_quota(user_id: int, new_quota: int, *, admin_name: str) -> None:
    """Make the user's quota ``new_quota`` and write a manage log with the difference.

    The row is locked first (a no-op UPDATE takes the row lock on PostgreSQL and MariaDB and the write
    lock on SQLite), so the balance read next cannot move before the new value is written: a
    reservation running meanwhile waits, then applies on top. No retries, however busy the account.
    """
    if not 0 <= new_quota <= MAX_AMOUNT:
        raise AppError(f"The quota must be between 0 and {MAX_AMOUNT}.")
    options = _options_before_transaction()
    try:
        difference = _set_quota_locked(user_id, new_quota, admin_name, options)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    apply_external_credit(user_id, difference)


def _set_quota_locked(user_id: int, new_quota: int, admin_name: str, options: Options) -> int:
    locked = db.session.execute(update(User).where(User.id == user_id).values(quota=User.quota)).rowcount
    if not locked:
        raise AppError("User not found.")
    row = db.session.execute(select(User.quota, User.username).where(User.id == user_id)).one()
    difference = new_quota - row.quota
    if difference:
        db.session.execute(update(User).where(User.id == user_id).values(quota=User.quota + difference))
        content = (f"Admin {admin_name} changed the quota from {format_quota(row.quota, options)} "
                   f"to {format_quota(new_quota, options)}")
        db.session.add(_log_row(user_id, row.username, LOG_MANAGE, content, difference))
    return difference


def redeem_code(key: str, user_id: int) -> int:
    """Mark the code used and credit its quota to the user, in one transaction; returns the quota added.

    The conditional UPDATE is the lock: of any number of concurrent redeemers, exactly one sees a
    row change, and only that one goes on to credit (One API's SELECT … FOR UPDATE was ignored, F8).
    """
    options = _options_before_transaction()
    try:
        claimed = db.session.execute(
            update(Redemption).where(Redemption.key == key, Redemption.status == REDEMPTION_ENABLED)
            .values(status=REDEMPTION_USED, redeemed_time=int(time.time()))
        ).rowcount
        if not claimed:
            raise AppError(_why_not_redeemable(key))
        code = db.session.execute(select(Redemption.name, Redemption.quota).where(Redemption.key == key)).one()
        content = f"Redeemed code {code.name} for {format_quota(code.quota, options)}"
        _add_quota(user_id, code.quota, log_type=LOG_TOPUP, content=content)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    apply_external_credit(user_id, code.quota)
    return code.quota


def _why_not_redeemable(key: str) -> str:
    status = db.session.execute(select(Redemption.status).where(Redemption.key == key)).scalar()
    if status is None:
        return "Invalid redemption code."
    if status == REDEMPTION_DISABLED:
        return "This redemption code is disabled."
    return "This redemption code has already been used."


def _add_quota(user_id: int, amount: int, *, log_type: int, content: str, username: str | None = None) -> None:
    """The UPDATE and the log row of a credit, inside the caller's transaction."""
    changed = db.session.execute(
        update(User).where(User.id == user_id, User.quota + amount >= 0).values(quota=User.quota + amount)
    ).rowcount
    # Read after the UPDATE: the row is locked by then, and SQLite never has to upgrade a read snapshot.
    known_name = db.session.execute(select(User.username).where(User.id == user_id)).scalar()
    if not changed:
        raise AppError("User not found." if known_name is None else "The user's quota would go below zero.")
    db.session.add(_log_row(user_id, username or known_name, log_type, content, amount))


def _log_row(user_id: int, username: str | None, log_type: int, content: str, amount: int) -> Log:
    return Log(user_id=user_id, username=username or "", created_at=int(time.time()), type=log_type,
               content=content, quota=amount)


def _options_before_transaction() -> Options:
    # Reading options may reload them, and a reload commits the session: it must not land mid-transaction.
    return current_options()


def format_quota(amount: int, options: Options | None = None) -> str:
    """An amount as log text: dollars when the UI shows currency, else quota units (One API's LogQuota)."""
    options = options or current_options()
    if options.get_bool("DisplayInCurrencyEnabled"):
        return f"${amount / (options.get_float('QuotaPerUnit') or 500000.0):.6f}"
    return f"{amount} quota"
