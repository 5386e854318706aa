"""A hung upstream (accepts, never answers) and a slow one (silent between stream events), behind real Gunicorn
(2 gevent workers) on both kinds: every call ends within its timeout plus a second, hung attempts move to
the next channel refunded, and Σ log quota == user spent == key spent == channel used."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app.cache import bus
from tests import factories
from tests.conftest import set_options
from tests.faults.deployment import KINDS, assert_conserved, deployment
from tests.relay.test_timeouts import STREAM_HEAD, Blackhole

TIMEOUT = 2  # seconds; the mock must answer well within it with Celery and 16 calls on two cores
WAITS = {"RELAY_CONNECT_TIMEOUT": str(TIMEOUT), "RELAY_FIRST_BYTE_TIMEOUT": str(TIMEOUT),
         "RELAY_FIRST_EVENT_TIMEOUT": str(TIMEOUT), "RELAY_STREAM_IDLE_TIMEOUT": str(TIMEOUT)}


def call(gate, key: str, stream: bool) -> tuple[int, str, float]:
    started = time.monotonic()
    response = requests.post(f"{gate.url}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                             json={"model": "gpt-4o-mini", "stream": stream,
                                   "messages": [{"role": "user", "content": "Say hello"}]}, timeout=30)
    return response.status_code, response.text, time.monotonic() - started


@pytest.mark.parametrize("kind", KINDS)
def test_hung_and_slow_upstreams_end_in_time_and_conserve_money(kind, tmp_path, mock_upstream):
    hung, half_open = Blackhole(), Blackhole(STREAM_HEAD)
    with deployment(kind, tmp_path, env=WAITS) as gate:
        setup = gate.fund(hung.url, priority=10, models="gpt-4o-mini")
        with gate.app.app_context():
            factories.make_channel(mock_upstream.url, priority=0, models="gpt-4o-mini", key="sk-fallback")
            factories.make_channel(half_open.url, priority=5, models="gpt-4o-mini", key="sk-half-open")
        set_options(gate.app, RetryTimes="2")
        with gate.app.app_context():
            bus.announce("options")  # with Redis, the workers trust their options until told
        time.sleep(1.5)  # the gateway's workers pick the options and channels up
        before = gate.settled(setup)

        with ThreadPoolExecutor(16) as pool:  # hung: every call falls through to the mock
            hung_results = list(pool.map(lambda i: call(gate, setup.key, stream=bool(i % 2)), range(16)))
        mock_upstream.behaviour.chunk_interval = TIMEOUT + 1.5  # slow: silent after the first event
        with ThreadPoolExecutor(8) as pool:
            slow_results = list(pool.map(lambda i: call(gate, setup.key, stream=True), range(8)))
        after = gate.settled(setup)
    hung.close()
    half_open.close()

    for status, text, elapsed in hung_results:
        assert status == 200 and ("[DONE]" in text or '"choices"' in text), text[:300]
        assert elapsed < 2 * TIMEOUT + 1  # two silent channels, then the mock
    for status, text, elapsed in slow_results:
        assert status == 200 and "upstream_timeout" in text and "[DONE]" not in text, text[:300]
        assert elapsed < 3 * TIMEOUT + 1  # the two silent channels again, then the mock's silence
    charged = assert_conserved(before, after)
    assert after["log_count"] - before["log_count"] == 24 and charged > 0
