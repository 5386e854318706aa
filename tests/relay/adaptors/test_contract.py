"""What every registered adaptor promises, whatever its provider (the adaptor interface's contract)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from app.models.channel import ChannelType
from app.relay.adaptors import ADAPTORS, all_adaptors, get_adaptor
from app.relay.adaptors.base import Adaptor, StreamDelta, UpstreamError, UpstreamRequest
from app.relay.modes import RelayMode
from tests.relay.adaptors.conftest import make_ctx

ADAPTOR_LIST = all_adaptors()
GARBAGE_BODIES = {
    "empty": b"",
    "not json": b"<html><body>502 Bad Gateway</body></html>",
    "json list": b"[1, 2, 3]",
    "json string": b'"oops"',
    "json null": b"null",
    "error text": b'{"error":"text"}',
    "error message number": b'{"error":{"message":5}}',
    "error message empty": b'{"error":{"message":""}}',
    "error null": b'{"error":null}',
    "nested nonsense": b'{"Response":{"Error":[1]},"message":{"a":1}}',
    "huge": b'{"error":{"message":"' + b"x" * 2_000_000 + b'"}}',
    "huge non json": b"\x00" * 1_000_000,
    "invalid utf-8": b"\xff\xfe\xfd not text",
    "invalid utf-8 in json": b'{"error":{"message":"\xff\xfe"}}',
    "truncated json": b'{"error":{"message":"cut',
}


def _id(adaptor: Adaptor) -> str:
    return f"{int(adaptor.channel_type)}-{adaptor.channel_type.name.lower()}"


def _ctx(adaptor: Adaptor, mode: RelayMode = RelayMode.CHAT, **kwargs):
    base_url = "" if adaptor.default_base_url else "https://example.test"
    return make_ctx(adaptor.channel_type, base_url=base_url, mode=mode, **kwargs)


def _supported(adaptor: Adaptor) -> list[RelayMode]:
    return sorted(mode for mode in RelayMode if adaptor.supports(mode))


def test_channel_types_are_unique():
    types = [adaptor.channel_type for adaptor in ADAPTOR_LIST]
    assert len(types) == len(set(types))
    assert set(ADAPTORS) == set(types)


@pytest.mark.parametrize("adaptor", ADAPTOR_LIST, ids=_id)
def test_adaptor_declares_required_attributes(adaptor: Adaptor):
    assert isinstance(adaptor.channel_type, ChannelType)
    assert adaptor.channel_type != ChannelType.UNKNOWN
    assert isinstance(adaptor.display_name, str) and adaptor.display_name.strip()
    assert isinstance(adaptor.default_base_url, str)
    assert adaptor.default_base_url == "" or adaptor.default_base_url.startswith(("https://", "http://"))
    assert isinstance(adaptor.default_models, tuple)
    assert all(isinstance(model, str) and model for model in adaptor.default_models)
    assert len(adaptor.default_models) == len(set(adaptor.default_models))
    assert isinstance(adaptor.docs_url, str) and adaptor.docs_url.startswith("https://")
    assert isinstance(adaptor.config_schema, dict)
    assert adaptor.supported_modes and adaptor.supports(RelayMode.CHAT)
    assert get_adaptor(int(adaptor.channel_type)) is adaptor


@pytest.mark.parametrize("adaptor", ADAPTOR_LIST, ids=_id)
def test_build_request_returns_absolute_url_for_every_supported_mode(adaptor: Adaptor):
    for mode in _supported(adaptor):
        request = adaptor.build_request(_ctx(adaptor, mode))
        assert isinstance(request, UpstreamRequest)
        parts = urlsplit(request.url)
        assert parts.scheme in ("http", "https") and parts.netloc, (mode, request.url)
        assert "//" not in parts.path, (mode, request.url)
        assert request.method == "POST"
        assert isinstance(request.body, bytes) and request.body
        assert request.stream is False
        assert all(isinstance(name, str) and isinstance(value, str) for name, value in request.headers.items())


@pytest.mark.parametrize("adaptor", ADAPTOR_LIST, ids=_id)
def test_build_request_streams_when_client_streams(adaptor: Adaptor):
    request = adaptor.build_request(_ctx(adaptor, stream=True))
    assert request.stream is True


@pytest.mark.parametrize("adaptor", ADAPTOR_LIST, ids=_id)
@pytest.mark.parametrize("status", [401, 429, 500])
@pytest.mark.parametrize("body", GARBAGE_BODIES.values(), ids=GARBAGE_BODIES.keys())
def test_parse_error_never_raises_on_garbage(adaptor: Adaptor, status: int, body: bytes):
    error = adaptor.parse_error(status, body)
    assert isinstance(error, UpstreamError)
    assert isinstance(error.status, int) and not isinstance(error.status, bool)
    assert isinstance(error.message, str) and error.message.strip()
    assert isinstance(error.type, str) and error.type
    assert isinstance(error.retryable, bool) and isinstance(error.disables_channel, bool)


@pytest.mark.parametrize("adaptor", ADAPTOR_LIST, ids=_id)
def test_stream_parser_finish_is_idempotent(adaptor: Adaptor):
    parser = adaptor.stream_parser(_ctx(adaptor, stream=True))
    parser.feed(b'{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}')
    first = parser.finish()
    usage, done = parser.usage, parser.done
    second = parser.finish()
    assert isinstance(first, StreamDelta) and isinstance(second, StreamDelta)
    assert second.chunks == [] and second.text == ""
    assert (parser.usage, parser.done) == (usage, done)


@pytest.mark.parametrize("adaptor", ADAPTOR_LIST, ids=_id)
def test_stream_parser_done_marker_sets_done(adaptor: Adaptor):
    parser = adaptor.stream_parser(_ctx(adaptor, stream=True))
    assert parser.done is False and parser.usage is None
    delta = parser.feed(b"[DONE]")
    assert parser.done is True
    assert delta.text == ""
