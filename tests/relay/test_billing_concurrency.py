"""Quota under concurrency, on SQLite, PostgreSQL and MariaDB: never overdrawn, every unit accounted for."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app.extensions import db
from app.models import Option
from app.options import current as current_options
from tests.conftest import LiveServer, build_app, dispose
from tests.relay.conftest import make_setup

# A model priced at ratio 1 both ways, so that with max_tokens=1 the reservation (9 prompt tokens by
# tiktoken + 1) equals the mock's bill (5 + 5, its five-piece reply sent whatever max_tokens says): a token
# holding 10 calls' worth admits exactly 10.
FLAT_PRICES = {"ModelRatio": '{"flat-model": 1}', "CompletionRatio": '{"flat-model": 1}'}
CALL_COST = 10
CALLS_BY_DATABASE = {"sqlite": 50, "postgresql": 200, "mysql": 200}


@pytest.fixture
def flat_priced_app(empty_database):
    # A bounded pool, as production should have: 200 requests share 40 connections instead of asking
    # the database for 200 (PostgreSQL's default limit is 100).
    app = build_app(empty_database, SQL_MAX_OPEN_CONNS="40", SQL_MAX_IDLE_CONNS="40")
    with app.app_context():
        db.session.add_all(Option(key=key, value=value) for key, value in FLAT_PRICES.items())
        db.session.commit()
        current_options().reload()
    yield app
    dispose(app)


def _call(url: str, key: str) -> int:
    response = requests.post(f"{url}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"}, timeout=120,
                             json={"model": "flat-model", "max_tokens": 1,
                                   "messages": [{"role": "user", "content": "Say hello"}]})
    if response.status_code != 200:
        assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_quota", response.text
    return response.status_code


def test_a_key_worth_ten_calls_admits_exactly_ten_under_a_stampede(flat_priced_app, database_kind, mock_upstream):
    calls = CALLS_BY_DATABASE[database_kind]
    mock_upstream.behaviour.ignore_max_tokens = True
    with LiveServer(flat_priced_app) as live:
        setup = make_setup(flat_priced_app, live.url, mock_upstream.url, token_quota=10 * CALL_COST,
                           user_quota=1_000_000, models="flat-model")
        before = setup.balances()
        with ThreadPoolExecutor(max_workers=calls) as pool:
            statuses = list(pool.map(lambda _: _call(live.url, setup.key), range(calls)))
        after = setup.balances()

    assert statuses.count(200) == 10
    assert after["token_remain"] == 0 and after["user_quota"] >= 0
    spent = after["log_quota"]
    assert spent == 10 * CALL_COST and after["log_count"] == 10
    assert before["token_remain"] - after["token_remain"] == spent
    assert before["user_quota"] - after["user_quota"] == spent
    assert after["token_used"] == after["user_used"] == after["channel_used"] == spent
    assert after["requests"] == 10
    assert len(mock_upstream.requests) == 10  # refused calls never reached the upstream


def test_user_balance_is_the_limit_when_the_key_is_unlimited(flat_priced_app, database_kind, mock_upstream):
    calls = CALLS_BY_DATABASE[database_kind] // 2
    mock_upstream.behaviour.ignore_max_tokens = True
    with LiveServer(flat_priced_app) as live:
        setup = make_setup(flat_priced_app, live.url, mock_upstream.url, user_quota=7 * CALL_COST, unlimited=True,
                           models="flat-model")
        with ThreadPoolExecutor(max_workers=calls) as pool:
            statuses = list(pool.map(lambda _: _call(live.url, setup.key), range(calls)))
        after = setup.balances()
    assert statuses.count(200) == 7
    assert after["user_quota"] == 0 and after["log_quota"] == 7 * CALL_COST == after["user_used"]
    assert after["token_used"] == 7 * CALL_COST  # tracked for unlimited keys too (One API leaves it at 0)
