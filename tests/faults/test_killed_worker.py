"""SIGKILL of a Gunicorn worker under load (what an OOM kill or a heartbeat-timeout kill does): the
reservations of its in-flight calls are swept — settled at their last recorded cost or refunded — so the
logs account for every unit spent, on the embedded default and on PostgreSQL + Redis with batching."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.faults.deployment import KINDS, assert_conserved, deployment, kill_worker
from tests.workers.cluster import wait_until

LEASE, SWEEP = 3, 1  # seconds: a dead request's hold is closed within LEASE + SWEEP (+ a flush with Redis)
PROMPT = [{"role": "user", "content": "Tell me a long story about quotas."}]


def call(url: str, key: str, *, stream: bool) -> int:
    """One chat call; a connection the killed worker drops counts as status 0."""
    body = {"model": "gpt-4o-mini", "messages": PROMPT, "stream": stream, "max_tokens": 200}
    try:
        with requests.post(f"{url}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"},
                           timeout=30, stream=stream) as response:
            for _ in response.iter_content(chunk_size=None):
                pass
            return response.status_code
    except requests.RequestException:
        return 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_worker_killed_under_load_leaves_no_reservation_unaccounted(kind, tmp_path, mock_upstream):
    # Streams of 20 pieces 100 ms apart: at any moment dozens are in flight in both workers.
    mock_upstream.behaviour.chunk_count = 20
    mock_upstream.behaviour.chunk_interval = 0.1
    env = {"RESERVATION_LEASE": str(LEASE), "RESERVATION_SWEEP_INTERVAL": str(SWEEP)}
    with deployment(kind, tmp_path, env=env) as gate:
        setup = gate.fund(mock_upstream.url, user_quota=50_000_000, token_quota=50_000_000, models="gpt-4o-mini")
        before = setup.balances()
        statuses: list[int] = []
        with ThreadPoolExecutor(40) as pool:
            futures = [pool.submit(call, gate.url, setup.key, stream=number % 3 != 0) for number in range(160)]
            wait_until(lambda: gate.open_holds() >= 20, timeout=30, what="calls to be in flight", interval=0.02)
            time.sleep(LEASE / 3 + 0.3)  # long enough for the first streams to record what they have relayed
            victim = gate.worker_pids()[0]
            kill_worker(victim)
            statuses = [future.result() for future in futures]
        assert statuses.count(0) > 0, "the kill cut no call: it did not happen under load"
        assert statuses.count(200) > 0
        after = gate.settled(setup, timeout=60)  # every hold closed, every batch flushed
        charged = assert_conserved(before, after)
        assert charged > 0
        assert after["user_quota"] >= 0 and after["token_remain"] >= 0
        assert "Swept the reservations" in gate.log_text()
        swept = [row for row in setup.logs() if "stopped before it finished" in (row.content or "")]
        assert swept and all(0 < row.quota for row in swept), "no killed stream was charged what it had relayed"
        assert victim not in gate.worker_pids()  # Gunicorn replaced it
