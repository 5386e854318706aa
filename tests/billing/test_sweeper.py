"""The sweeper closes the reservations of requests whose worker died, on both ledgers and every database:
settled at their last recorded cost or refunded, each once, with a log row, and never a live one."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from app.billing import quota
from app.billing.ledger import Settlement, current_ledger
from app.billing.sweeper import sweep_expired_holds
from app.extensions import db
from app.models import Log
from app.models.log import LOG_CONSUME, LOG_SYSTEM
from tests import factories
from tests.billing.test_ledger_redis import columns, ledger_app, log_row, make_holders  # noqa: F401  (fixture)

PAST = int(time.time()) - 10


def reserve_stranded(app, holders, amount: int, request_id: str, *, charged: int = 0) -> None:
    """A reservation whose worker died: deadline passed, ``charged`` recorded at its last sign of life."""
    with app.app_context():
        ledger = current_ledger()
        ledger.reserve(factories.make_hold(holders.account, amount, request_id, channel_id=holders.channel_id,
                                           deadline=PAST))
        if charged:
            ledger.extend(request_id, PAST, charged, holders.channel_id)


def sweep(app, now: int | None = None):
    with app.app_context():
        return sweep_expired_holds(now)


def log_rows(app, user_id: int) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(select(Log.type, Log.request_id, Log.quota, Log.content)
                                  .where(Log.user_id == user_id).order_by(Log.id)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_a_dead_request_with_nothing_recorded_is_refunded_with_a_system_log_row(ledger_app):
    holders = make_holders(ledger_app, user_quota=1000, token_remain=500)
    reserve_stranded(ledger_app, holders, 300, "dead-1")
    assert columns(ledger_app, holders)["user_quota"] == 700

    result = sweep(ledger_app)

    assert (result.refunded, result.returned, result.settled) == (1, 300, 0)
    after = columns(ledger_app, holders)
    assert (after["user_quota"], after["token_remain"], after["token_used"], after["requests"]) == (1000, 500, 0, 0)
    [(log_type, request_id, charged, content)] = log_rows(ledger_app, holders.user_id)
    assert (log_type, request_id, charged) == (LOG_SYSTEM, "dead-1", 0)
    assert "refunded" in content and "300" in content


def test_a_dead_stream_is_settled_at_the_cost_it_recorded(ledger_app):
    holders = make_holders(ledger_app, user_quota=1000, token_remain=500)
    reserve_stranded(ledger_app, holders, 300, "dead-2", charged=120)

    result = sweep(ledger_app)

    assert (result.settled, result.charged, result.refunded) == (1, 120, 0)
    after = columns(ledger_app, holders)
    assert (after["user_quota"], after["user_used"], after["requests"]) == (880, 120, 1)
    assert (after["token_remain"], after["token_used"], after["channel_used"]) == (380, 120, 120)
    [(log_type, request_id, charged, content)] = log_rows(ledger_app, holders.user_id)
    assert (log_type, request_id, charged) == (LOG_CONSUME, "dead-2", 120)
    assert "stopped" in content


def test_live_reservations_are_left_alone(ledger_app):
    holders = make_holders(ledger_app, user_quota=1000, token_remain=500)
    with ledger_app.app_context():
        current_ledger().reserve(factories.make_hold(holders.account, 200, "alive"))
    assert sweep(ledger_app).refunded == 0
    assert sweep(ledger_app, now=int(time.time()) + 10_000).refunded == 1  # until its deadline passes


def test_an_owner_that_settles_after_the_sweep_is_charged_in_full_and_conserved(ledger_app):
    """The sweeper refunded a request it took for dead; the request then finished: its bill still lands."""
    holders = make_holders(ledger_app, user_quota=1000, token_remain=500)
    reserve_stranded(ledger_app, holders, 300, "slow")
    sweep(ledger_app)
    with ledger_app.app_context():
        current_ledger().settle(Settlement("slow", holders.account, holders.channel_id, 300, 90,
                                           log_row(holders, "slow", 90)))
    after = columns(ledger_app, holders)
    assert (after["user_quota"], after["user_used"], after["token_remain"], after["channel_used"]) == (910, 90, 410, 90)
    assert sum(charged for _, _, charged, _ in log_rows(ledger_app, holders.user_id)) == 90


def test_a_refund_after_the_sweep_gives_nothing_back_twice(ledger_app):
    holders = make_holders(ledger_app, user_quota=1000, token_remain=500)
    reserve_stranded(ledger_app, holders, 300, "gone")
    sweep(ledger_app)
    with ledger_app.app_context():
        assert not current_ledger().refund("gone", holders.account, 300)
    assert columns(ledger_app, holders)["user_quota"] == 1000


def test_owners_and_sweepers_racing_close_each_hold_exactly_once(ledger_app):
    holders = make_holders(ledger_app, user_quota=1_000_000, token_remain=1_000_000)
    calls = 60
    for number in range(calls):
        reserve_stranded(ledger_app, holders, 100, f"race-{number:02}", charged=40 if number % 2 else 0)
    start = threading.Barrier(3)

    def owner() -> None:
        start.wait()
        with ledger_app.app_context():
            for number in range(calls):
                request_id = f"race-{number:02}"
                current_ledger().settle(Settlement(request_id, holders.account, holders.channel_id, 100, 70,
                                                   log_row(holders, request_id, 70)))
            db.session.remove()

    def sweeper() -> None:
        start.wait()
        sweep(ledger_app)

    with ThreadPoolExecutor(3) as pool:
        for future in [pool.submit(owner), pool.submit(sweeper), pool.submit(sweeper)]:
            future.result()
    after = columns(ledger_app, holders)
    logged = sum(charged for _, _, charged, _ in log_rows(ledger_app, holders.user_id))
    assert 1_000_000 - after["user_quota"] == after["user_used"] == after["token_used"] == after["channel_used"] \
        == logged
    assert 1_000_000 - after["token_remain"] == logged
    with ledger_app.app_context():
        assert current_ledger().expired_holds(int(time.time()) + 10_000, 1000) == []


def test_keep_alive_moves_the_deadline_and_records_the_running_cost(ledger_app):
    holders = make_holders(ledger_app, user_quota=1000, token_remain=500)
    with ledger_app.app_context():
        reservation = quota.reserve("streaming", holders.account, 300, channel_id=holders.channel_id)
        lease = quota.lease_seconds()
        reservation.next_beat = 0  # due now
        quota.keep_alive(reservation, lambda: 999, holders.channel_id)  # more than reserved counts as the reservation
        [hold] = current_ledger().expired_holds(int(time.time()) + lease + 5, 10)
        assert hold.request_id == "streaming" and hold.charged == 300
        assert current_ledger().expired_holds(int(time.time()) + lease - 5, 10) == []
        quota.keep_alive(reservation, lambda: 50, holders.channel_id)  # not due for a third of a lease: no write
        assert current_ledger().expired_holds(int(time.time()) + lease + 5, 10)[0].charged == 300


@pytest.mark.parametrize("lease", ["0", "x"])
def test_a_lease_below_one_second_is_a_configuration_error(lease):
    from app.config import Config, ConfigError

    with pytest.raises(ConfigError, match="RESERVATION_LEASE"):
        Config.from_env({"RESERVATION_LEASE": lease})
