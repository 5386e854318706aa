"""No overdraft under real Gunicorn (two gevent workers), on the embedded default and on PostgreSQL + Redis with
batching: an upstream that ignores max_tokens, n=4, on a key worth a few calls. Streams stop at their
reservation and never overdraw; a non-streamed reply overdraws by at most the one call, and its log row says so."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.faults.deployment import KINDS, assert_conserved, deployment

PROMPT = [{"role": "user", "content": "Tell me a long story about quotas."}]
LONG_REPLY = 2_000  # pieces per choice, one token each
KEY_QUOTA = 2_000  # a few capped calls of gpt-4o-mini with n=4; one uncapped reply costs about 2,400


def call(url: str, key: str, *, stream: bool) -> int:
    body = {"model": "gpt-4o-mini", "messages": PROMPT, "stream": stream, "n": 4}
    with requests.post(f"{url}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"},
                       timeout=60, stream=stream) as response:
        text = b"".join(response.iter_content(chunk_size=None))
    if response.status_code == 200 and stream:
        assert text.endswith(b"data: [DONE]\n\n") and b'"finish_reason":"length"' in text, text[-300:]
    elif response.status_code != 200:
        assert response.status_code == 403 and b"insufficient_quota" in text, text[:300]
    return response.status_code


@pytest.mark.parametrize("kind", KINDS)
def test_an_upstream_ignoring_max_tokens_cannot_overdraw_a_key_by_more_than_one_call(kind, tmp_path, mock_upstream):
    mock_upstream.behaviour.ignore_max_tokens = True
    mock_upstream.behaviour.reply_text = " tok" * LONG_REPLY
    mock_upstream.behaviour.chunk_count = LONG_REPLY
    mock_upstream.behaviour.chunk_interval = 0.0005
    with deployment(kind, tmp_path) as gate:
        streams = gate.fund(mock_upstream.url, token_quota=KEY_QUOTA, models="gpt-4o-mini")
        before = streams.balances()
        with ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(lambda _: call(gate.url, streams.key, stream=True), range(20)))
        after = gate.settled(streams)
        assert statuses.count(200) >= 1 and statuses.count(403) >= 1, statuses
        assert assert_conserved(before, after) == KEY_QUOTA - after["token_remain"]
        assert 0 <= after["token_remain"] and after["user_quota"] >= 0  # streams are cut: no overdraft at all
        assert not any("overdraft" in (log.content or "") for log in streams.logs())

        plain = gate.fund(mock_upstream.url, token_quota=KEY_QUOTA, models="gpt-4o-mini")
        before = plain.balances()
        statuses = [call(gate.url, plain.key, stream=False) for _ in range(3)]
        after = gate.settled(plain)
        assert statuses == [200, 403, 403]
        charged = assert_conserved(before, after)
        overdrawn = [log for log in plain.logs() if "overdraft" in (log.content or "")]
        assert len(overdrawn) == 1 and after["token_remain"] == KEY_QUOTA - charged < 0
