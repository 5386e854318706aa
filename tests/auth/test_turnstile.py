"""Turnstile against a local siteverify stand-in: off by default, then required once per session."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from app.auth.turnstile import check_turnstile
from tests.auth.test_register import refusal, set_options
from tests.conftest import build_app, dispose

GOOD_TOKEN = "token-from-the-widget"
NEWCOMER = {"username": "newcomer", "password": "password123"}


class _Siteverify(BaseHTTPRequestHandler):
    """Cloudflare's siteverify in miniature: success only for GOOD_TOKEN; records each form it gets."""

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.server.forms.append({key: values[0] for key, values in form.items()})
        body = json.dumps({"success": form.get("response") == [GOOD_TOKEN]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def siteverify():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Siteverify)
    server.forms = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def turnstile_app(tmp_path, siteverify):
    application = build_app({"SQLITE_PATH": str(tmp_path / "tollgate.db")},
                            TURNSTILE_VERIFY_URL=f"http://127.0.0.1:{siteverify.server_port}/siteverify")
    yield application
    dispose(application)


def turn_on(app) -> None:
    set_options(app, TurnstileSiteKey="site-key", TurnstileSecretKey="secret-key", TurnstileCheckEnabled="true")


def test_registration_skips_turnstile_when_it_is_off(turnstile_app, siteverify):
    assert turnstile_app.test_client().post("/api/user/register", json=NEWCOMER).json["success"]
    assert siteverify.forms == []


def test_registration_needs_a_passing_token_when_it_is_on(turnstile_app, siteverify):
    turn_on(turnstile_app)
    client = turnstile_app.test_client()
    assert "missing" in refusal(client.post("/api/user/register", json=NEWCOMER))
    assert "check failed" in refusal(client.post("/api/user/register?turnstile=forged", json=NEWCOMER))
    assert client.post(f"/api/user/register?turnstile={GOOD_TOKEN}", json=NEWCOMER).json["success"]
    assert siteverify.forms[-1] == {"secret": "secret-key", "response": GOOD_TOKEN, "remoteip": "127.0.0.1"}


def test_a_session_that_passed_is_not_asked_again(turnstile_app, siteverify):
    turn_on(turnstile_app)
    client = turnstile_app.test_client()
    assert client.post(f"/api/user/register?turnstile={GOOD_TOKEN}", json=NEWCOMER).json["success"]
    second = {"username": "second", "password": "password123"}
    assert client.post("/api/user/register", json=second).json["success"]
    assert len(siteverify.forms) == 1
    assert "missing" in refusal(turnstile_app.test_client().post("/api/user/register", json=second))


@pytest.mark.parametrize("path", ["/api/verification?email=a@example.com", "/api/reset_password?email=a@example.com"])
def test_mail_routes_need_turnstile_when_it_is_on(turnstile_app, path):
    turn_on(turnstile_app)
    assert "missing" in refusal(turnstile_app.test_client().get(path))


def test_an_unreachable_siteverify_fails_the_check(tmp_path):
    application = build_app({"SQLITE_PATH": str(tmp_path / "tollgate.db")},
                            TURNSTILE_VERIFY_URL="http://127.0.0.1:9/siteverify")
    try:
        with application.app_context():
            assert check_turnstile(GOOD_TOKEN, "127.0.0.1") is False
    finally:
        dispose(application)
