"""Wire shapes checked on what the mock upstream received, and the hot path's use of the database."""

from __future__ import annotations

import threading
import time

import openai
import pytest

from app.extensions import db
from app.models.channel import ChannelType
from tests.relay.conftest import make_setup


def test_azure_channel_uses_deployment_url_api_version_and_api_key_header(app, live_server, mock_upstream):
    setup = make_setup(app, live_server.url, mock_upstream.url, type=ChannelType.AZURE, key="azure-secret",
                       models="gpt-3.5-turbo", config='{"api_version": "2024-10-21"}')
    reply = setup.client().chat.completions.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content
    sent = mock_upstream.requests[-1]
    assert sent.path == "/openai/deployments/gpt-35-turbo/chat/completions"
    assert sent.params["api-version"] == "2024-10-21"
    assert sent.headers["api-key"] == "azure-secret" and "authorization" not in sent.headers


def test_image_request_the_model_cannot_serve_is_a_400_without_an_upstream_call(relay, mock_upstream):
    with pytest.raises(openai.BadRequestError) as raised:
        relay.client().images.generate(model="dall-e-3", prompt="a cat", size="256x256")
    assert raised.value.body["code"] == "invalid_image_request"
    assert mock_upstream.requests == [] and relay.logs() == []


def test_speech_input_over_4096_characters_is_a_400(relay, mock_upstream):
    with pytest.raises(openai.BadRequestError):
        relay.client().audio.speech.create(model="tts-1", voice="alloy", input="x" * 4097)
    assert mock_upstream.requests == []


def test_no_database_connection_is_held_while_the_upstream_thinks(app, relay, mock_upstream):
    mock_upstream.behaviour.latency = 0.6
    caller = threading.Thread(target=lambda: relay.client().chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]))
    caller.start()
    deadline = time.monotonic() + 5
    while not mock_upstream.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # the upstream is now sitting on the request
    with app.app_context():
        held = db.engine.pool.checkedout()
    caller.join()
    assert held == 0
