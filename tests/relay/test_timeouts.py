"""Timeouts on every upstream wait: a silent upstream fails its attempt and the next channel answers, with
the reservation refunded; a stream that goes silent mid-way ends with an SSE error event, billed for what
was relayed. Nothing waits past its timeout plus a second."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from tests import factories
from tests.conftest import LiveServer, build_app, dispose, set_options
from tests.relay.conftest import make_setup
from tests.relay.test_streams import (
    HELLO, REPLY, assert_money_conserved, expected_quota, json_events, relayed_text, sse_payloads, stream_chat,
)

TIMEOUT = 1  # seconds, for every wait
STREAM_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"


class Blackhole:
    """An upstream that accepts connections and never answers (or, with ``head``, sends only those bytes)."""

    def __init__(self, head: bytes = b"") -> None:
        self.head = head
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            if self.head:
                connection.recv(65536)
                connection.sendall(self.head)

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def timed_gateway(tmp_path):
    application = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, RELAY_CONNECT_TIMEOUT=str(TIMEOUT),
                            RELAY_FIRST_BYTE_TIMEOUT=str(TIMEOUT), RELAY_FIRST_EVENT_TIMEOUT=str(TIMEOUT),
                            RELAY_STREAM_IDLE_TIMEOUT=str(TIMEOUT))
    with LiveServer(application) as server:
        yield application, server.url
    dispose(application)


def behind(timed_gateway, first_url: str, fallback_url: str):
    """A funded key whose first channel is ``first_url`` and whose fallback (one retry) is ``fallback_url``."""
    application, url = timed_gateway
    setup = make_setup(application, url, first_url, priority=10, models="gpt-4o-mini")
    with application.app_context():
        fallback_id = factories.make_channel(fallback_url, priority=0, models="gpt-4o-mini", key="sk-fallback").id
    set_options(application, RetryTimes="1")
    return setup, fallback_id


def chat(setup, **body) -> requests.Response:
    return requests.post(f"{setup.url}/v1/chat/completions", headers={"Authorization": f"Bearer {setup.key}"},
                         json={"model": "gpt-4o-mini", "messages": HELLO, **body}, timeout=15)


def assert_served_once_by(setup, fallback_id: int, before: dict) -> None:
    (log,) = setup.logs()
    assert log.channel_id == fallback_id
    after = setup.balances()
    assert after["log_count"] - before["log_count"] == 1
    assert before["user_quota"] - after["user_quota"] == log.quota  # the hung attempt's hold came back in full
    assert_money_conserved(before, after)


@pytest.mark.parametrize("head", [b"", STREAM_HEAD[:20]], ids=["silent", "half-a-status-line"])
def test_json_call_to_a_silent_upstream_moves_to_the_next_channel(timed_gateway, mock_upstream, head):
    hole = Blackhole(head)
    setup, fallback_id = behind(timed_gateway, hole.url, mock_upstream.url)
    before = setup.balances()
    started = time.monotonic()
    response = chat(setup)
    assert time.monotonic() - started < TIMEOUT + 1
    assert response.status_code == 200 and response.json()["choices"][0]["message"]["content"] == REPLY
    assert hole.connections and len(mock_upstream.requests) == 1
    assert_served_once_by(setup, fallback_id, before)
    hole.close()


@pytest.mark.parametrize("head", [b"", STREAM_HEAD], ids=["no-headers", "headers-then-silence"])
def test_stream_whose_first_event_never_comes_moves_to_the_next_channel(timed_gateway, mock_upstream, head):
    hole = Blackhole(head)
    setup, fallback_id = behind(timed_gateway, hole.url, mock_upstream.url)
    before = setup.balances()
    started = time.monotonic()
    response = stream_chat(setup)
    assert time.monotonic() - started < TIMEOUT + 1
    payloads = sse_payloads(response.text)
    assert payloads[-1] == "[DONE]" and relayed_text(json_events(payloads)) == REPLY
    assert_served_once_by(setup, fallback_id, before)
    hole.close()


def test_slow_json_upstream_within_the_timeout_is_served(timed_gateway, mock_upstream):
    setup, _ = behind(timed_gateway, mock_upstream.url, "http://127.0.0.1:9")
    mock_upstream.behaviour.latency = TIMEOUT / 2
    assert chat(setup).status_code == 200


def test_stream_silent_mid_way_ends_with_an_error_event_billed_for_what_was_relayed(timed_gateway, mock_upstream):
    setup, _ = behind(timed_gateway, mock_upstream.url, "http://127.0.0.1:9")
    mock_upstream.behaviour.chunk_interval = TIMEOUT + 1.5
    before = setup.balances()
    started = time.monotonic()
    response = stream_chat(setup)
    assert time.monotonic() - started < TIMEOUT + 1
    events = json_events(sse_payloads(response.text))
    assert events[-1]["error"]["code"] == "upstream_timeout" and "[DONE]" not in response.text
    (log,) = setup.logs()
    assert log.channel_id == setup.channel_id and log.quota == expected_quota(log.prompt_tokens, 0)
    assert len(mock_upstream.requests) == 1  # something was relayed: no retry
    assert_money_conserved(before, setup.balances())


def test_all_channels_silent_is_a_504_with_everything_refunded(timed_gateway):
    first, second = Blackhole(), Blackhole(STREAM_HEAD)
    setup, _ = behind(timed_gateway, first.url, second.url)
    before = setup.balances()
    started = time.monotonic()
    response = stream_chat(setup)
    assert time.monotonic() - started < 2 * TIMEOUT + 1
    assert response.status_code == 504 and response.json()["error"]["code"] == "upstream_unavailable"
    assert setup.logs() == [] and setup.balances() == before
    first.close()
    second.close()
