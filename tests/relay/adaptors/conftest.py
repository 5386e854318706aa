"""Helpers for adaptor tests: RelayContexts built in memory, recorded upstream payloads read from disk."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from app.cache.channels import ChannelSnapshot
from app.cache.tokens import TokenSnapshot
from app.cache.users import UserSnapshot
from app.relay.context import RelayContext
from app.relay.modes import MODE_BY_PATH, MULTIPART_MODES, RelayMode
from app.relay.schemas import parse_request

FIXTURES = Path(__file__).parent / "fixtures"
MULTIPART_TYPE = "multipart/form-data; boundary=tollgate-test"
PATH_BY_MODE = {mode: "/" + path for path, mode in MODE_BY_PATH.items()}

# A minimal valid body for each JSON mode.
SAMPLE_BODIES: dict[RelayMode, dict[str, Any]] = {
    RelayMode.CHAT: {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
    RelayMode.COMPLETIONS: {"model": "gpt-3.5-turbo-instruct", "prompt": "hi"},
    RelayMode.EMBEDDINGS: {"model": "text-embedding-3-small", "input": "hi"},
    RelayMode.MODERATIONS: {"model": "omni-moderation-latest", "input": "hi"},
    RelayMode.IMAGES_GENERATIONS: {"model": "dall-e-3", "prompt": "a lighthouse"},
    RelayMode.EDITS: {"model": "text-davinci-edit-001", "input": "helo", "instruction": "fix the spelling"},
    RelayMode.AUDIO_SPEECH: {"model": "tts-1", "input": "hi", "voice": "alloy"},
}


def fixture_bytes(provider: str, name: str) -> bytes:
    return (FIXTURES / provider / name).read_bytes()


def sse_payloads(provider: str, name: str = "stream.sse") -> list[bytes]:
    """The ``data:`` payloads of a recorded SSE transcript, in order."""
    payloads = []
    for line in fixture_bytes(provider, name).splitlines():
        if line.startswith(b"data:"):
            payloads.append(line[5:].removeprefix(b" ").rstrip(b"\r"))
    return payloads


def make_channel(channel_type: int, *, base_url: str = "", key: str = "sk-up",
                 model_mapping: dict[str, str] | None = None, system_prompt: str = "",
                 config: dict[str, str] | None = None, other: str = "") -> ChannelSnapshot:
    return ChannelSnapshot(
        id=7, type=int(channel_type), name="test channel", key=key, base_url=base_url, status=1, priority=0,
        weight=0, models=(), model_mapping=MappingProxyType(dict(model_mapping or {})),
        system_prompt=system_prompt, config=MappingProxyType(dict(config or {})), other=other,
    )


def make_ctx(channel_type: int, path: str | None = None, body: dict | bytes | None = None, *,
             base_url: str = "", key: str = "sk-up", model_mapping: dict[str, str] | None = None,
             system_prompt: str = "", config: dict[str, str] | None = None, other: str = "",
             stream: bool = False, mode: RelayMode = RelayMode.CHAT,
             form: dict[str, str] | None = None, enforce_usage: bool = False) -> RelayContext:
    """A RelayContext aimed at a channel of ``channel_type``, as the pipeline would build it.

    ``body`` defaults to a minimal valid body for ``mode``; a dict is serialised (with ``stream`` set when
    asked), bytes are sent as they are.
    """
    if mode in MULTIPART_MODES:
        raw_body = body if isinstance(body, bytes) else b"--tollgate-test--\r\n"
        request = parse_request(mode, raw_body, MULTIPART_TYPE, form or {"model": "whisper-1"})
    else:
        if body is None:
            body = dict(SAMPLE_BODIES[mode])
        if isinstance(body, dict):
            body = orjson.dumps({**body, "stream": True} if stream else body)
        request = parse_request(mode, body, "application/json", None)
    ctx = RelayContext(
        request_id="test-request", path=path or PATH_BY_MODE[mode], request=request,
        token=TokenSnapshot(id=1, user_id=1, name="test", status=1, expired_time=-1, unlimited_quota=True,
                            models=frozenset(), subnets=(), subnet_text=""),
        user=UserSnapshot(id=1, username="tester", group="default", status=1, role=1),
        enforce_usage=enforce_usage,
    )
    ctx.use_channel(make_channel(channel_type, base_url=base_url, key=key, model_mapping=model_mapping,
                                 system_prompt=system_prompt, config=config, other=other))
    return ctx
