"""Credits outside the relay, on SQLite, PostgreSQL and MariaDB: never below zero, every unit logged once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app.billing.credits import credit_user, redeem_code, set_user_quota
from app.errors import AppError
from app.extensions import db
from app.models import Log, Redemption, User
from app.models.log import LOG_MANAGE, LOG_SYSTEM, LOG_TOPUP
from app.models.redemption import REDEMPTION_DISABLED, REDEMPTION_ENABLED, REDEMPTION_USED
from tests import factories

REDEEMERS = 50


def run_together(app, calls: list) -> list:
    """Run each call in its own thread and app context, released at once; an AppError becomes its message."""
    start = threading.Barrier(len(calls))

    def run(call):
        with app.app_context():
            start.wait()
            try:
                return call()
            except AppError as error:
                return error.message

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def logs_of(user_id: int) -> list[Log]:
    return db.session.execute(select(Log).where(Log.user_id == user_id).order_by(Log.id)).scalars().all()


def quota_of(user_id: int) -> int:
    quota = db.session.execute(select(User.quota).where(User.id == user_id)).scalar_one()
    db.session.commit()
    return quota


def make_code(*, quota: int = 500, status: int = REDEMPTION_ENABLED, key: str = "c" * 32) -> Redemption:
    code = Redemption(user_id=1, key=key, name="launch", quota=quota, status=status, created_time=0)
    db.session.add(code)
    db.session.commit()
    return code


def test_credit_user_adds_quota_and_logs_it(app):
    with app.app_context():
        user = factories.make_user(quota=5)
        credit_user(user.id, 20, log_type=LOG_SYSTEM, content="bonus")
        assert quota_of(user.id) == 25
        [log] = logs_of(user.id)
        assert (log.type, log.quota, log.content, log.username) == (LOG_SYSTEM, 20, "bonus", user.username)


def test_credit_user_refuses_to_go_below_zero_and_changes_nothing(app):
    with app.app_context():
        user = factories.make_user(quota=5)
        with pytest.raises(AppError, match="below zero"):
            credit_user(user.id, -6, log_type=LOG_TOPUP, content="too much")
        credit_user(user.id, -5, log_type=LOG_TOPUP, content="all of it")
        assert quota_of(user.id) == 0
        assert [log.quota for log in logs_of(user.id)] == [-5]


def test_credit_user_refuses_unknown_users(app):
    with app.app_context(), pytest.raises(AppError, match="User not found"):
        credit_user(999_999, 10, log_type=LOG_TOPUP, content="nobody")


def test_concurrent_debits_never_take_quota_below_zero(app_on):
    with app_on.app_context():
        user_id = factories.make_user(quota=10).id
    debit = lambda: credit_user(user_id, -1, log_type=LOG_TOPUP, content="debit")  # noqa: E731
    results = run_together(app_on, [debit] * 30)
    assert results.count(None) == 10
    assert all(result == "The user's quota would go below zero." for result in results if result is not None)
    with app_on.app_context():
        assert quota_of(user_id) == 0 and len(logs_of(user_id)) == 10


def test_set_user_quota_logs_the_difference_as_a_manage_entry(app):
    with app.app_context():
        user = factories.make_user(quota=300)
        set_user_quota(user.id, 1000, admin_name="root")
        set_user_quota(user.id, 1000, admin_name="root")  # no change, no log
        assert quota_of(user.id) == 1000
        [log] = logs_of(user.id)
        assert (log.type, log.quota) == (LOG_MANAGE, 700) and "root" in log.content
        with pytest.raises(AppError):
            set_user_quota(user.id, -1, admin_name="root")


def test_quota_edits_racing_debits_lose_no_unit(app_on):
    # Every change is logged with the delta it applied, so the logs must add up to the final balance
    # however the edits and the debits interleave.
    with app_on.app_context():
        user_id = factories.make_user(quota=0).id
        credit_user(user_id, 1000, log_type=LOG_TOPUP, content="start")
    debit = lambda: credit_user(user_id, -7, log_type=LOG_TOPUP, content="debit")  # noqa: E731
    edits = [lambda target=target: set_user_quota(user_id, target, admin_name="root") for target in (500, 800, 50)]
    results = run_together(app_on, [debit] * 20 + edits)
    assert all(result is None or "below zero" in result or "try again" in result for result in results)
    with app_on.app_context():
        logged = db.session.execute(select(func.sum(Log.quota)).where(Log.user_id == user_id)).scalar()
        assert quota_of(user_id) == logged >= 0


def test_redeem_code_credits_the_user_and_uses_up_the_code(app):
    with app.app_context():
        user = factories.make_user(quota=1)
        make_code(quota=500)
        assert redeem_code("c" * 32, user.id) == 500
        assert quota_of(user.id) == 501
        [log] = logs_of(user.id)
        assert (log.type, log.quota) == (LOG_TOPUP, 500) and log.content.startswith("Redeemed code launch for ")
        code = db.session.execute(select(Redemption)).scalar_one()
        assert code.status == REDEMPTION_USED and code.redeemed_time > 0


@pytest.mark.parametrize("status, message", [
    (REDEMPTION_USED, "already been used"), (REDEMPTION_DISABLED, "disabled"), (None, "Invalid redemption code"),
])
def test_redeem_code_refuses_used_disabled_and_unknown_codes(app, status, message):
    with app.app_context():
        user = factories.make_user(quota=1)
        if status is not None:
            make_code(status=status)
        with pytest.raises(AppError, match=message):
            redeem_code("c" * 32, user.id)
        assert quota_of(user.id) == 1 and logs_of(user.id) == []


def test_a_failed_credit_leaves_the_code_unused(app):
    with app.app_context():
        make_code()
        with pytest.raises(AppError, match="User not found"):
            redeem_code("c" * 32, 999_999)
        assert db.session.execute(select(Redemption.status)).scalar_one() == REDEMPTION_ENABLED


def test_one_code_redeemed_by_fifty_users_at_once_credits_exactly_once(app_on):
    with app_on.app_context():
        user_ids = [factories.make_user(quota=0).id for _ in range(REDEEMERS)]
        make_code(quota=4321)
    results = run_together(app_on, [lambda user_id=user_id: redeem_code("c" * 32, user_id) for user_id in user_ids])

    assert results.count(4321) == 1
    assert results.count("This redemption code has already been used.") == REDEEMERS - 1
    with app_on.app_context():
        credited = db.session.execute(select(func.sum(User.quota)).where(User.id.in_(user_ids))).scalar()
        logs = db.session.execute(select(Log).where(Log.type == LOG_TOPUP)).scalars().all()
        assert credited == 4321 and [log.quota for log in logs] == [4321]
