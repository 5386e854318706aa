"""A hostile upstream behind real Gunicorn (2 gevent workers), embedded and PostgreSQL + Redis + Celery: it
echoes the channel's canary key in every shape, and no trace of it reaches a reply, a log row or a log line."""

from __future__ import annotations

import pytest
import requests

from app.redaction import MASK
from tests.canaries import assert_no_canary, log_rows_text, new_canary
from tests.conftest import ROOT_PASSWORD, set_options
from tests.faults.deployment import KINDS, deployment

HELLO = [{"role": "user", "content": "Say hello"}]


def reply_text(response: requests.Response) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    return f"{response.status_code}\n{headers}\n\n{response.text}"


def relay_calls(gate, key: str, mock_upstream) -> list[str]:
    """Plain and streamed chat while the upstream answers, then with each error status; every reply's text."""
    replies = []
    headers = {"Authorization": f"Bearer {key}"}
    for status in (None, 400, 500, 401):  # 401 last: it disables the channel
        mock_upstream.behaviour.status = status
        for stream in (False, True):
            response = requests.post(f"{gate.url}/v1/chat/completions", headers=headers, timeout=30,
                                     json={"model": "gpt-4o-mini", "messages": HELLO, "stream": stream})
            replies.append(reply_text(response))
            assert (response.status_code == 200) is (status is None), replies[-1][:500]
    return replies


def admin_calls(gate, channel_id: int, mock_upstream) -> list[str]:
    """A channel test and a balance query as root, each while the upstream fails with the key in its error."""
    session = requests.Session()
    login = session.post(f"{gate.url}/api/user/login", json={"username": "root", "password": ROOT_PASSWORD},
                         timeout=30)
    assert login.json()["success"], login.text
    mock_upstream.behaviour.status = 401
    replies = [session.get(f"{gate.url}/api/channel/test/{channel_id}", timeout=30),
               session.get(f"{gate.url}/api/channel/update_balance/{channel_id}", timeout=30)]
    assert all(reply.json()["success"] is False and MASK in reply.json()["message"] for reply in replies)
    return [reply_text(reply) for reply in replies]


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_upstream_leaks_no_key_through_a_real_deployment(kind, tmp_path, mock_upstream):
    canary = new_canary()
    with deployment(kind, tmp_path) as gate:
        setup = gate.fund(mock_upstream.url, key=canary)
        set_options(gate.app, AutomaticDisableChannelEnabled="true")
        mock_upstream.behaviour.echo_key = True

        replies = relay_calls(gate, setup.key, mock_upstream) + admin_calls(gate, setup.channel_id, mock_upstream)

        gate.settled(setup)
        assert any(MASK in reply for reply in replies)  # the upstream did quote the key
        assert_no_canary(canary, *replies, log_rows_text(gate.app), gate.log_text())
