"""The production server: Gunicorn with gevent workers, several processes, the openai SDK as the client."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
import pytest
import requests

from tests import databases
from tests.conftest import build_app, dispose, require_service
from tests.relay.conftest import make_setup
from tests.test_server import _free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def gunicorn_gateway(request, tmp_path):
    """The gateway under Gunicorn; on PostgreSQL too, where database waits yield to gevent (a lock taken
    across such a wait must be a gevent lock, or the whole worker freezes)."""
    if request.param == "sqlite":
        settings = {"SQLITE_PATH": str(tmp_path / "gw.db")}
    else:
        require_service("postgresql")
        settings = {"SQL_DSN": databases.create_database("postgresql")}
        request.addfinalizer(lambda: databases.drop_database("postgresql", settings["SQL_DSN"]))
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SQL_", "REDIS_", "INITIAL_"))}
    env.update(settings, PORT=str(port), INITIAL_ROOT_PASSWORD="root-password-x", SQL_MAX_OPEN_CONNS="10")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{url}/api/status", timeout=1).ok:
                break
        except requests.RequestException:
            pass
        assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    app = build_app(settings)
    yield app, url
    server.terminate()
    server.wait(timeout=40)
    dispose(app)


def test_sdk_chat_and_stream_through_gunicorn_gevent_workers(gunicorn_gateway, mock_upstream):
    app, url = gunicorn_gateway
    setup = make_setup(app, url, mock_upstream.url, models="gpt-4o-mini")
    mock_upstream.behaviour.chunk_interval = 0.01
    client = setup.client(timeout=30)
    messages = [{"role": "user", "content": "Say hello"}]

    def call(index: int) -> str:
        if index % 2:
            return "".join(chunk.choices[0].delta.content or ""
                           for chunk in client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                                                       stream=True) if chunk.choices)
        return client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message.content

    with ThreadPoolExecutor(max_workers=32) as pool:
        replies = list(pool.map(call, range(80)))
    assert set(replies) == {"Hello from the mock upstream."}
    figures = setup.balances()
    assert figures["log_count"] == 80 and figures["user_used"] == figures["log_quota"] == figures["token_used"]
    client.close()
    with pytest.raises(openai.AuthenticationError), \
            openai.OpenAI(base_url=f"{url}/v1", api_key="sk-wrong", max_retries=0) as stranger:
        stranger.models.list()
