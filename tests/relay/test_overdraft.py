"""No overdraft: replies capped to what the balance affords, streams stopped at their reservation, and the one
documented way below zero (a non-streamed reply from an upstream that ignores max_tokens) said in its log row."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import openai
import orjson
import pytest
import requests

from app.billing.flush import flush_to_db
from app.billing.ledger import Account, current_ledger
from app.billing.pricing import Price
from app.relay.metering import MIN_REPLY_TOKENS
from app.relay.streaming import StreamOutcome
from tests.conftest import LiveServer, build_app, dispose, require_service
from tests.relay.conftest import RelaySetup, make_setup

MINI = Price(0.075, 4, 1)  # gpt-4o-mini's built-in price
STORY = [{"role": "user", "content": "Tell me a long story"}]
LONG_REPLY = 2_000  # pieces of " tok": one token each for the mock's usage and for the gateway's tokenizer
LEDGERS = ("sqlite", "sqlite+redis", "postgresql", "postgresql+redis")


@pytest.fixture(params=LEDGERS)
def ledger_app(request, tmp_path):
    """The embedded default, the Redis ledger over SQLite, and both ledgers over PostgreSQL."""
    database, _, ledger = request.param.partition("+")
    settings = {"SQL_DSN": "", "SQLITE_PATH": str(tmp_path / "tollgate.db")}
    if database == "postgresql":
        require_service("postgresql")
        from tests import databases

        settings = {"SQL_DSN": databases.create_database("postgresql")}
        request.addfinalizer(lambda: databases.drop_database("postgresql", settings["SQL_DSN"]))
    if ledger == "redis":
        settings |= {"REDIS_CONN_STRING": request.getfixturevalue("redis_url"), "BATCH_UPDATE_ENABLED": "true"}
    app = build_app(settings, SQL_MAX_OPEN_CONNS="40", SQL_MAX_IDLE_CONNS="40")
    yield app
    dispose(app)


@pytest.fixture
def long_replies(mock_upstream):
    mock_upstream.behaviour.reply_text = " tok" * LONG_REPLY
    mock_upstream.behaviour.chunk_count = LONG_REPLY
    return mock_upstream.behaviour


def settled(setup: RelaySetup) -> dict:
    """The database's balances once the Redis ledger (if any) has flushed."""
    with setup.app.app_context():
        flush_to_db()
    return setup.balances()


def assert_conserved(before: dict, after: dict) -> None:
    spent = after["log_quota"]
    assert before["token_remain"] - after["token_remain"] == spent
    assert before["user_quota"] - after["user_quota"] == spent
    assert after["token_used"] - before["token_used"] == after["user_used"] - before["user_used"] == spent
    assert after["channel_used"] == spent


def _stream(setup: RelaySetup, **fields) -> tuple[int, list[dict]]:
    """The status and the decoded chunks of one streamed chat."""
    response = requests.post(f"{setup.url}/v1/chat/completions", headers={"Authorization": f"Bearer {setup.key}"},
                             json={"model": "gpt-4o-mini", "messages": STORY, "stream": True, **fields},
                             stream=True, timeout=60)
    if response.status_code != 200:
        assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_quota"
        return 403, []
    events = [line[6:] for line in response.iter_lines() if line.startswith(b"data: ")]
    assert events[-1] == b"[DONE]", events[-3:]
    return 200, [orjson.loads(event) for event in events[:-1]]


def _finish_reasons(chunks: list[dict]) -> dict[int, str]:
    return {choice["index"]: choice["finish_reason"] for chunk in chunks for choice in chunk.get("choices", ())
            if choice.get("finish_reason")}


def _relayed_text(chunks: list[dict]) -> str:
    return "".join((choice.get("delta") or {}).get("content") or "" for chunk in chunks
                   for choice in chunk.get("choices", ()))


# --- many streams on a key worth a few --------------------------------------------------------------------

@pytest.mark.parametrize("ignore_max_tokens", [False, True], ids=["honoured", "ignored"])
def test_twenty_concurrent_long_streams_never_overdraw_a_key_worth_a_few(ledger_app, long_replies, mock_upstream,
                                                                        ignore_max_tokens):
    long_replies.ignore_max_tokens = ignore_max_tokens
    long_replies.chunk_interval = 0.0005  # the streams overlap: ~1 s each
    with LiveServer(ledger_app) as live:
        # max_tokens 500 reserves about 151; the key affords three of those and a capped fourth.
        setup = make_setup(ledger_app, live.url, mock_upstream.url, token_quota=500, models="gpt-4o-mini")
        before = settled(setup)
        lowest, stop = [], threading.Event()
        watcher = threading.Thread(target=_watch_balance, args=(setup, lowest, stop))
        watcher.start()
        try:
            with ThreadPoolExecutor(max_workers=20) as pool:
                results = list(pool.map(lambda _: _stream(setup, max_tokens=500), range(20)))
        finally:
            stop.set()
            watcher.join()
        after = settled(setup)

    statuses = [status for status, _ in results]
    assert 3 <= statuses.count(200) and statuses.count(403) >= 1, statuses
    assert min(lowest) >= 0 and after["token_remain"] >= 0 and after["user_quota"] >= 0
    assert_conserved(before, after)
    assert after["log_count"] == statuses.count(200)
    # The balance left after the full reservations was not refused but sent as a shorter max_tokens.
    assert any(request.json["max_tokens"] < 500 for request in mock_upstream.requests)
    for status, chunks in results:
        if status == 200:
            assert set(_finish_reasons(chunks).values()) == {"length"}


def _watch_balance(setup: RelaySetup, lowest: list[int], stop: threading.Event) -> None:
    account = Account(setup.user_id, setup.token_id, token_unlimited=False)
    with setup.app.app_context():
        while not stop.wait(0.02):
            lowest.append(current_ledger().balances(account).spendable)


# --- a low balance caps the reply -------------------------------------------------------------------------

def test_a_low_balance_sends_the_max_tokens_it_affords_and_the_reply_ends_with_length(relay, long_replies,
                                                                                     mock_upstream):
    setup = make_setup(relay.app, relay.url, mock_upstream.url, token_quota=60, models="gpt-4o-mini")
    before = setup.balances()
    reply = setup.client().chat.completions.create(model="gpt-4o-mini", messages=STORY)
    after = setup.balances()

    limit = mock_upstream.requests[-1].json["max_completion_tokens"]
    # About (60 / 0.075 - the prompt) / 4 tokens: the most whose reservation fits in 60.
    assert 180 <= limit < 200 and "max_tokens" not in mock_upstream.requests[-1].json
    assert reply.choices[0].finish_reason == "length" and reply.usage.completion_tokens == limit
    assert after["token_remain"] >= 0 and after["log_quota"] <= 60
    assert_conserved(before, after)
    assert "overdraft" not in setup.logs()[-1].content


def test_a_low_balance_caps_a_stream_the_same_way(relay, long_replies, mock_upstream):
    setup = make_setup(relay.app, relay.url, mock_upstream.url, token_quota=60, models="gpt-4o-mini")
    status, chunks = _stream(setup, max_tokens=4_000)
    limit = mock_upstream.requests[-1].json["max_tokens"]  # the field the client used
    assert status == 200 and 180 <= limit < 200 and _finish_reasons(chunks) == {0: "length"}
    assert setup.balances()["token_remain"] >= 0


def test_a_balance_below_the_minimum_useful_reply_is_refused(relay, long_replies, mock_upstream):
    # The prompt and MIN_REPLY_TOKENS (16) reply tokens cost ceil((p + 64) × 0.075) ≥ 5; 4 affords about 10.
    assert MINI.affordable_completion_tokens(12, 4) < MIN_REPLY_TOKENS
    setup = make_setup(relay.app, relay.url, mock_upstream.url, token_quota=4, models="gpt-4o-mini")
    with pytest.raises(openai.PermissionDeniedError) as refused:
        setup.client().chat.completions.create(model="gpt-4o-mini", messages=STORY)
    assert refused.value.body["code"] == "insufficient_quota"
    assert mock_upstream.requests == [] and setup.balances()["token_remain"] == 4


def test_a_user_balance_caps_the_reply_of_an_unlimited_key(relay, long_replies, mock_upstream):
    setup = make_setup(relay.app, relay.url, mock_upstream.url, user_quota=60, unlimited=True, models="gpt-4o-mini")
    reply = setup.client().chat.completions.create(model="gpt-4o-mini", messages=STORY, n=2)
    limit = mock_upstream.requests[-1].json["max_completion_tokens"]
    assert 90 <= limit < 100 and {choice.finish_reason for choice in reply.choices} == {"length"}
    assert reply.usage.completion_tokens == 2 * limit and setup.balances()["user_quota"] >= 0


# --- an upstream that ignores max_tokens ------------------------------------------------------------------

def test_an_upstream_ignoring_max_tokens_overdraws_by_one_call_at_most_and_says_so(relay, long_replies, mock_upstream):
    long_replies.ignore_max_tokens = True
    setup = make_setup(relay.app, relay.url, mock_upstream.url, token_quota=500, models="gpt-4o-mini")
    before = setup.balances()
    outcomes = []
    for _ in range(3):
        try:
            setup.client().chat.completions.create(model="gpt-4o-mini", messages=STORY, n=4)
            outcomes.append(200)
        except openai.PermissionDeniedError:
            outcomes.append(403)
    after = setup.balances()

    assert outcomes == [200, 403, 403] and len(mock_upstream.requests) == 1
    (log,) = setup.logs()
    assert log.completion_tokens == 4 * LONG_REPLY  # what the upstream sent, billed in full
    assert after["token_remain"] == 500 - log.quota < 0
    reserved = int(re.search(r"charged (\d+) against (\d+) reserved", log.content).group(2))
    assert "overdraft" in log.content and reserved <= 500  # the call held no more than the key had
    assert_conserved(before, after)


def test_streams_from_an_upstream_ignoring_max_tokens_stop_at_the_reservation(relay, long_replies, mock_upstream):
    long_replies.ignore_max_tokens = True
    setup = make_setup(relay.app, relay.url, mock_upstream.url, token_quota=500, models="gpt-4o-mini")
    before = setup.balances()
    status, chunks = _stream(setup, n=4, stream_options={"include_usage": True})
    after = setup.balances()

    limit = mock_upstream.requests[-1].json["max_completion_tokens"]
    assert status == 200 and _finish_reasons(chunks) == {0: "length", 1: "length", 2: "length", 3: "length"}
    assert _relayed_text(chunks).count(" tok") <= 4 * limit  # nothing past the reservation was relayed
    (log,) = setup.logs()
    usage = chunks[-1]["usage"]
    assert usage["completion_tokens"] == log.completion_tokens == 4 * limit
    assert log.quota == MINI.reservation(log.prompt_tokens, 4 * limit) <= 500  # exactly the reservation
    assert after["token_remain"] >= 0 and "overdraft" not in log.content
    assert_conserved(before, after)


# --- the running count ------------------------------------------------------------------------------------

def test_stream_outcome_passes_its_budget_only_on_an_exact_count():
    outcome = StreamOutcome(prompt_tokens=3, model="gpt-4o-mini", completion_budget=10)
    for _ in range(10):
        outcome.add_text(" tok")  # 4 bytes each: the cheap bound passes 10 early, the exact count does not
    assert not outcome.over_budget and outcome.counter.total() == 10
    outcome.add_text(" tok")
    assert outcome.over_budget


def test_stream_outcome_without_a_budget_never_stops():
    outcome = StreamOutcome(prompt_tokens=3, model="gpt-4o-mini")
    outcome.add_text(" tok" * 10_000)
    assert not outcome.over_budget
