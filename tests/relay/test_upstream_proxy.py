"""Upstream calls go through RELAY_PROXY, or the environment's HTTP_PROXY unless NO_PROXY names the host."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import LiveServer, build_app, dispose
from tests.relay.conftest import make_setup


class ForwardProxy:
    """A minimal HTTP forward proxy: it records each absolute URL it is asked for and fetches it."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — http.server's naming
                proxy.seen.append(self.path)
                target = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "host")}
                upstream.request("POST", target.path, body=body, headers=headers)
                reply = upstream.getresponse()
                payload = reply.read()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.getheader("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def forward_proxy():
    proxy = ForwardProxy()
    yield proxy
    proxy.close()


def chat_through(tmp_path, mock_upstream, **settings) -> None:
    app = build_app({"SQLITE_PATH": str(tmp_path / "t.db"), **settings})
    try:
        with LiveServer(app) as server:
            setup = make_setup(app, server.url, mock_upstream.url)
            client = requests.Session()
            client.trust_env = False  # the test's own call to the gateway must not use the proxy under test
            reply = client.post(f"{server.url}/v1/chat/completions", headers={"Authorization": f"Bearer {setup.key}"},
                                json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})
            assert reply.status_code == 200 and reply.json()["choices"][0]["message"]["content"]
    finally:
        dispose(app)


def test_relay_proxy_carries_every_upstream_call(tmp_path, mock_upstream, forward_proxy):
    chat_through(tmp_path, mock_upstream, RELAY_PROXY=forward_proxy.url)
    assert forward_proxy.seen == [f"{mock_upstream.url}/v1/chat/completions"]


def test_the_environment_proxy_is_used_and_no_proxy_bypasses_it(tmp_path, mock_upstream, forward_proxy,
                                                                 monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", forward_proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    chat_through(tmp_path / "a", mock_upstream)
    assert len(forward_proxy.seen) == 1

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    chat_through(tmp_path / "b", mock_upstream)
    assert len(forward_proxy.seen) == 1, "NO_PROXY names the upstream's host: no proxy"
