"""The session cookie's flags, and the warnings about a missing or example SESSION_SECRET."""

from __future__ import annotations

import logging

import pytest

from app import create_app
from app.config import Config
from tests.auth.test_register import set_options
from tests.conftest import ROOT_PASSWORD

ROOT = {"username": "root", "password": ROOT_PASSWORD}


def session_cookie(response) -> list[str]:
    headers = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert len(headers) == 1, response.headers
    return [part.strip() for part in headers[0].split(";")]


def test_cookie_is_http_only_and_lax_but_not_secure_over_http(client):
    flags = session_cookie(client.post("/api/user/login", json=ROOT))
    assert "HttpOnly" in flags and "SameSite=Lax" in flags and "Secure" not in flags


def test_cookie_is_secure_when_the_request_came_over_https(client):
    flags = session_cookie(client.post("/api/user/login", json=ROOT, base_url="https://localhost"))
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= set(flags)


def test_cookie_is_secure_when_the_public_address_is_https(app, client):
    set_options(app, ServerAddress="https://gate.example.com")
    assert "Secure" in session_cookie(client.post("/api/user/login", json=ROOT))


def test_a_forwarded_proto_header_does_not_make_the_cookie_secure(client):
    reply = client.post("/api/user/login", json=ROOT, headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in session_cookie(reply)


@pytest.mark.parametrize("secret, warning", [
    ("", "SESSION_SECRET is not set"),
    ("random_string", "example value"),
    ("a-real-secret", None),
])
def test_session_secret_warnings(tmp_path, caplog, secret, warning):
    environ = {"SQLITE_PATH": str(tmp_path / "tollgate.db"), **({"SESSION_SECRET": secret} if secret else {})}
    with caplog.at_level(logging.WARNING, logger="app.auth.sessions"):
        app = create_app(config=Config.from_env(environ=environ))
    messages = [record.getMessage() for record in caplog.records if record.name == "app.auth.sessions"]
    if warning is None:
        assert messages == [] and app.config["SECRET_KEY"] == secret
    else:
        assert len(messages) == 1 and warning in messages[0] and "data directory" in messages[0]
        assert app.config["SECRET_KEY"] not in ("", "random_string")
