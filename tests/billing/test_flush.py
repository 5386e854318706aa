"""The ledger flush: every delta and log row reaches the database exactly once, whoever dies when."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from app import create_app
from app.billing import flush as flush_module
from app.billing.flush import FlushResult, flush_to_db
from app.billing.ledger import Settlement, current_ledger
from app.billing.ledger_redis import FLUSH_LOCK, WATERMARK_OPTION
from app.extensions import db
from app.models import Option
from tests import databases, factories
from tests.billing.test_ledger_redis import REDIS_MODE, Holders, columns, log_row, make_holders
from tests.conftest import build_app, dispose, require_service
from workers.quota import flush_quota_ledger

KILLED = 17
START_USER, START_TOKEN = 1_000_000, 500_000


class SimulatedCrash(Exception):
    pass


@pytest.fixture
def settings(empty_database, redis_url) -> dict:
    return {**empty_database, "REDIS_CONN_STRING": redis_url, **REDIS_MODE}


@pytest.fixture
def flush_app(settings):
    app = build_app(settings)
    yield app
    dispose(app)


def run_calls(app, holders: Holders, calls: int, tag: str) -> list[tuple[str, int]]:
    """Reserve 100 per call, then refund every fourth call and settle the rest; returns the logs expected."""
    logged = []
    with app.app_context():
        ledger = current_ledger()
        for number in range(calls):
            charged, request_id = 30 + number, f"{tag}-{number:03}"
            ledger.reserve(factories.make_hold(holders.account, 100, request_id))
            if number % 4 == 3:
                ledger.refund(request_id, holders.account, 100)
                continue
            ledger.settle(Settlement(request_id, holders.account, holders.channel_id, 100, charged,
                                     log_row(holders, request_id, charged)))
            logged.append((request_id, charged))
    return logged


def expected(logged: list[tuple[str, int]]) -> dict:
    spent = sum(quota for _, quota in logged)
    return {"user_quota": START_USER - spent, "user_used": spent, "requests": len(logged),
            "token_remain": START_TOKEN - spent, "token_used": spent, "channel_used": spent, "logs": sorted(logged)}


def new_holders(app) -> Holders:
    return make_holders(app, user_quota=START_USER, token_remain=START_TOKEN)


def flush(app) -> FlushResult:
    with app.app_context():
        return flush_to_db()


def _fail(*args, **kwargs):
    raise SimulatedCrash()


def test_flush_writes_the_sum_of_the_deltas_and_every_log_row_exactly_once(flush_app):
    everyone = [new_holders(flush_app) for _ in range(3)]
    logged = [run_calls(flush_app, holders, 12 + 4 * index, f"h{index}") for index, holders in enumerate(everyone)]
    first = flush(flush_app)
    assert len(first.applied) == 1 and first.skipped == () and first.logs_written == sum(map(len, logged))
    assert first.rows_updated == 3 * 3  # a user, a token and a channel each
    for holders, calls in zip(everyone, logged):
        assert columns(flush_app, holders) == expected(calls)
    again = flush(flush_app)
    assert (again.applied, again.skipped, again.rows_updated, again.logs_written) == ((), (), 0, 0)
    for holders, calls in zip(everyone, logged):
        assert columns(flush_app, holders) == expected(calls)


def test_each_flush_records_its_batch_number(flush_app):
    holders = new_holders(flush_app)
    run_calls(flush_app, holders, 3, "a")
    first = flush(flush_app)
    run_calls(flush_app, holders, 3, "b")
    second = flush(flush_app)
    assert second.applied == (first.applied[0] + 1,)
    with flush_app.app_context():
        assert db.session.execute(select(Option.value).where(Option.key == WATERMARK_OPTION)).scalar() \
            == str(second.applied[0])


def test_flush_while_another_worker_holds_the_lock_does_nothing(flush_app):
    holders = new_holders(flush_app)
    logged = run_calls(flush_app, holders, 5, "a")
    with flush_app.app_context():
        client = current_ledger().redis
        client.set(FLUSH_LOCK, "another worker", px=60_000)
        assert flush_to_db() == FlushResult(busy=True)
        assert client.get(FLUSH_LOCK) == b"another worker"
        client.delete(FLUSH_LOCK)
    assert columns(flush_app, holders) == expected(logged)


def test_the_lock_is_released_only_by_its_owner(flush_app, monkeypatch):
    """A worker that outlived its lock must not release the lock its successor took."""
    def successor_takes_over(client):
        client.set(FLUSH_LOCK, "successor", px=60_000)
        return FlushResult()

    monkeypatch.setattr(flush_module, "_flush", successor_takes_over)
    with flush_app.app_context():
        flush_to_db()
        assert current_ledger().redis.get(FLUSH_LOCK) == b"successor"


@pytest.mark.parametrize("crash_point", ["_apply_deltas", "_drop"])
def test_a_flush_failing_before_or_after_its_commit_loses_nothing_and_doubles_nothing(flush_app, monkeypatch,
                                                                                      crash_point):
    holders = new_holders(flush_app)
    logged = run_calls(flush_app, holders, 9, "before")
    monkeypatch.setattr(flush_module, crash_point, _fail)
    with pytest.raises(SimulatedCrash):
        flush(flush_app)
    monkeypatch.undo()
    logged += run_calls(flush_app, holders, 6, "during")  # calls go on while the batch is stuck in flight
    recovery = flush(flush_app)
    stuck, fresh = recovery.applied + recovery.skipped, recovery.applied[-1]
    assert (len(recovery.skipped), len(recovery.applied)) == ((1, 1) if crash_point == "_drop" else (0, 2))
    assert sorted(stuck) == [fresh - 1, fresh]
    assert columns(flush_app, holders) == expected(logged)
    assert flush(flush_app).applied == ()


def _killed_mid_flush(settings: dict, crash_point: str) -> None:
    """A worker process killed (no cleanup at all) at ``crash_point`` of a flush; runs in a child process."""
    app = create_app(settings)
    flush_module.LOCK_TTL_MS = 1500
    setattr(flush_module, crash_point, lambda *args, **kwargs: os._exit(KILLED))
    with app.app_context():
        flush_to_db()
    os._exit(0)


@pytest.mark.parametrize("crash_point", ["_apply_deltas", "_drop"])
def test_a_worker_killed_mid_flush_is_recovered_by_the_next_flush(flush_app, settings, crash_point):
    holders = new_holders(flush_app)
    logged = run_calls(flush_app, holders, 10, "a")
    child = multiprocessing.get_context("spawn").Process(target=_killed_mid_flush, args=(settings, crash_point))
    child.start()
    child.join(120)
    assert child.exitcode == KILLED
    logged += run_calls(flush_app, holders, 5, "b")
    assert flush(flush_app).busy  # the dead worker's lock holds until it expires
    time.sleep(1.6)
    recovery = flush(flush_app)
    assert len(recovery.applied + recovery.skipped) == 2
    assert len(recovery.skipped) == (1 if crash_point == "_drop" else 0)
    assert columns(flush_app, holders) == expected(logged)


def test_concurrent_flushers_and_callers_apply_each_batch_once(flush_app):
    everyone = [new_holders(flush_app) for _ in range(4)]
    stop, results = threading.Event(), []

    def keep_flushing() -> None:
        while not stop.is_set():
            results.append(flush(flush_app))
            with flush_app.app_context():
                db.session.remove()

    flushers = [threading.Thread(target=keep_flushing) for _ in range(3)]
    for thread in flushers:
        thread.start()
    with ThreadPoolExecutor(max_workers=4) as pool:
        logged = list(pool.map(lambda pair: run_calls(flush_app, pair[1], 40, f"w{pair[0]}"), enumerate(everyone)))
    stop.set()
    for thread in flushers:
        thread.join()
    applied = [seq for result in results for seq in result.applied]
    assert len(applied) == len(set(applied)) and not any(result.skipped for result in results)
    for holders, calls in zip(everyone, logged):
        assert columns(flush_app, holders) == expected(calls)


def test_a_worker_that_outlived_its_lock_cannot_apply_a_batch_twice(flush_app, monkeypatch):
    holders = new_holders(flush_app)
    logged = run_calls(flush_app, holders, 3, "a")
    flush(flush_app)  # the watermark row exists from here on
    logged += run_calls(flush_app, holders, 8, "b")
    monkeypatch.setattr(flush_module, "LOCK_TTL_MS", 200)
    inside, resume, results = threading.Event(), threading.Event(), {}
    real_apply = flush_module._apply_deltas

    def stall_in_slow_worker(connection, deltas):
        if threading.current_thread().name == "slow":
            inside.set()
            resume.wait(30)
        return real_apply(connection, deltas)

    monkeypatch.setattr(flush_module, "_apply_deltas", stall_in_slow_worker)

    def flush_as(name: str) -> None:
        results[name] = flush(flush_app)

    slow = threading.Thread(target=flush_as, args=("slow",), name="slow")
    slow.start()
    assert inside.wait(30)
    time.sleep(0.3)  # its lock has expired; a second worker takes over the same batch
    fast = threading.Thread(target=flush_as, args=("fast",), name="fast")
    fast.start()
    time.sleep(0.5)  # the second worker now waits on the batch-number row the first one holds
    resume.set()
    slow.join(30)
    fast.join(30)
    assert results["slow"].applied == results["fast"].skipped and len(results["slow"].applied) == 1
    assert columns(flush_app, holders) == expected(logged)


def test_a_separate_log_database_gets_each_row_once_even_if_a_worker_dies_between_the_commits(
        tmp_path, redis_url, monkeypatch):
    require_service("postgresql")
    log_dsn = databases.create_database("postgresql")
    app = build_app({"SQLITE_PATH": str(tmp_path / "main.db")}, LOG_SQL_DSN=log_dsn, REDIS_CONN_STRING=redis_url,
                    **REDIS_MODE)
    try:
        holders = new_holders(app)
        logged = run_calls(app, holders, 9, "a")
        monkeypatch.setattr(flush_module, "_insert_logs", _fail)  # the deltas commit, the log rows do not
        with pytest.raises(SimulatedCrash):
            flush(app)
        monkeypatch.undo()
        logged += run_calls(app, holders, 5, "b")
        recovery = flush(app)
        assert len(recovery.applied) == 2 and recovery.skipped == ()
        assert columns(app, holders) == expected(logged)
        with app.app_context():
            with db.engines["logs"].connect() as connection:
                recorded = connection.execute(select(Option.value).where(Option.key == WATERMARK_OPTION)).scalar()
        assert recorded == str(recovery.applied[-1])
    finally:
        dispose(app)
        databases.drop_database("postgresql", log_dsn)


def test_the_celery_task_flushes_the_ledger(flush_app):
    holders = new_holders(flush_app)
    logged = run_calls(flush_app, holders, 6, "a")
    with flush_app.app_context():
        outcome = flush_quota_ledger.apply().get()
    assert outcome["applied"] and outcome["logs_written"] == len(logged) and not outcome["busy"]
    assert columns(flush_app, holders) == expected(logged)


def test_without_redis_there_is_nothing_to_flush(app):
    with app.app_context():
        assert flush_to_db() == FlushResult()
