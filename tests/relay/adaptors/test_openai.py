"""The OpenAI adaptor: pass-through bodies, stream handling, response parsing and error classification."""

from __future__ import annotations

import orjson
import pytest

from app.models.channel import ChannelType
from app.relay.adaptors import get_adaptor
from app.relay.adaptors.errors import parse_openai_error
from app.relay.adaptors.openai import OpenAIAdaptor, UpstreamFailure
from app.relay.modes import RelayMode
from tests.relay.adaptors.conftest import fixture_bytes, make_ctx, sse_payloads

OPENAI = get_adaptor(ChannelType.OPENAI)
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def _body(ctx) -> dict:
    return orjson.loads(OPENAI.request_body(ctx))


def _feed_all(parser, payloads: list[bytes]) -> tuple[list[bytes], str]:
    chunks, text = [], ""
    for data in payloads:
        delta = parser.feed(data)
        chunks += delta.chunks
        text += delta.text
    return chunks, text


# --- request ---------------------------------------------------------------------------------------------

def test_request_is_openai_adaptor():
    assert isinstance(OPENAI, OpenAIAdaptor)


def test_request_body_forwarded_byte_for_byte_when_nothing_changes():
    raw = fixture_bytes("openai", "request.json")
    ctx = make_ctx(ChannelType.OPENAI, body=raw)
    request = OPENAI.build_request(ctx)
    assert request.body is raw
    assert request.url == "https://api.openai.com/v1/chat/completions"
    assert request.headers["Authorization"] == "Bearer sk-up"
    assert request.headers["Content-Type"] == "application/json"
    assert "Accept" not in request.headers


def test_request_mapping_rewrites_model_and_keeps_unknown_fields():
    ctx = make_ctx(ChannelType.OPENAI, body={**CHAT, "vendor_flag": {"x": 1}, "seed": 3},
                   model_mapping={"gpt-4o-mini": "gpt-4o-mini-2024-07-18"})
    body = _body(ctx)
    assert body["model"] == "gpt-4o-mini-2024-07-18"
    assert body["vendor_flag"] == {"x": 1} and body["seed"] == 3
    assert body["messages"] == CHAT["messages"]


def test_request_mapping_of_another_model_leaves_body_untouched():
    raw = fixture_bytes("openai", "request.json")
    ctx = make_ctx(ChannelType.OPENAI, body=raw, model_mapping={"gpt-4o": "gpt-4o-2024-11-20"})
    assert OPENAI.request_body(ctx) is raw


def test_request_system_prompt_replaces_leading_system_message():
    ctx = make_ctx(ChannelType.OPENAI, body=fixture_bytes("openai", "request.json"), system_prompt="Be formal.")
    messages = _body(ctx)["messages"]
    assert messages[0] == {"role": "system", "content": "Be formal."}
    assert [m["role"] for m in messages] == ["system", "user"]


def test_request_system_prompt_prepended_when_none_present():
    ctx = make_ctx(ChannelType.OPENAI, body=CHAT, system_prompt="Be formal.")
    assert _body(ctx)["messages"] == [{"role": "system", "content": "Be formal."}, *CHAT["messages"]]


def test_request_system_prompt_ignored_outside_chat():
    ctx = make_ctx(ChannelType.OPENAI, mode=RelayMode.EMBEDDINGS, system_prompt="Be formal.")
    assert OPENAI.request_body(ctx) is ctx.request.raw_body


def test_request_stream_asks_for_usage():
    ctx = make_ctx(ChannelType.OPENAI, body={**CHAT, "stream_options": {"other": 1}}, stream=True)
    request = OPENAI.build_request(ctx)
    assert request.stream is True and request.headers["Accept"] == "text/event-stream"
    assert orjson.loads(request.body)["stream_options"] == {"other": 1, "include_usage": True}


def test_request_stream_already_asking_for_usage_is_forwarded_unchanged():
    ctx = make_ctx(ChannelType.OPENAI, body={**CHAT, "stream_options": {"include_usage": True}}, stream=True)
    assert OPENAI.request_body(ctx) is ctx.request.raw_body


def test_request_reply_limit_replaces_the_field_the_client_used():
    for field in ("max_tokens", "max_completion_tokens"):
        ctx = make_ctx(ChannelType.OPENAI, body={**CHAT, field: 4000})
        ctx.reply_limit = 120
        body = _body(ctx)
        assert body[field] == 120 and set(body) == {*CHAT, field}


def test_request_reply_limit_without_a_client_field_uses_max_completion_tokens_on_openai_chat():
    ctx = make_ctx(ChannelType.OPENAI)
    ctx.reply_limit = 64
    assert _body(ctx)["max_completion_tokens"] == 64 and "max_tokens" not in _body(ctx)


def test_request_reply_limit_without_a_client_field_uses_max_tokens_elsewhere():
    completions = make_ctx(ChannelType.OPENAI, mode=RelayMode.COMPLETIONS)
    compatible = make_ctx(ChannelType.DEEPSEEK)
    for ctx in (completions, compatible):
        ctx.reply_limit = 64
        body = orjson.loads(get_adaptor(ctx.channel.type).request_body(ctx))
        assert body["max_tokens"] == 64 and "max_completion_tokens" not in body


def test_request_without_reply_limit_is_forwarded_unchanged():
    ctx = make_ctx(ChannelType.OPENAI, body={**CHAT, "max_tokens": 4000})
    assert OPENAI.request_body(ctx) is ctx.request.raw_body


def test_request_cloudflare_gateway_drops_v1():
    base = "https://gateway.ai.cloudflare.com/v1/0123abcd/my-gateway/openai"
    ctx = make_ctx(ChannelType.OPENAI, base_url=base + "/")
    assert OPENAI.request_url(ctx) == base + "/chat/completions"


def test_request_custom_base_url_keeps_query_string():
    ctx = make_ctx(ChannelType.OPENAI, path="/chat/completions?trace=1", base_url="https://proxy.test/")
    assert OPENAI.request_url(ctx) == "https://proxy.test/v1/chat/completions?trace=1"


# --- response --------------------------------------------------------------------------------------------

def test_response_passed_through_with_usage():
    body = fixture_bytes("openai", "response.json")
    out, usage = OPENAI.parse_response(make_ctx(ChannelType.OPENAI), body)
    assert out is body
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (24, 4, 28)


def test_response_without_usage_reports_none():
    body = b'{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1]}]}'
    assert OPENAI.parse_response(make_ctx(ChannelType.OPENAI, mode=RelayMode.EMBEDDINGS), body) == (body, None)


def test_response_not_json_raises_upstream_failure():
    with pytest.raises(UpstreamFailure) as caught:
        OPENAI.parse_response(make_ctx(ChannelType.OPENAI), b"<html>gateway timeout</html>")
    assert caught.value.error.status == 502 and caught.value.error.message


def test_response_error_object_raises_upstream_failure():
    with pytest.raises(UpstreamFailure) as caught:
        OPENAI.parse_response(make_ctx(ChannelType.OPENAI), fixture_bytes("openai", "error_429_quota.json"))
    assert caught.value.error.code == "insufficient_quota"
    assert caught.value.error.disables_channel is True


def test_response_audio_speech_bytes_pass_through():
    audio = b"ID3\x04\x00binary mp3"
    ctx = make_ctx(ChannelType.OPENAI, mode=RelayMode.AUDIO_SPEECH)
    assert OPENAI.parse_response(ctx, audio) == (audio, None)


# --- stream ----------------------------------------------------------------------------------------------

def test_stream_recorded_transcript_relays_chunks_and_drops_usage_chunk_for_client_that_did_not_ask():
    payloads = sse_payloads("openai")
    parser = OPENAI.stream_parser(make_ctx(ChannelType.OPENAI, stream=True))
    chunks, text = _feed_all(parser, payloads)
    assert chunks == payloads[:4]  # role, two content chunks, finish; the usage-only chunk is dropped
    assert text == "Bonjour !"
    assert parser.done is True
    assert (parser.usage.prompt_tokens, parser.usage.completion_tokens) == (24, 4)


def test_stream_usage_chunk_kept_for_client_that_asked():
    payloads = sse_payloads("openai")
    ctx = make_ctx(ChannelType.OPENAI, body={**CHAT, "stream_options": {"include_usage": True}}, stream=True)
    chunks, _ = _feed_all(OPENAI.stream_parser(ctx), payloads)
    assert chunks == payloads[:5]


def test_stream_usage_chunk_kept_when_usage_is_enforced():
    payloads = sse_payloads("openai")
    chunks, _ = _feed_all(OPENAI.stream_parser(make_ctx(ChannelType.OPENAI, stream=True, enforce_usage=True)),
                          payloads)
    assert chunks == payloads[:5]


def test_stream_azure_prompt_filter_chunk_dropped():
    payloads = sse_payloads("azure")
    parser = get_adaptor(ChannelType.AZURE).stream_parser(make_ctx(ChannelType.AZURE, stream=True))
    chunks, text = _feed_all(parser, payloads)
    assert chunks == payloads[1:4]
    assert text == "Hi" and parser.done is True and parser.usage is None


def test_stream_tool_call_arguments_counted_as_text():
    parser = OPENAI.stream_parser(make_ctx(ChannelType.OPENAI, stream=True))
    calls = [
        {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}},
        {"index": 0, "function": {"arguments": '{"city":'}},
        {"index": 0, "function": {"arguments": '"Paris"}'}},
    ]
    text = "".join(
        parser.feed(orjson.dumps({"choices": [{"index": 0, "delta": {"tool_calls": [call]}}]})).text
        for call in calls
    )
    assert text == 'get_weather{"city":"Paris"}'


def test_stream_reasoning_content_counted_as_text():
    parser = OPENAI.stream_parser(make_ctx(ChannelType.OPENAI, stream=True))
    delta = parser.feed(b'{"choices":[{"index":0,"delta":{"content":null,"reasoning_content":"think"}}]}')
    assert delta.text == "think"


def test_stream_completions_text_counted():
    ctx = make_ctx(ChannelType.OPENAI, mode=RelayMode.COMPLETIONS, stream=True)
    parser = OPENAI.stream_parser(ctx)
    assert parser.feed(b'{"choices":[{"index":0,"text":"Hello","finish_reason":null}]}').text == "Hello"


def test_stream_done_marker_sets_done_and_sends_nothing():
    parser = OPENAI.stream_parser(make_ctx(ChannelType.OPENAI, stream=True))
    assert parser.feed(b"[DONE]").chunks == []
    assert parser.done is True


def test_stream_finish_reason_sets_done():
    parser = OPENAI.stream_parser(make_ctx(ChannelType.OPENAI, stream=True))
    parser.feed(b'{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}')
    assert parser.done is False
    parser.feed(b'{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}')
    assert parser.done is True


def test_stream_undecodable_data_relayed_raw():
    parser = OPENAI.stream_parser(make_ctx(ChannelType.OPENAI, stream=True))
    assert parser.feed(b"not json").chunks == [b"not json"]


def test_stream_error_chunk_relayed():
    parser = OPENAI.stream_parser(make_ctx(ChannelType.OPENAI, stream=True))
    data = b'{"error":{"message":"overloaded","type":"server_error"}}'
    assert parser.feed(data).chunks == [data]


# --- errors ----------------------------------------------------------------------------------------------

def test_error_invalid_api_key_disables_channel_and_retries():
    error = OPENAI.parse_error(401, fixture_bytes("openai", "error_401.json"))
    assert error.status == 401 and error.code == "invalid_api_key"
    assert error.message.startswith("Incorrect API key provided")
    assert error.disables_channel is True and error.retryable is True


def test_error_rate_limit_retries_without_disabling():
    error = OPENAI.parse_error(429, fixture_bytes("openai", "error_429_rate_limit.json"))
    assert error.code == "rate_limit_exceeded"
    assert error.retryable is True and error.disables_channel is False


def test_error_insufficient_quota_disables_channel():
    error = OPENAI.parse_error(429, fixture_bytes("openai", "error_429_quota.json"))
    assert error.type == "insufficient_quota"
    assert error.disables_channel is True and error.retryable is True


def test_error_bad_request_not_retried():
    body = b'{"error":{"message":"Invalid value for \'temperature\'","type":"invalid_request_error","code":null}}'
    error = OPENAI.parse_error(400, body)
    assert error.type == "invalid_request_error" and error.code == "bad_response_status_code"
    assert error.retryable is False and error.disables_channel is False


def test_error_server_error_retried():
    error = OPENAI.parse_error(500, b'{"error":{"message":"The server had an error","type":"server_error"}}')
    assert error.retryable is True and error.disables_channel is False


def test_error_plain_string_error_read():
    error = parse_openai_error(500, b'{"error":"model \\"llama3\\" not found, try pulling it first"}')
    assert error.message == 'model "llama3" not found, try pulling it first'


def test_error_tencent_shape_read_case_insensitively():
    body = b'{"Response":{"Error":{"Code":"AuthFailure","Message":"x"},"RequestId":"r-1"}}'
    assert parse_openai_error(500, body).message == "x"


def test_error_word_credit_alone_does_not_disable():
    body = b'{"error":{"message":"Credit card payments are delayed; the model is overloaded","type":"server_error"}}'
    error = parse_openai_error(503, body)
    assert error.disables_channel is False and error.retryable is True


def test_error_balance_phrase_disables():
    error = parse_openai_error(403, '{"error":{"message":"余额不足，请充值"}}'.encode())
    assert error.disables_channel is True


def test_error_non_json_body_becomes_message():
    error = parse_openai_error(502, b"<html>Bad Gateway</html>")
    assert error.message == "<html>Bad Gateway</html>" and error.retryable is True


def test_error_empty_body_names_status():
    assert parse_openai_error(504, b"").message == "bad response status code 504"
