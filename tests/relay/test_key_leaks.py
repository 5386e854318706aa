"""A hostile upstream quotes the channel key it received in every shape it can (JSON errors, 200 bodies, SSE
data and error events, headers, base64, fragments): no trace of it reaches a client, a log row or a log file."""

from __future__ import annotations

import json

import openai
import pytest
import requests

from app.redaction import MASK
from tests.canaries import assert_no_canary, log_files_text, log_rows_text, logging_to, new_canary
from tests.conftest import set_options
from tests.mock_upstream.leaks import ECHO_HEADER
from tests.relay.conftest import assert_openai_error, make_setup

HELLO = [{"role": "user", "content": "Say hello"}]


@pytest.fixture
def hostile(app, live_server, mock_upstream, tmp_path):
    """The gateway logging to files, one channel with a canary key, and an upstream that echoes that key."""
    canary = new_canary()
    with logging_to(tmp_path / "logs") as log_dir:
        setup = make_setup(app, live_server.url, mock_upstream.url, key=canary)
        mock_upstream.behaviour.echo_key = True
        yield setup, canary
        assert_no_canary(canary, log_rows_text(app), log_files_text(log_dir))
    assert mock_upstream.requests, "the upstream was never asked: nothing was tested"
    assert mock_upstream.last_request.headers["authorization"] == f"Bearer {canary}"


def post(setup, path: str, body: dict, stream: bool = False) -> requests.Response:
    return requests.post(f"{setup.url}/v1{path}", json=body, headers={"Authorization": f"Bearer {setup.key}"},
                         stream=stream, timeout=30)


def reply_text(response: requests.Response, body: bytes | None = None) -> str:
    """Status line, every header and the whole body, as the client received them."""
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    return f"{response.status_code}\n{headers}\n\n{(body if body is not None else response.content).decode()}"


def test_a_reply_quoting_the_key_reaches_the_sdk_without_it(hostile):
    setup, canary = hostile

    raw = setup.client().chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=HELLO)

    content = raw.parse().choices[0].message.content
    assert content.startswith("The upstream was sent ") and MASK in content  # the upstream did quote it
    assert ECHO_HEADER not in raw.headers  # the gateway passes on no upstream header but the content type
    assert_no_canary(canary, content, raw.http_response.text, repr(dict(raw.headers)))


def test_a_stream_quoting_the_key_reaches_the_sdk_without_it(hostile):
    setup, canary = hostile
    seen = []

    with pytest.raises(openai.APIError) as raised:  # the upstream's {"error": …} event, relayed
        for chunk in setup.client().chat.completions.create(model="gpt-4o-mini", messages=HELLO, stream=True):
            seen.extend(choice.delta.content or "" for choice in chunk.choices)

    assert MASK in "".join(seen) and MASK in raised.value.message
    assert_no_canary(canary, "".join(seen), raised.value.message, repr(raised.value.body))


CHAT = ("/chat/completions", {"model": "gpt-4o-mini", "messages": HELLO})
COMPLETIONS = ("/completions", {"model": "gpt-3.5-turbo-instruct", "prompt": "Say hello"})
EMBEDDINGS = ("/embeddings", {"model": "text-embedding-3-small", "input": "hello"})


@pytest.mark.parametrize("path, body, stream", [(*CHAT, False), (*CHAT, True), (*COMPLETIONS, False),
                                                (*COMPLETIONS, True), (*EMBEDDINGS, False)],
                         ids=["chat", "chat-sse", "completions", "completions-sse", "embeddings"])
def test_no_reply_byte_or_header_carries_the_key(hostile, path, body, stream):
    setup, canary = hostile

    response = post(setup, path, {**body, "stream": stream} if stream else body, stream=stream)
    received = b"".join(response.iter_content(None))

    assert response.status_code == 200, received[:500]
    assert_no_canary(canary, reply_text(response, received))
    if stream:
        events = [line[6:] for line in received.decode().split("\n") if line.startswith("data: ")]
        errors = [json.loads(event)["error"] for event in events if event.startswith('{"error"')]
        assert errors and MASK in errors[0]["message"] and events[-1] == "[DONE]"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500, 503])
@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_an_error_quoting_the_key_reaches_the_client_without_it(hostile, mock_upstream, status, stream):
    setup, canary = hostile
    set_options(setup.app, AutomaticDisableChannelEnabled="true")  # the disable reason goes to the log file
    mock_upstream.behaviour.status = status

    response = post(setup, "/chat/completions", {"model": "gpt-4o-mini", "messages": HELLO, "stream": stream})

    error = assert_openai_error(response, response.status_code)
    assert response.status_code >= 400
    if status not in (401, 403):  # refused credentials get a message of the gateway's own
        assert MASK in error["message"]  # the upstream's words, quoting the key, reached the client
    assert_no_canary(canary, reply_text(response))
