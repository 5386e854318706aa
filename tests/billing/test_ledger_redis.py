"""The Redis ledger: the SQL ledger's semantics, atomic under concurrency, and consistent across nodes and reloads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import redis as redis_lib
from sqlalchemy import event, select, update

from app.billing import flush as flush_module, ledger_redis
from app.billing.flush import flush_to_db
from app.billing.ledger import Account, QuotaExhausted, Settlement, SqlLedger, current_ledger
from app.billing.ledger_redis import RedisLedger, apply_external_credit, balance_key
from app.extensions import db
from app.models import Channel, Log, Token, User
from tests import databases, factories
from tests.conftest import build_app, dispose, require_service

REDIS_MODE = {"BATCH_UPDATE_ENABLED": "true"}


@dataclass(frozen=True)
class Holders:
    user_id: int
    token_id: int
    channel_id: int
    account: Account


def make_holders(app, *, user_quota: int, token_remain: int = 0, unlimited: bool = False) -> Holders:
    with app.app_context():
        user = factories.make_user(quota=user_quota)
        token, _ = factories.make_token(user, remain_quota=token_remain, unlimited=unlimited)
        channel = factories.make_channel("http://127.0.0.1:9")
        holders = Holders(user.id, token.id, channel.id, Account(user.id, token.id, unlimited))
        db.session.remove()
    return holders


def columns(app, holders: Holders) -> dict:
    """The database's view of the holders after a flush (a no-op for the SQL ledger)."""
    with app.app_context():
        flush_to_db()
        user = db.session.execute(select(User.quota, User.used_quota, User.request_count)
                                  .where(User.id == holders.user_id)).one()
        token = db.session.execute(select(Token.remain_quota, Token.used_quota)
                                   .where(Token.id == holders.token_id)).one()
        channel_used = db.session.execute(select(Channel.used_quota).where(Channel.id == holders.channel_id)).scalar()
        logs = db.session.execute(select(Log.request_id, Log.quota).where(Log.user_id == holders.user_id)
                                  .order_by(Log.request_id)).all()
        db.session.remove()
    return {"user_quota": user.quota, "user_used": user.used_quota, "requests": user.request_count,
            "token_remain": token.remain_quota, "token_used": token.used_quota, "channel_used": channel_used,
            "logs": [tuple(row) for row in logs]}


def log_row(holders: Holders, request_id: str, quota: int) -> dict:
    return {"user_id": holders.user_id, "created_at": int(time.time()), "type": 2, "content": "ratio 1",
            "username": "someone", "token_name": "key", "model_name": "flat-model", "quota": quota,
            "prompt_tokens": quota, "completion_tokens": 0, "channel_id": holders.channel_id,
            "request_id": request_id, "elapsed_time": 5, "is_stream": False, "system_prompt_reset": False}


def redis_balance(app, kind: str, entity_id: int) -> int | None:
    with app.app_context():
        value = current_ledger().redis.hget(balance_key(kind, entity_id), "quota" if kind == "user" else "remain")
    return None if value is None else int(value)


@pytest.fixture(params=["sql", "redis"])
def ledger_app(request, empty_database):
    """The app with each ledger backend, on each database."""
    extra = {}
    if request.param == "redis":
        extra = {"REDIS_CONN_STRING": request.getfixturevalue("redis_url"), **REDIS_MODE}
    app = build_app(empty_database, **extra)
    with app.app_context():
        assert isinstance(current_ledger(), RedisLedger if request.param == "redis" else SqlLedger)
    yield app
    dispose(app)


@pytest.fixture
def redis_app(empty_database, redis_url):
    app = build_app(empty_database, REDIS_CONN_STRING=redis_url, **REDIS_MODE)
    yield app
    dispose(app)


# One interface, two backends: the same calls leave the same numbers in the database.

def test_reserve_takes_from_token_and_user_together(ledger_app):
    holders = make_holders(ledger_app, user_quota=1000, token_remain=300)
    with ledger_app.app_context():
        current_ledger().reserve(factories.make_hold(holders.account, 120))
    after = columns(ledger_app, holders)
    assert (after["user_quota"], after["token_remain"], after["token_used"]) == (880, 180, 120)
    assert (after["user_used"], after["requests"], after["channel_used"], after["logs"]) == (0, 0, 0, [])


@pytest.mark.parametrize("user_quota, token_remain, refused_by", [(1000, 99, "token"), (99, 1000, "user")])
def test_reserve_refused_by_either_balance_takes_nothing(ledger_app, user_quota, token_remain, refused_by):
    holders = make_holders(ledger_app, user_quota=user_quota, token_remain=token_remain)
    with ledger_app.app_context():
        with pytest.raises(QuotaExhausted) as refused:
            current_ledger().reserve(factories.make_hold(holders.account, 100))
        current_ledger().reserve(factories.make_hold(holders.account, 99))  # exactly what is left still fits
    assert refused.value.holder == refused_by
    after = columns(ledger_app, holders)
    assert (after["user_quota"], after["token_remain"], after["token_used"]) == (user_quota - 99, token_remain - 99, 99)


@pytest.mark.parametrize("user_quota, token_remain, unlimited, expected", [
    (1000, 300, False, 300), (200, 300, False, 200), (200, 0, True, 200)])
def test_spendable_is_what_a_reservation_could_take(ledger_app, user_quota, token_remain, unlimited, expected):
    holders = make_holders(ledger_app, user_quota=user_quota, token_remain=token_remain, unlimited=unlimited)
    with ledger_app.app_context():
        assert current_ledger().balances(holders.account).spendable == expected  # loads what Redis lacks
        current_ledger().reserve(factories.make_hold(holders.account, expected))
        assert current_ledger().balances(holders.account).spendable == 0
        missing = Account(holders.user_id + 1000, holders.token_id + 1000, False)
        assert current_ledger().balances(missing).spendable == 0


def test_unlimited_token_is_not_checked_but_the_user_is(ledger_app):
    holders = make_holders(ledger_app, user_quota=100, token_remain=0, unlimited=True)
    with ledger_app.app_context():
        current_ledger().reserve(factories.make_hold(holders.account, 60))
        with pytest.raises(QuotaExhausted) as refused:
            current_ledger().reserve(factories.make_hold(holders.account, 60))
    assert refused.value.holder == "user"
    after = columns(ledger_app, holders)
    assert (after["user_quota"], after["token_remain"], after["token_used"]) == (40, 0, 0)


@pytest.mark.parametrize("unlimited", [False, True])
def test_settle_charges_the_difference_counts_the_call_and_logs_it(ledger_app, unlimited):
    holders = make_holders(ledger_app, user_quota=1000, token_remain=500, unlimited=unlimited)
    with ledger_app.app_context():
        ledger = current_ledger()
        ledger.reserve(factories.make_hold(holders.account, 100, "a"))
        ledger.settle(Settlement("a", holders.account, holders.channel_id, 100, 130, log_row(holders, "a", 130)))
        ledger.reserve(factories.make_hold(holders.account, 100, "b"))
        ledger.settle(Settlement("b", holders.account, holders.channel_id, 100, 20, log_row(holders, "b", 20)))
        ledger.settle(Settlement("c", holders.account, holders.channel_id, 0, 0, None))  # free, unlogged, counted
    after = columns(ledger_app, holders)
    assert (after["user_quota"], after["user_used"], after["requests"]) == (850, 150, 3)
    assert (after["token_remain"], after["token_used"]) == ((500, 150) if unlimited else (350, 150))
    assert after["channel_used"] == 150
    assert after["logs"] == [("a", 130), ("b", 20)]


def test_refund_gives_the_whole_reservation_back(ledger_app):
    holders = make_holders(ledger_app, user_quota=1000, token_remain=500)
    with ledger_app.app_context():
        current_ledger().reserve(factories.make_hold(holders.account, 400, "a"))
        assert current_ledger().refund("a", holders.account, 400)
        current_ledger().reserve(factories.make_hold(holders.account, 500, "b"))  # all of it is usable again
        assert current_ledger().refund("b", holders.account, 500)
        assert not current_ledger().refund("b", holders.account, 500)  # once only
    after = columns(ledger_app, holders)
    assert (after["user_quota"], after["token_remain"], after["token_used"], after["requests"]) == (1000, 500, 0, 0)


def test_reserving_for_an_unknown_user_or_token_is_refused(ledger_app):
    holders = make_holders(ledger_app, user_quota=1000, token_remain=500)
    with ledger_app.app_context():
        with pytest.raises(QuotaExhausted) as no_token:
            current_ledger().reserve(factories.make_hold(Account(holders.user_id, 999_999, False), 1))
        with pytest.raises(QuotaExhausted) as no_user:
            current_ledger().reserve(factories.make_hold(Account(999_999, holders.token_id, True), 1))
    assert (no_token.value.holder, no_user.value.holder) == ("token", "user")


# Atomicity under concurrency

def test_two_hundred_racing_reservations_on_a_token_worth_ten_admit_exactly_ten(empty_database, redis_url):
    app = build_app(empty_database, REDIS_CONN_STRING=redis_url, SQL_MAX_OPEN_CONNS="40", SQL_MAX_IDLE_CONNS="40",
                    **REDIS_MODE)
    # app.cache's client has redis-py's default pool, which raises past 100 connections instead of
    # waiting; 200 threads at once need a pool that waits (BlockingConnectionPool) of the same size.
    app.extensions["tollgate.redis"] = redis_lib.Redis(connection_pool=redis_lib.BlockingConnectionPool.from_url(
        redis_url, max_connections=100, timeout=30))
    holders = make_holders(app, user_quota=1_000_000, token_remain=10 * 7)
    start, done, lowest = threading.Barrier(200), threading.Event(), []

    def reserve_once(_) -> bool:
        with app.app_context():
            start.wait()
            try:
                current_ledger().reserve(factories.make_hold(holders.account, 7))
                return True
            except QuotaExhausted as refused:
                assert refused.holder == "token"
                return False
            finally:
                db.session.remove()

    def watch() -> None:
        client = redis_lib.Redis.from_url(redis_url)
        while not done.is_set():
            remain = client.hget(balance_key("token", holders.token_id), "remain")
            lowest.append(int(remain) if remain is not None else 0)

    watcher = threading.Thread(target=watch)
    watcher.start()
    with ThreadPoolExecutor(max_workers=200) as pool:
        admitted = list(pool.map(reserve_once, range(200)))
    done.set()
    watcher.join()
    assert admitted.count(True) == 10
    assert min(lowest) >= 0 and redis_balance(app, "token", holders.token_id) == 0
    after = columns(app, holders)
    assert (after["token_remain"], after["token_used"], after["user_quota"]) == (0, 70, 1_000_000 - 70)
    dispose(app)


def test_balances_stay_exact_through_evictions_and_flushes_under_load(redis_app):
    """Calls race flushes and dropped balances; the reloads must neither lose nor double any delta."""
    holders = make_holders(redis_app, user_quota=10_000_000, token_remain=5_000_000)
    workers, calls, stop = 8, 60, threading.Event()

    def spend(worker: int) -> None:
        with redis_app.app_context():
            ledger = current_ledger()
            for call in range(calls):
                request_id = f"{worker}-{call}"
                ledger.reserve(factories.make_hold(holders.account, 50, request_id))
                if call % 3 == 0:
                    ledger.refund(request_id, holders.account, 50)
                else:
                    ledger.settle(Settlement(request_id, holders.account, holders.channel_id, 50, 31,
                                             log_row(holders, request_id, 31)))
            db.session.remove()

    def disturb() -> None:
        with redis_app.app_context():
            while not stop.is_set():
                flush_to_db()
                current_ledger().forget_user(holders.user_id)
                current_ledger().forget_token(holders.token_id)
                time.sleep(0.003)
            db.session.remove()

    disturber = threading.Thread(target=disturb)
    disturber.start()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(spend, range(workers)))
    stop.set()
    disturber.join()
    settled = workers * sum(1 for call in range(calls) if call % 3)
    after = columns(redis_app, holders)
    assert (after["user_quota"], after["user_used"], after["requests"]) == (
        10_000_000 - 31 * settled, 31 * settled, settled)
    assert (after["token_remain"], after["token_used"], after["channel_used"]) == (
        5_000_000 - 31 * settled, 31 * settled, 31 * settled)
    assert len(after["logs"]) == len(set(after["logs"])) == settled
    assert redis_balance(redis_app, "user", holders.user_id) in (None, after["user_quota"])


# The hot path, loads and reloads

def test_once_loaded_reserve_settle_and_refund_run_no_sql(redis_app):
    holders = make_holders(redis_app, user_quota=1000, token_remain=500)
    statements = []
    with redis_app.app_context():
        ledger = current_ledger()
        ledger.reserve(factories.make_hold(holders.account, 10, "first"))  # the first use loads both balances
        engine = db.engines[None]
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            ledger.reserve(factories.make_hold(holders.account, 10, "x"))
            ledger.settle(Settlement("x", holders.account, holders.channel_id, 10, 8, log_row(holders, "x", 8)))
            ledger.refund("first", holders.account, 10)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert ledger.redis.ttl(balance_key("user", holders.user_id)) > 0  # reloaded now and then, as a safety net
    assert statements == []


def test_a_dropped_balance_reloads_with_every_delta_not_yet_in_the_database(redis_app, monkeypatch):
    holders = make_holders(redis_app, user_quota=1000, token_remain=1000, unlimited=True)
    with redis_app.app_context():
        ledger = current_ledger()
        ledger.reserve(factories.make_hold(holders.account, 300))  # pending
        monkeypatch.setattr(flush_module, "_apply_deltas", _fail)
        with pytest.raises(SimulatedCrash):
            flush_to_db()  # the 300 is now in flight, not applied
        monkeypatch.undo()
        ledger.reserve(factories.make_hold(holders.account, 200))  # pending again, next to the batch in flight
        ledger.redis.delete(balance_key("user", holders.user_id))  # as a TTL expiry would
        with pytest.raises(QuotaExhausted):
            ledger.reserve(factories.make_hold(holders.account, 501))
        ledger.reserve(factories.make_hold(holders.account, 100))
        assert redis_balance(redis_app, "user", holders.user_id) == 400

        monkeypatch.setattr(flush_module, "_drop", _fail)
        with pytest.raises(SimulatedCrash):
            flush_to_db()  # the first batch is committed but still in flight; the rest is pending
        monkeypatch.undo()
        ledger.redis.delete(balance_key("user", holders.user_id))
        with pytest.raises(QuotaExhausted):
            ledger.reserve(factories.make_hold(holders.account, 401))
        ledger.reserve(factories.make_hold(holders.account, 400))
    assert columns(redis_app, holders)["user_quota"] == 0


def test_a_load_racing_a_completed_flush_reads_again(redis_app, monkeypatch):
    holders = make_holders(redis_app, user_quota=1000, token_remain=0, unlimited=True)
    with redis_app.app_context():
        ledger = current_ledger()
        ledger.reserve(factories.make_hold(holders.account, 300))
        ledger.redis.delete(balance_key("user", holders.user_id))
        reads = _interleave(monkeypatch, flush_to_db)  # the batch is applied and dropped between read and script
        ledger.reserve(factories.make_hold(holders.account, 700))
        with pytest.raises(QuotaExhausted):
            ledger.reserve(factories.make_hold(holders.account, 1))
    assert len(reads) == 2
    assert columns(redis_app, holders)["user_quota"] == 0


def test_an_external_credit_is_seen_at_once_and_never_twice(redis_app, monkeypatch):
    holders = make_holders(redis_app, user_quota=1000, token_remain=0, unlimited=True)

    def credit_in_database(amount: int) -> None:  # what app.billing.credits does, then the call it must make
        with redis_app.app_context():
            db.session.execute(update(User).where(User.id == holders.user_id).values(quota=User.quota + amount))
            db.session.commit()
            apply_external_credit(holders.user_id, amount)
            db.session.remove()

    with redis_app.app_context():
        ledger = current_ledger()
        ledger.reserve(factories.make_hold(holders.account, 400))
        credit_in_database(500)
        assert redis_balance(redis_app, "user", holders.user_id) is None
        ledger.reserve(factories.make_hold(holders.account, 100))
        assert redis_balance(redis_app, "user", holders.user_id) == 1000

        ledger.redis.delete(balance_key("user", holders.user_id))
        reads = _interleave(monkeypatch, lambda: credit_in_database(250))  # lands between a load's read and script
        ledger.reserve(factories.make_hold(holders.account, 1250))
        with pytest.raises(QuotaExhausted):
            ledger.reserve(factories.make_hold(holders.account, 1))
    assert len(reads) == 2
    assert columns(redis_app, holders)["user_quota"] == 0


def test_two_nodes_sharing_redis_and_postgresql_agree(redis_url):
    require_service("postgresql")
    dsn = databases.create_database("postgresql")
    nodes = [build_app({"SQL_DSN": dsn}, REDIS_CONN_STRING=redis_url, SQL_MAX_OPEN_CONNS="20", **REDIS_MODE)
             for _ in range(2)]
    try:
        holders = make_holders(nodes[0], user_quota=1_000_000, token_remain=40 * 25)

        def call(number: int) -> bool:  # reserved on one node, settled (or refunded) and flushed on the other
            reserving, settling = nodes[number % 2], nodes[(number + 1) % 2]
            with reserving.app_context():
                try:
                    current_ledger().reserve(factories.make_hold(holders.account, 40, f"call-{number:03}"))
                except QuotaExhausted:
                    return False
            with settling.app_context():
                if number % 7 == 0:
                    current_ledger().refund(f"call-{number:03}", holders.account, 40)
                else:
                    current_ledger().settle(Settlement(f"call-{number:03}", holders.account, holders.channel_id, 40,
                                                       40, log_row(holders, f"call-{number:03}", 40)))
                if number % 10 == 0:
                    flush_to_db()
                db.session.remove()
            return number % 7 != 0

        with ThreadPoolExecutor(max_workers=32) as pool:
            kept = sum(pool.map(call, range(200)))
        views = [(redis_balance(node, "user", holders.user_id), redis_balance(node, "token", holders.token_id))
                 for node in nodes]
        first, second = columns(nodes[0], holders), columns(nodes[1], holders)
    finally:
        for node in nodes:
            dispose(node)
        databases.drop_database("postgresql", dsn)
    # The token holds 25 calls' worth; a refund frees its 40 for a later call, unless no call comes later.
    assert 24 <= kept <= 25
    assert views[0] == views[1] == (1_000_000 - 40 * kept, 1000 - 40 * kept)
    assert first == second
    assert (first["user_quota"], first["token_remain"], first["token_used"], first["requests"], len(first["logs"])) \
        == (1_000_000 - 40 * kept, 1000 - 40 * kept, 40 * kept, kept, kept)


class SimulatedCrash(Exception):
    pass


def _fail(*args, **kwargs):
    raise SimulatedCrash()


def _interleave(monkeypatch, meanwhile) -> list:
    """Make the next balance load run ``meanwhile`` between its database read and its Redis script."""
    real, reads = ledger_redis._read_balance, []

    def read_then_interfere(*args):
        row = real(*args)
        if not reads:
            meanwhile()
        reads.append(row)
        return row

    monkeypatch.setattr(ledger_redis, "_read_balance", read_then_interfere)
    return reads
