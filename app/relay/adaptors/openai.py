"""OpenAI and every provider that speaks its wire format. https://platform.openai.com/docs/api-reference"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, ClassVar

import orjson

from app.models.channel import ChannelType
from app.relay.adaptors.base import Adaptor, StreamDelta, UpstreamError, UpstreamRequest
from app.relay.adaptors.errors import parse_openai_error
from app.relay.modes import RelayMode
from app.relay.schemas import Usage

if TYPE_CHECKING:
    from app.cache.channels import ChannelSnapshot
    from app.relay.context import RelayContext

ALL_MODES = frozenset(RelayMode)
CLOUDFLARE_GATEWAY = "https://gateway.ai.cloudflare.com"


class OpenAICompatibleAdaptor(Adaptor):
    """The OpenAI wire format. Vendors differ by data (base URL, models, path prefix), rarely by code."""

    supported_modes: ClassVar[frozenset[RelayMode]] = ALL_MODES
    path_prefix: ClassVar[str] = "/v1"  # put between the base URL and the client's path after /v1
    asks_stream_usage: ClassVar[bool] = True  # the upstream accepts stream_options.include_usage
    docs_url: ClassVar[str] = "https://platform.openai.com/docs/api-reference"

    def __init__(self, channel_type: ChannelType | None = None, display_name: str | None = None,
                 default_base_url: str | None = None, default_models: tuple[str, ...] | None = None,
                 path_prefix: str | None = None, supported_modes: frozenset[RelayMode] | None = None,
                 docs_url: str | None = None) -> None:
        # Vendor rows configure instances; subclasses set class attributes instead.
        for name, value in (("channel_type", channel_type), ("display_name", display_name),
                            ("default_base_url", default_base_url), ("default_models", default_models),
                            ("path_prefix", path_prefix), ("supported_modes", supported_modes),
                            ("docs_url", docs_url)):
            if value is not None:
                setattr(self, name, value)

    def request_url(self, ctx: "RelayContext") -> str:
        return self.base_url(ctx.channel) + self.path_prefix + ctx.path

    def request_headers(self, ctx: "RelayContext") -> dict[str, str]:
        headers = {"Authorization": f"Bearer {ctx.channel.key}", "Content-Type": ctx.request.content_type}
        if ctx.request.stream:
            headers["Accept"] = "text/event-stream"
        return headers

    def request_body(self, ctx: "RelayContext") -> bytes:
        request = ctx.request
        ask_usage = request.stream and self.asks_stream_usage and not request.wants_usage
        if not request.payload or not (ctx.body_changed or ask_usage):
            return request.raw_body  # nothing to change: forward the client's bytes as they came
        payload = dict(request.payload)
        payload["model"] = ctx.upstream_model
        if ctx.system_prompt_reset:
            payload["messages"] = with_system_prompt(payload["messages"], ctx.channel.system_prompt)
        if ctx.reply_limit is not None:
            self.limit_reply(ctx, payload, ctx.reply_limit)
        if ask_usage:
            payload["stream_options"] = {**(payload.get("stream_options") or {}), "include_usage": True}
        return orjson.dumps(payload)

    def limit_reply(self, ctx: "RelayContext", payload: dict, limit: int) -> None:
        """Cap each choice at ``limit`` tokens in whichever field the client used, else in max_tokens."""
        fields = [name for name in ("max_completion_tokens", "max_tokens") if payload.get(name) is not None]
        for name in fields or [self.reply_limit_field(ctx)]:
            payload[name] = limit

    def reply_limit_field(self, ctx: "RelayContext") -> str:
        return "max_tokens"

    def parse_response(self, ctx: "RelayContext", body: bytes) -> tuple[bytes, Usage | None]:
        if ctx.mode in (RelayMode.AUDIO_SPEECH, RelayMode.AUDIO_TRANSCRIPTION, RelayMode.AUDIO_TRANSLATION):
            return body, None
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise UpstreamFailure(UpstreamError(502, "upstream_error", "bad_response_body",
                                                "The upstream sent a reply that is not JSON.")) from None
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict) and (error.get("type") or error.get("message")):
            raise UpstreamFailure(parse_openai_error(502, body))
        return body, Usage.from_upstream(data.get("usage")) if isinstance(data, dict) else None

    def stream_parser(self, ctx: "RelayContext") -> "OpenAIStreamParser":
        return OpenAIStreamParser(ctx.mode, forward_usage=ctx.request.wants_usage or ctx.enforce_usage)

    def parse_error(self, status: int, body: bytes) -> UpstreamError:
        return parse_openai_error(status, body)


class UpstreamFailure(Exception):
    """An upstream reply that arrived with a success status but carries or is an error."""

    def __init__(self, error: UpstreamError) -> None:
        super().__init__(error.message)
        self.error = error


def with_system_prompt(messages: list, prompt: str) -> list:
    """The channel's forced system prompt replaces a leading system message, or goes in front."""
    if messages and isinstance(messages[0], dict) and messages[0].get("role") == "system":
        return [{**messages[0], "content": prompt}, *messages[1:]]
    return [{"role": "system", "content": prompt}, *messages]


class OpenAIStreamParser:
    """Passes OpenAI chunks through byte for byte, noting usage and the text they carry."""

    def __init__(self, mode: RelayMode, *, forward_usage: bool) -> None:
        self.mode = mode
        self.forward_usage = forward_usage
        self.usage: Usage | None = None
        self.done = False

    def feed(self, data: bytes) -> StreamDelta:
        if data == b"[DONE]":
            self.done = True
            return StreamDelta([], "")
        try:
            chunk = orjson.loads(data)
        except orjson.JSONDecodeError:
            return StreamDelta([data], "")
        if not isinstance(chunk, dict):
            return StreamDelta([data], "")
        usage = Usage.from_upstream(chunk.get("usage"))
        if usage is not None:
            self.usage = usage
        choices = chunk.get("choices")
        if not choices:
            # Azure's prompt-filter chunks carry neither choices nor usage; a usage-only chunk goes only
            # to clients that asked for it.
            keep = "error" in chunk or (usage is not None and self.forward_usage)
            return StreamDelta([data] if keep else [], "")
        return StreamDelta([data], self._text(choices))

    def _text(self, choices: list) -> str:
        parts = []
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            if choice.get("finish_reason"):
                self.done = True
            if self.mode == RelayMode.COMPLETIONS:
                parts.append(choice.get("text") or "")
                continue
            delta = choice.get("delta") or {}
            if isinstance(delta, dict):
                parts.append(_delta_text(delta))
        return "".join(parts)

    def finish(self) -> StreamDelta:
        return StreamDelta([], "")


def _delta_text(delta: dict) -> str:
    text = delta.get("content")
    parts = [text if isinstance(text, str) else ""]
    reasoning = delta.get("reasoning_content")
    if isinstance(reasoning, str):
        parts.append(reasoning)
    for call in delta.get("tool_calls") or ():
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict):
            parts.append(str(function.get("name") or "") + str(function.get("arguments") or ""))
    return "".join(parts)


class OpenAIAdaptor(OpenAICompatibleAdaptor):
    channel_type = ChannelType.OPENAI
    display_name = "OpenAI"
    default_base_url = "https://api.openai.com"
    default_models = (
        "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o1", "o1-mini", "o3", "o3-mini",
        "o4-mini", "gpt-4-turbo", "gpt-4", "gpt-3.5-turbo", "chatgpt-4o-latest", "text-embedding-3-small",
        "text-embedding-3-large", "text-embedding-ada-002", "text-moderation-latest", "omni-moderation-latest",
        "dall-e-2", "dall-e-3", "gpt-image-1", "whisper-1", "tts-1", "tts-1-hd", "gpt-4o-mini-tts",
        "davinci-002", "babbage-002", "gpt-3.5-turbo-instruct",
    )

    def reply_limit_field(self, ctx: "RelayContext") -> str:
        # Reasoning models (o1, o3, …) refuse max_tokens on chat; legacy completions know only max_tokens.
        return "max_completion_tokens" if ctx.mode == RelayMode.CHAT else "max_tokens"

    def request_url(self, ctx: "RelayContext") -> str:
        base = self.base_url(ctx.channel)
        # Cloudflare's AI Gateway takes OpenAI paths without the /v1 segment.
        prefix = "" if base.startswith(CLOUDFLARE_GATEWAY) else self.path_prefix
        return base + prefix + ctx.path

    def balance_request(self, channel: "ChannelSnapshot", replies: tuple[bytes, ...] = ()) -> UpstreamRequest | None:
        """OpenAI's legacy dashboard takes two calls: the subscription (hard limit, payment method), then
        the usage since the billing period began, which starts 100 days back for accounts without a card."""
        if len(replies) > 1:
            return None
        base, headers = self.base_url(channel), {"Authorization": f"Bearer {channel.key}"}
        if not replies:
            return UpstreamRequest("GET", f"{base}/v1/dashboard/billing/subscription", headers, None, False)
        today = datetime.now(timezone.utc).date()
        paying = orjson.loads(replies[0]).get("has_payment_method")
        start = today.replace(day=1) if paying else today - timedelta(days=100)
        return UpstreamRequest("GET", f"{base}/v1/dashboard/billing/usage?start_date={start}&end_date={today}",
                               headers, None, False)

    def parse_balance(self, body: bytes, earlier: tuple[bytes, ...] = ()) -> float:
        # total_usage is in cents; hard_limit_usd in dollars.
        return float(orjson.loads(earlier[0])["hard_limit_usd"]) - float(orjson.loads(body)["total_usage"]) / 100
