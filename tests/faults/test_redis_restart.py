"""Redis stopped for 3 s under load and started again: batching keeps bills in Redis until they are
flushed, so it runs only on a Redis that persists every write (AOF) — and across the restart no call
answered 200 goes unbilled, no reservation stays open, and the admin API never answers 5xx."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import ROOT_PASSWORD, require_service
from tests.faults.deployment import RedisServer, assert_conserved, deployment
from tests.workers.cluster import ROOT

PROMPT = [{"role": "user", "content": "Say something about persistence."}]
OUTAGE_SECONDS = 3


def chat(url: str, key: str) -> int:
    try:
        response = requests.post(f"{url}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                                 json={"model": "gpt-4o-mini", "messages": PROMPT}, timeout=30)
        return response.status_code
    except requests.RequestException:
        return 0


def keep_calling(url: str, key: str, stop: threading.Event, statuses: list[int]) -> None:
    while not stop.is_set():
        statuses.append(chat(url, key))


def test_a_redis_restart_under_load_loses_no_bill(tmp_path, mock_upstream):
    # A reservation whose reply the outage cut off (Redis ran the script, then dropped the connection) is
    # left open, like a dead worker's: the sweeper closes it once its lease has passed.
    with deployment("postgresql+redis", tmp_path, env={"RESERVATION_LEASE": "3", "RESERVATION_SWEEP_INTERVAL": "1"}) \
            as gate:
        setup = gate.fund(mock_upstream.url, user_quota=50_000_000, token_quota=50_000_000, models="gpt-4o-mini")
        before = setup.balances()
        stop, statuses, api = threading.Event(), [], []
        with ThreadPoolExecutor(17) as pool:
            callers = [pool.submit(keep_calling, gate.url, setup.key, stop, statuses) for _ in range(16)]
            watcher = pool.submit(keep_calling_api, gate.url, stop, api)
            time.sleep(1.5)
            gate.redis_server.stop()  # SIGTERM: Redis writes its AOF out, as a service restart does
            time.sleep(OUTAGE_SECONDS)
            gate.redis_server.start()
            time.sleep(2)
            stop.set()
            for future in [*callers, watcher]:
                future.result()
        answered = statuses.count(200)
        assert answered > 50 and set(statuses) <= {200, 503}, {status: statuses.count(status) for status in set(statuses)}
        assert 503 in statuses, "the outage refused no call: it did not happen under load"
        assert len(api) > 100 and all(status < 500 for status in api), sorted(set(api))
        after = gate.settled(setup)
        assert_conserved(before, after)
        assert after["log_count"] - before["log_count"] == answered, "a call answered 200 has no bill"
        assert after["requests"] - before["requests"] == answered


ADMIN_PATHS = ("/api/status", "/login", "/api/user/self", "/api/token/?p=0", "/api/channel/?p=0", "/api/log/?p=0",
               "/api/option/")


def keep_calling_api(url: str, stop: threading.Event, statuses: list[int]) -> None:
    """Root using the admin API and the UI's pages throughout."""
    session = requests.Session()
    assert session.post(f"{url}/api/user/login", json={"username": "root", "password": ROOT_PASSWORD},
                        timeout=10).json()["success"]
    while not stop.is_set():
        for path in ADMIN_PATHS:
            try:
                statuses.append(session.get(f"{url}{path}", timeout=10).status_code)
            except requests.RequestException:
                statuses.append(599)
        time.sleep(0.05)


@pytest.mark.parametrize("options, env, refused", [
    (("--appendonly", "no"), {}, "appendonly yes"),
    (("--rename-command", "CONFIG", ""), {}, "REDIS_PERSISTENCE_VERIFIED"),
    (("--rename-command", "CONFIG", ""), {"REDIS_PERSISTENCE_VERIFIED": "true"}, None),
    ((), {}, None),
])
def test_batching_refuses_to_start_on_a_redis_that_forgets(tmp_path, options, env, refused):
    require_service("redis")
    redis_server = RedisServer(tmp_path / "redis", *options).start()
    try:
        settings = {"SQLITE_PATH": str(tmp_path / "t.db"), "SQL_DSN": "", "REDIS_CONN_STRING": redis_server.url,
                    "BATCH_UPDATE_ENABLED": "true", "SESSION_SECRET": "x" * 32, **env}
        result = subprocess.run([sys.executable, "-m", "app.server", "migrate", "--log-dir", str(tmp_path / "logs")],
                                cwd=ROOT, env={**os.environ, **settings}, capture_output=True, text=True, timeout=60)
    finally:
        redis_server.stop()
    if refused is None:
        assert result.returncode == 0, result.stderr[-2000:]
    else:
        assert result.returncode != 0
        message = result.stderr.strip().splitlines()[-1]
        assert message.startswith("tollgate: configuration error: BATCH_UPDATE_ENABLED=true needs a Redis")
        assert refused in message
