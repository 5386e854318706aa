"""30 MB prompts from a zero-quota user and from a stranger, 8 at a time, behind real Gunicorn (2 gevent
workers): refused without counting, while /api/status keeps answering within 200 ms (p99)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import orjson
import pytest
import requests

from tests.faults.deployment import KINDS, deployment

PROMPT = ("lorem ipsum dolor sit amet " * 1_111_112)[:30_000_000]
# Encoded once: eight threads each JSON-encoding 30 MB would hold this process's GIL, and the poller's
# latencies would measure the test, not the gateway.
BODY = orjson.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": PROMPT}]})


# The poller runs in a process of its own: in this one it would wait for the GIL behind the senders, and
# measure the test rather than the gateway.
POLLER = """
import json, os, sys, time
import requests
url, stop_path = sys.argv[1], sys.argv[2]
session, latencies = requests.Session(), []
while not os.path.exists(stop_path):
    started = time.monotonic()
    session.get(url + "/api/status", timeout=30).raise_for_status()
    latencies.append(time.monotonic() - started)
    time.sleep(0.01)
print(json.dumps(latencies))
"""


def send_huge_prompt(url: str, key: str, statuses: list[int]) -> None:
    response = requests.post(f"{url}/v1/chat/completions", data=BODY, timeout=120,
                             headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    statuses.append((response.status_code, response.json()["error"]["code"]))


@pytest.mark.parametrize("kind", KINDS)
def test_huge_prompts_from_a_zero_quota_user_do_not_stall_the_gateway(kind, tmp_path, mock_upstream):
    # A limit above the prompt's size: the balance check, not the size check, must refuse it.
    with deployment(kind, tmp_path, env={"MAX_PROMPT_CHARS": "40000000"}) as gate:
        setup = gate.fund(mock_upstream.url, user_quota=0, unlimited=True)
        statuses, stop_path = [], tmp_path / "stop-polling"
        poller = subprocess.Popen([sys.executable, "-c", POLLER, gate.url, str(stop_path)], stdout=subprocess.PIPE,
                                  text=True)
        time.sleep(0.5)
        keys = [setup.key] * 6 + ["sk-" + "x" * 48] * 2  # a stranger's body must not stall a worker either
        senders = [threading.Thread(target=send_huge_prompt, args=(gate.url, key, statuses)) for key in keys]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        time.sleep(0.5)
        stop_path.touch()
        latencies = json.loads(poller.communicate(timeout=60)[0])
    assert sorted(statuses) == [(401, "invalid_api_key")] * 2 + [(403, "insufficient_quota")] * 6
    assert mock_upstream.requests == []
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"{kind}: /api/status polled {len(latencies)} times, p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    assert p99 < 0.2
