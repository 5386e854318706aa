"""The mock's knobs: a Behaviour dataclass tests mutate, plus per-request `X-Mock-*` header overrides."""

import dataclasses
import typing
from dataclasses import dataclass

DEFAULT_MODELS = (
    "gpt-4o-mini",
    "gpt-4o",
    "gpt-3.5-turbo",
    "text-embedding-3-small",
    "whisper-1",
    "tts-1",
    "dall-e-3",
)


@dataclass
class Behaviour:
    """How the mock answers. Change fields between calls; MockUpstream.reset() restores these defaults."""

    latency: float = 0.0  # seconds slept before the response headers
    chunk_count: int = 5  # pieces the reply text (or tool arguments) is split into
    chunk_interval: float = 0.0  # seconds slept between two SSE events
    status: int | None = None  # force this HTTP status with an OpenAI-style error body
    error_message: str | None = None  # None: a default message for the status
    error_type: str | None = None  # None: a default OpenAI error.type for the status
    error_code: str | None = None  # None: a default OpenAI error.code for the status
    fail_times: int = 0  # >0: only the first N requests fail (with `status`, or 500 when unset)
    malformed: bool = False  # 200 with a cut-off body (JSON) or a cut-off first event (SSE)
    reset_after_chunks: int | None = None  # streams: shut the socket after N data events, no [DONE]
    omit_usage: bool = False  # never report usage, neither in JSON nor in streams
    reply_text: str = "Hello from the mock upstream."  # assistant text, completion text, transcript
    tool_call: bool = False  # chat replies call a tool instead of answering in text
    ignore_max_tokens: bool = False  # reply in full whatever max_tokens/max_completion_tokens say
    tool_arguments: str = '{"location": "Paris"}'  # the tool call's arguments string
    embedding_dimensions: int = 8  # vector length when the request gives no `dimensions`
    models: tuple[str, ...] = DEFAULT_MODELS  # served by GET /v1/models
    hard_limit_usd: float = 100.0  # billing subscription
    total_usage_cents: float = 1234.0  # billing usage (OpenAI reports cents)
    echo_key: bool = False  # hostile: quote the received key in bodies, events and headers (leaks.py)


_FIELD_TYPES = typing.get_type_hints(Behaviour)
_HEADER_PREFIX = "x-mock-"
# A failure counter shared across requests cannot be meaningfully set for a single request.
_NOT_PER_REQUEST = {"fail_times"}


def restore_defaults(behaviour: Behaviour) -> None:
    """Reset in place so tests holding a reference to the object keep seeing the live knobs."""
    for knob in dataclasses.fields(Behaviour):
        setattr(behaviour, knob.name, getattr(_DEFAULTS, knob.name))


def with_header_overrides(behaviour: Behaviour, headers: dict[str, str]) -> Behaviour:
    """A copy of `behaviour` changed by headers such as `X-Mock-Status: 429` (lower-cased keys)."""
    overrides = {}
    for name, value in headers.items():
        if not name.startswith(_HEADER_PREFIX):
            continue
        knob = name[len(_HEADER_PREFIX):].replace("-", "_")
        if knob in _FIELD_TYPES and knob not in _NOT_PER_REQUEST:
            overrides[knob] = _convert(value.strip(), _FIELD_TYPES[knob])
    return dataclasses.replace(behaviour, **overrides)


def _convert(value: str, annotation: typing.Any) -> typing.Any:
    args = typing.get_args(annotation)
    if type(None) in args:
        if value.lower() in ("", "none", "null"):
            return None
        annotation = next(arg for arg in args if arg is not type(None))
    if annotation is bool:
        return value.lower() in ("1", "true", "yes", "on")
    if typing.get_origin(annotation) is tuple:
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return annotation(value)


_DEFAULTS = Behaviour()
