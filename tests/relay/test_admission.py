"""Cheap checks before any counting: an over-size prompt gets 413, an account that cannot pay the least its
prompt may cost gets 403, and neither ever reaches the tokenizer or the upstream."""

from __future__ import annotations

import time

import pytest
import requests

from app.relay import tokenizer
from tests.conftest import LiveServer, build_app, dispose
from tests.relay.conftest import assert_openai_error, make_setup


@pytest.fixture
def tokenizer_calls(monkeypatch):
    """Every prompt the relay counts; admission must refuse before any."""
    calls = []
    real = tokenizer.count_prompt_tokens
    monkeypatch.setattr("app.relay.pipeline.count_prompt_tokens", lambda *args: calls.append(args) or real(*args))
    return calls


def post_chat(setup, content: str) -> requests.Response:
    return requests.post(f"{setup.url}/v1/chat/completions", headers={"Authorization": f"Bearer {setup.key}"},
                         json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}]}, timeout=60)


def test_zero_quota_user_with_a_huge_prompt_is_refused_fast_without_counting(
        app, live_server, mock_upstream, tokenizer_calls):
    setup = make_setup(app, live_server.url, mock_upstream.url, user_quota=0, unlimited=True)
    started = time.monotonic()
    response = post_chat(setup, "lorem ipsum dolor " * 400_000)  # 7.2 M characters: seconds to count
    assert_openai_error(response, 403, "insufficient_quota")
    assert time.monotonic() - started < 2.5
    assert tokenizer_calls == [] and mock_upstream.requests == []


def test_key_that_cannot_pay_the_prompts_least_cost_is_refused_without_counting(
        app, live_server, mock_upstream, tokenizer_calls):
    setup = make_setup(app, live_server.url, mock_upstream.url, token_quota=50)
    response = post_chat(setup, "word " * 200_000)  # at least 3,900 tokens, whatever the text
    assert "API key" in assert_openai_error(response, 403, "insufficient_quota")["message"]
    assert tokenizer_calls == [] and mock_upstream.requests == []
    assert setup.balances()["token_remain"] == 50


def test_funded_call_is_counted_and_served(relay, mock_upstream, tokenizer_calls):
    assert post_chat(relay, "hello").status_code == 200
    assert len(tokenizer_calls) == 1


@pytest.fixture
def small_limit(tmp_path, mock_upstream):
    application = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, MAX_PROMPT_CHARS="1000")
    with LiveServer(application) as server:
        yield make_setup(application, server.url, mock_upstream.url)
    dispose(application)


def test_prompt_over_the_limit_gets_413_before_counting(small_limit, mock_upstream, tokenizer_calls):
    error = assert_openai_error(post_chat(small_limit, "x" * 997), 413, "prompt_too_large")  # + "user"
    assert "1,001 characters" in error["message"] and "at most 1,000" in error["message"]
    assert error["type"] == "invalid_request_error"
    assert tokenizer_calls == [] and mock_upstream.requests == []
    assert post_chat(small_limit, "x" * 996).status_code == 200
