"""The official openai SDK, sync and async, through the gateway to the mock upstream, for every endpoint."""

from __future__ import annotations

import asyncio
import base64
import io

import pytest

from tests import factories


def test_chat_returns_the_upstream_reply_and_bills_it(relay, mock_upstream):
    reply = relay.client().chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}])
    assert reply.choices[0].message.content == "Hello from the mock upstream."
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (5, 5)
    sent = mock_upstream.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {factories.CHANNEL_KEY}"
    assert sent.body == b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}'
    (log,) = relay.logs()
    # ceil((5 + 5 × 4) × 0.075) = 2
    assert (log.prompt_tokens, log.completion_tokens, log.quota, log.model_name) == (5, 5, 2, "gpt-4o-mini")
    assert log.channel_id == relay.channel_id and log.is_stream is False and log.elapsed_time >= 0
    figures = relay.balances()
    assert figures["user_used"] == figures["token_used"] == figures["channel_used"] == 2
    assert figures["requests"] == 1


def test_stream_relays_every_chunk_and_bills_upstream_usage(relay, mock_upstream):
    chunks = list(relay.client().chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}], stream=True,
        stream_options={"include_usage": True}))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == "Hello from the mock upstream."
    assert chunks[-1].usage.total_tokens == 10
    (log,) = relay.logs()
    assert log.is_stream is True and log.quota == 2


def test_completions_embeddings_and_moderations(relay):
    client = relay.client()
    completion = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hello")
    assert completion.choices[0].text
    embedding = client.embeddings.create(model="text-embedding-3-small", input=["one two", "three"])
    assert len(embedding.data) == 2 and embedding.usage.prompt_tokens == 3
    encoded = client.embeddings.create(model="text-embedding-3-small", input="hi", encoding_format="base64")
    assert len(encoded.data[0].embedding) > 0
    moderation = client.moderations.create(model="text-moderation-latest", input="hello")
    assert moderation.results
    assert len(relay.logs()) == 4


def test_images_are_billed_by_size_and_count(relay):
    image = relay.client().images.generate(model="dall-e-3", prompt="a lighthouse", size="1024x1024", n=1)
    assert image.data[0].url or image.data[0].b64_json
    (log,) = relay.logs()
    assert log.quota == 20000  # dall-e-3 standard 1024²: ratio 20 × 1000


def test_speech_comes_back_as_audio_bytes(relay):
    response = relay.client().audio.speech.create(model="tts-1", voice="alloy", input="Hello there")
    assert len(response.read()) > 0
    (log,) = relay.logs()
    assert log.quota > 0


def test_transcription_passes_the_multipart_upload(relay, mock_upstream):
    audio = io.BytesIO(b"RIFF" + b"\0" * 64)
    audio.name = "speech.wav"
    result = relay.client().audio.transcriptions.create(model="whisper-1", file=audio)
    assert result.text == "Hello from the mock upstream."
    sent = mock_upstream.requests[-1]
    assert sent.files["file"][0] == "speech.wav" and sent.form["model"] == "whisper-1"
    (log,) = relay.logs()
    assert log.quota > 0


def test_models_lists_only_what_the_key_may_use(relay):
    client = relay.client()
    ids = {model.id for model in client.models.list()}
    assert {"gpt-4o-mini", "dall-e-3", "whisper-1"} <= ids and "gpt-4" not in ids
    assert client.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"


def test_async_client_chat_stream_and_embeddings(relay):
    async def scenario():
        client = relay.async_client()
        reply = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True)
        pieces = [chunk.choices[0].delta.content async for chunk in stream if chunk.choices]
        vectors = await client.embeddings.create(model="text-embedding-3-small", input="hello")
        await client.close()
        return reply, pieces, vectors

    reply, pieces, vectors = asyncio.run(scenario())
    assert reply.choices[0].message.content and "".join(filter(None, pieces)) == reply.choices[0].message.content
    assert vectors.data[0].embedding
    assert len(relay.logs()) == 3


@pytest.mark.parametrize("concurrent", [8])
def test_parallel_async_calls_each_bill_once(relay, concurrent):
    async def scenario():
        client = relay.async_client()
        calls = [client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
                 for _ in range(concurrent)]
        replies = await asyncio.gather(*calls)
        await client.close()
        return replies

    assert len(asyncio.run(scenario())) == concurrent
    figures = relay.balances()
    assert figures["log_count"] == concurrent and figures["requests"] == concurrent
    assert figures["user_used"] == figures["log_quota"] == figures["token_used"]


def test_image_b64_response_format(relay):
    image = relay.client().images.generate(model="dall-e-3", prompt="a cat", response_format="b64_json")
    assert base64.b64decode(image.data[0].b64_json)
