"""Relay errors as a client sees them: bad input is refused before any upstream call and costs nothing,
every error has OpenAI's shape with the request id, and upstream failures are refunded and scrubbed."""

from __future__ import annotations

import gzip
import json
import random

import pytest
import requests

from app.extensions import db
from app.models import Option
from app.options import current as current_options
from tests import factories
from tests.conftest import LiveServer, build_app, dispose
from tests.relay.conftest import assert_openai_error, make_setup

HELLO = [{"role": "user", "content": "Say hello"}]
VALID_CHAT = {"model": "gpt-4o-mini", "messages": HELLO}


def post(setup, path: str = "/v1/chat/completions", data: bytes | None = None, headers: dict | None = None,
         method: str = "POST") -> requests.Response:
    sent = {"Authorization": f"Bearer {setup.key}", "Content-Type": "application/json", **(headers or {})}
    return requests.request(method, f"{setup.url}{path}", data=data, headers=sent, timeout=30)


def assert_untouched(setup, mock_upstream, before: dict) -> None:
    assert mock_upstream.requests == []
    assert setup.balances() == before


def encode(body) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


BAD_BODIES = {
    "invalid_json": b'{"model": "gpt-4o-mini", "messages": [',
    "empty_body": b"",
    "json_array": b'[{"model": "gpt-4o-mini", "messages": []}]',
    "json_string": b'"hello"',
    "messages_missing": {"model": "gpt-4o-mini"},
    "messages_empty": {"model": "gpt-4o-mini", "messages": []},
    "messages_not_a_list": {"model": "gpt-4o-mini", "messages": "Say hello"},
    "messages_of_strings": {"model": "gpt-4o-mini", "messages": ["Say hello"]},
    "max_tokens_word": {**VALID_CHAT, "max_tokens": "ten"},
    "max_tokens_negative": {**VALID_CHAT, "max_tokens": -1},
    "max_tokens_fraction": {**VALID_CHAT, "max_tokens": 1.5},
    "stream_yes": {**VALID_CHAT, "stream": "yes"},
    "model_number": {"model": 42, "messages": HELLO},
    "deeply_nested": b"[" * 100_000,
}


@pytest.mark.parametrize("body", list(BAD_BODIES.values()), ids=list(BAD_BODIES))
def test_bad_chat_body_is_refused_with_400_before_the_upstream(quiet, mock_upstream, body):
    before = quiet.balances()

    response = post(quiet, data=encode(body))

    assert_openai_error(response, 400)
    assert_untouched(quiet, mock_upstream, before)


def test_unknown_model_is_refused_with_503_model_not_available(quiet, mock_upstream):
    before = quiet.balances()

    response = post(quiet, data=encode({"model": "no-such-model", "messages": HELLO}))

    error = assert_openai_error(response, 503)
    assert error["code"] == "model_not_available"
    assert_untouched(quiet, mock_upstream, before)


def test_body_over_32_mib_is_refused_with_413(quiet, mock_upstream):
    before = quiet.balances()
    body = b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"' + b"a" * (33 * 1024 * 1024) + b'"}]}'

    response = post(quiet, data=body)

    assert_openai_error(response, 413)
    assert_untouched(quiet, mock_upstream, before)


def test_gzip_body_is_accepted(quiet, mock_upstream):
    before = quiet.balances()

    response = post(quiet, data=gzip.compress(encode(VALID_CHAT)), headers={"Content-Encoding": "gzip"})

    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == "Hello from the mock upstream."
    assert mock_upstream.requests[-1].json == VALID_CHAT
    after = quiet.balances()
    assert after["log_count"] - before["log_count"] == 1 and after["log_quota"] > before["log_quota"]


def test_invalid_gzip_body_is_refused_with_400(quiet, mock_upstream):
    before = quiet.balances()

    response = post(quiet, data=b"\x1f\x8b\x08\x00not really gzip", headers={"Content-Encoding": "gzip"})

    assert_openai_error(response, 400)
    assert_untouched(quiet, mock_upstream, before)


def test_gzip_body_that_inflates_past_32_mib_is_refused_with_413(quiet, mock_upstream):
    before = quiet.balances()
    bomb = gzip.compress(b'{"model":"gpt-4o-mini","messages":"' + b" " * (33 * 1024 * 1024) + b'"}')

    response = post(quiet, data=bomb, headers={"Content-Encoding": "gzip"})

    assert_openai_error(response, 413)
    assert_untouched(quiet, mock_upstream, before)


def test_unknown_v1_path_is_404_naming_the_url(quiet, mock_upstream):
    response = post(quiet, "/v1/foo", data=encode(VALID_CHAT))

    error = assert_openai_error(response, 404)
    assert error["message"].startswith("Invalid URL (POST /v1/foo)")
    assert mock_upstream.requests == []


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_files_api_is_501_not_implemented(quiet, mock_upstream, method):
    response = post(quiet, "/v1/files", method=method)

    assert_openai_error(response, 501)
    assert mock_upstream.requests == []


def test_get_on_chat_completions_is_a_json_404_not_html(quiet, mock_upstream):
    response = post(quiet, method="GET")

    error = assert_openai_error(response, 404)
    assert error["message"].startswith("Invalid URL (GET /v1/chat/completions)")
    assert "<html" not in response.text.lower()
    assert mock_upstream.requests == []


def _random_json(rng: random.Random, depth: int = 0):
    kinds = ["null", "bool", "int", "float", "str"] + (["list", "dict"] if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, -1, 1, 2**31, -(2**63), 2**63 - 1, rng.randint(-10**6, 10**6)])
    if kind == "float":
        return rng.choice([0.5, -1e308, 1e-300, rng.uniform(-1e6, 1e6)])
    if kind == "str":
        return "".join(rng.choice("ab \"\\\n\u00e9\u4e2d\U0001f600") for _ in range(rng.randint(0, 12)))
    if kind == "list":
        return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["model", "stream", "max_tokens", "stream_options", "n", "x", ""]): _random_json(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


def _broken_chat(rng: random.Random) -> dict:
    """A chat request with random extra fields whose ``messages`` is never a non-empty list of objects."""
    body = _random_json(rng, 2) if rng.random() < 0.3 else {}
    body = body if isinstance(body, dict) else {}
    body.setdefault("model", rng.choice(["gpt-4o-mini", 42, None, "", ["gpt-4o-mini"]]))
    if rng.random() < 0.8:
        body["messages"] = rng.choice([None, [], "hi", 7, {"role": "user"}, [1, "two", None], [[{}]]])
    return body


def test_random_bodies_never_cause_a_server_error(quiet, mock_upstream):
    rng = random.Random(20240611)
    bodies = [bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))) for _ in range(30)]
    bodies += [json.dumps(_random_json(rng)).encode() for _ in range(30)]
    bodies += [json.dumps(_broken_chat(rng)).encode() for _ in range(30)]
    before = quiet.balances()

    for body in bodies:
        response = post(quiet, data=body)
        assert 400 <= response.status_code < 500, (body[:200], response.status_code, response.text[:300])
        assert_openai_error(response, response.status_code)

    assert_untouched(quiet, mock_upstream, before)


# Upstream failures


def set_option(app, key: str, value: str) -> None:
    with app.app_context():
        db.session.merge(Option(key=key, value=value))
        db.session.commit()
        current_options().reload()


def test_upstream_500_reaches_client_as_5xx_and_is_refunded(relay, mock_upstream):
    mock_upstream.behaviour.status = 500
    before = relay.balances()

    response = post(relay, data=encode(VALID_CHAT))

    assert 500 <= response.status_code < 600
    assert_openai_error(response, response.status_code)
    assert len(mock_upstream.requests) == 1
    assert relay.logs() == []
    assert relay.balances() == before


def test_upstream_500_is_retried_on_another_channel(relay, mock_upstream):
    with relay.app.app_context():
        factories.make_channel(mock_upstream.url, models="gpt-4o-mini")
    set_option(relay.app, "RetryTimes", "3")
    mock_upstream.behaviour.fail_times = 1  # the first call fails with 500, the next succeeds

    response = post(relay, data=encode(VALID_CHAT))

    assert response.status_code == 200, response.text
    assert len(mock_upstream.requests) == 2
    assert len(relay.logs()) == 1


def test_upstream_400_is_passed_through_and_not_retried(relay, mock_upstream):
    with relay.app.app_context():
        factories.make_channel(mock_upstream.url, models="gpt-4o-mini")  # somewhere a retry could go
    set_option(relay.app, "RetryTimes", "3")
    mock_upstream.behaviour.status = 400
    mock_upstream.behaviour.error_message = "Invalid value for 'temperature': must be at most 2."
    before = relay.balances()

    response = post(relay, data=encode({**VALID_CHAT, "temperature": 5}))

    error = assert_openai_error(response, 400)
    assert error["message"].startswith("Invalid value for 'temperature': must be at most 2.")
    assert len(mock_upstream.requests) == 1
    assert relay.logs() == []
    assert relay.balances() == before


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_upstream_401_quoting_the_channel_key_is_hidden_behind_503(relay, mock_upstream, stream):
    mock_upstream.behaviour.status = 401
    mock_upstream.behaviour.error_message = (
        f"Incorrect API key provided: {factories.CHANNEL_KEY}. Check {mock_upstream.url}/v1/account/api-keys "
        f"or call 127.0.0.1:{mock_upstream.port}.")
    before = relay.balances()

    response = post(relay, data=encode({**VALID_CHAT, "stream": stream}))

    assert_openai_error(response, 503)
    body = response.text
    for secret in (factories.CHANNEL_KEY, factories.CHANNEL_KEY[3:], mock_upstream.url, f":{mock_upstream.port}",
                   "127.0.0.1"):
        assert secret not in body
    assert relay.logs() == []
    assert relay.balances() == before


def test_malformed_upstream_json_is_502_and_refunded(relay, mock_upstream):
    mock_upstream.behaviour.malformed = True
    before = relay.balances()

    response = post(relay, data=encode(VALID_CHAT))

    assert_openai_error(response, 502)
    assert relay.logs() == []
    assert relay.balances() == before

