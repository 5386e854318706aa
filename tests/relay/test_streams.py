"""Every way a relayed stream can end (app/relay/streaming.py) as a client sees it, and what each one costs."""

from __future__ import annotations

import json
import math
import time

import pytest
import requests

from tests.conftest import LiveServer, build_app, dispose
from tests.relay.conftest import make_setup

HELLO = [{"role": "user", "content": "Say hello"}]
REPLY = "Hello from the mock upstream."


def expected_quota(prompt_tokens: int, completion_tokens: int) -> int:
    """gpt-4o-mini in the default group: ceil((prompt + completion × 4) × 0.075), never below 1."""
    return max(1, math.ceil((prompt_tokens + completion_tokens * 4) * 0.075))


def stream_chat(setup, **body) -> requests.Response:
    payload = {"model": "gpt-4o-mini", "messages": HELLO, "stream": True, **body}
    return requests.post(f"{setup.url}/v1/chat/completions", json=payload, timeout=15,
                         headers={"Authorization": f"Bearer {setup.key}"})


def sse_payloads(text: str) -> list[str]:
    """The data of every event in a raw SSE body, in order."""
    payloads = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        data = [line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")]
        if data:
            payloads.append("\n".join(data))
    return payloads


def json_events(payloads: list[str]) -> list[dict]:
    return [json.loads(payload) for payload in payloads if payload != "[DONE]"]


def relayed_text(events: list[dict]) -> str:
    return "".join(choice["delta"].get("content") or "" for event in events for choice in event.get("choices") or ())


def assert_money_conserved(before: dict, after: dict) -> None:
    user_delta = after["user_quota"] - before["user_quota"]
    token_delta = after["token_remain"] - before["token_remain"]
    logged = after["log_quota"] - before["log_quota"]
    assert user_delta == token_delta == -logged, (before, after)
    assert after["channel_used"] - before["channel_used"] == logged, (before, after)
    assert after["user_used"] - before["user_used"] == logged, (before, after)


def wait_for_logs(setup, count: int, within: float) -> list:
    deadline = time.monotonic() + within
    while True:
        rows = setup.logs()
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.02)


@pytest.fixture
def slow_gateway(tmp_path, mock_upstream):
    """A gateway whose RELAY_TIMEOUT is one second, with a funded key on the mock upstream."""
    application = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, RELAY_TIMEOUT="1")
    with LiveServer(application) as server:
        yield make_setup(application, server.url, mock_upstream.url)
    dispose(application)


# FINISHED


def test_stream_yields_reply_pieces_and_bills_upstream_usage_once(relay, mock_upstream):
    before = relay.balances()
    stream = relay.client().chat.completions.create(model="gpt-4o-mini", messages=HELLO, stream=True)
    pieces = [chunk.choices[0].delta.content for chunk in stream if chunk.choices and chunk.choices[0].delta.content]

    assert len(pieces) == 5 and "".join(pieces) == REPLY
    (log,) = relay.logs()
    # The mock's own count: "Say hello" is 2 words + 3 per message; 5 pieces of reply.
    assert (log.prompt_tokens, log.completion_tokens, log.quota) == (5, 5, expected_quota(5, 5))
    assert log.is_stream is True
    after = relay.balances()
    assert after["log_count"] - before["log_count"] == 1 and after["requests"] - before["requests"] == 1
    assert_money_conserved(before, after)


def test_stream_ends_with_done_event_when_upstream_finishes(relay):
    response = stream_chat(relay)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    payloads = sse_payloads(response.text)
    assert payloads[-1] == "[DONE]" and payloads.count("[DONE]") == 1
    events = json_events(payloads)
    assert not any("error" in event for event in events)
    assert relayed_text(events) == REPLY


def test_stream_sends_usage_chunk_when_client_asks_for_it(relay):
    stream = relay.client().chat.completions.create(model="gpt-4o-mini", messages=HELLO, stream=True,
                                                    stream_options={"include_usage": True})
    chunks = list(stream)

    usage_chunks = [chunk for chunk in chunks if chunk.usage is not None]
    assert len(usage_chunks) == 1 and usage_chunks[0] is chunks[-1]
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (5, 5)
    (log,) = relay.logs()
    assert log.quota == expected_quota(5, 5)


def test_stream_omits_usage_chunk_when_client_did_not_ask_but_still_asks_upstream(relay, mock_upstream):
    response = stream_chat(relay)

    events = json_events(sse_payloads(response.text))
    assert events and not any(event.get("usage") for event in events)
    assert all(event.get("choices") for event in events)  # no choice-less usage chunk leaked through
    assert mock_upstream.requests[-1].json["stream_options"] == {"include_usage": True}
    (log,) = relay.logs()
    # Billed with the usage the gateway asked for and kept to itself, not a count of its own.
    assert (log.prompt_tokens, log.completion_tokens) == (5, 5)


def test_stream_without_upstream_usage_is_billed_by_counting_tokens(relay, mock_upstream):
    mock_upstream.behaviour.omit_usage = True
    before = relay.balances()

    response = stream_chat(relay)

    payloads = sse_payloads(response.text)
    assert payloads[-1] == "[DONE]"
    (log,) = relay.logs()
    assert log.prompt_tokens > 0 and log.completion_tokens > 0
    assert log.quota == expected_quota(log.prompt_tokens, log.completion_tokens) > 0
    assert_money_conserved(before, relay.balances())


def test_stream_without_upstream_usage_still_sends_usage_chunk_when_asked(relay, mock_upstream):
    mock_upstream.behaviour.omit_usage = True

    chunks = list(relay.client().chat.completions.create(model="gpt-4o-mini", messages=HELLO, stream=True,
                                                         stream_options={"include_usage": True}))

    assert chunks[-1].usage is not None
    usage = chunks[-1].usage
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    (log,) = relay.logs()
    # The client is told exactly what it was billed for.
    assert (log.prompt_tokens, log.completion_tokens) == (usage.prompt_tokens, usage.completion_tokens)


# CUT_OFF


def test_stream_cut_off_by_upstream_ends_with_error_event_and_no_done(relay, mock_upstream):
    mock_upstream.behaviour.reset_after_chunks = 3  # the role chunk and two pieces of text, then a reset
    before = relay.balances()

    response = stream_chat(relay)

    assert response.status_code == 200
    payloads = sse_payloads(response.text)
    assert "[DONE]" not in payloads
    events = json_events(payloads)
    assert "error" in events[-1]
    error = events[-1]["error"]
    assert error["code"] == "upstream_cut_off"
    assert error["message"].endswith(f"(request id: {response.headers['X-Oneapi-Request-Id']})")
    assert relayed_text(events) == "Hello from t"  # what arrived before the break is kept
    (log,) = relay.logs()
    assert log.prompt_tokens > 0 and log.completion_tokens > 0
    assert log.quota == expected_quota(log.prompt_tokens, log.completion_tokens) > 0
    assert_money_conserved(before, relay.balances())


# TIMED_OUT


def test_stream_that_stalls_past_relay_timeout_ends_with_timeout_error_event(slow_gateway, mock_upstream):
    mock_upstream.behaviour.chunk_interval = 2  # the opening chunk comes at once, the next after 2 s
    before = slow_gateway.balances()
    started = time.monotonic()

    response = stream_chat(slow_gateway)

    assert time.monotonic() - started < 1.9  # the gateway gave up before the upstream's next chunk
    payloads = sse_payloads(response.text)
    assert "[DONE]" not in payloads
    events = json_events(payloads)
    assert events[-1]["error"]["code"] == "upstream_timeout"
    relayed = [event for event in events if "choices" in event]
    assert relayed, "the opening chunk should have reached the client before the stall"
    # Something was relayed, so the prompt is billed (the opening chunk carries no text).
    (log,) = slow_gateway.logs()
    assert log.completion_tokens == 0 and log.prompt_tokens > 0
    assert log.quota == expected_quota(log.prompt_tokens, 0)
    assert_money_conserved(before, slow_gateway.balances())


def test_stream_that_never_starts_within_relay_timeout_is_refunded(slow_gateway, mock_upstream):
    mock_upstream.behaviour.latency = 2  # no status line before the timeout: nothing is relayed
    before = slow_gateway.balances()

    response = stream_chat(slow_gateway)

    assert response.status_code == 504
    error = response.json()["error"]
    assert error["message"].endswith(f"(request id: {response.headers['X-Oneapi-Request-Id']})")
    assert slow_gateway.logs() == []
    assert slow_gateway.balances() == before


# CLIENT_GONE


def test_client_disconnect_stops_the_upstream_read_and_bills_what_was_generated(relay, mock_upstream):
    # 50 pieces 0.1 s apart: a gateway that read on to the end would take 5 s.
    mock_upstream.behaviour.reply_text = "word " * 100
    mock_upstream.behaviour.chunk_count = 50
    mock_upstream.behaviour.chunk_interval = 0.1
    before = relay.balances()
    started = time.monotonic()

    response = requests.post(f"{relay.url}/v1/chat/completions", stream=True, timeout=15,
                             headers={"Authorization": f"Bearer {relay.key}"},
                             json={"model": "gpt-4o-mini", "messages": HELLO, "stream": True})
    received = []
    for line in response.iter_lines():
        if line.startswith(b"data:"):
            received.append(line)
        if len(received) == 2:
            break
    response.close()
    closed = time.monotonic()

    (log,) = wait_for_logs(relay, 1, within=2.0)
    billed_after = time.monotonic() - closed
    assert billed_after < 2.0
    assert time.monotonic() - started < 3.0
    # The whole reply would be about 100 tokens; the gateway stopped after a handful of pieces.
    assert 0 < log.completion_tokens < 25
    assert log.quota == expected_quota(log.prompt_tokens, log.completion_tokens)
    time.sleep(0.3)  # nothing more is billed later, however the abandoned stream winds down
    assert len(relay.logs()) == 1
    assert_money_conserved(before, relay.balances())


# A stream answered with an error in disguise


def test_stream_answered_with_json_error_and_status_200_gives_openai_error_and_refund(relay, mock_upstream):
    mock_upstream.behaviour.status = 200  # a JSON error body with 200, as Baidu and Zhipu answer streams
    mock_upstream.behaviour.error_message = "The engine is busy right now."
    before = relay.balances()

    response = stream_chat(relay)

    assert 400 <= response.status_code < 600
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert {"message", "type", "code"} <= set(error)
    assert error["message"].startswith("The engine is busy right now.")
    assert error["message"].endswith(f"(request id: {response.headers['X-Oneapi-Request-Id']})")
    assert relay.logs() == []
    assert relay.balances() == before
