"""OpenAI request and usage shapes, and the validation that turns a body into a request or a clear 400."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from app.errors import AppError
from app.relay.modes import DEFAULT_MODEL, MULTIPART_MODES, RelayMode

MAX_TOKENS_LIMIT = 2**31 // 2  # One API's bound on max_tokens
MAX_CHOICES = 128  # OpenAI's bound on n


@dataclass(slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "total_tokens": self.total_tokens}

    @classmethod
    def from_upstream(cls, data: Any) -> "Usage | None":
        """Usage from an upstream ``usage`` object; None when absent or not numbers."""
        if not isinstance(data, dict):
            return None
        prompt, completion = data.get("prompt_tokens"), data.get("completion_tokens")
        if not isinstance(prompt, int) or isinstance(prompt, bool):
            return None
        if not isinstance(completion, int) or isinstance(completion, bool):
            total = data.get("total_tokens")
            completion = total - prompt if isinstance(total, int) and total >= prompt else 0
        return cls(max(prompt, 0), max(completion, 0))


@dataclass(slots=True)
class OpenAIRequest:
    """A validated client request. ``payload`` is the JSON body; multipart bodies carry ``form``."""

    mode: RelayMode
    model: str
    raw_body: bytes
    content_type: str
    payload: dict[str, Any] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    stream: bool = False
    max_tokens: int | None = None
    choice_count: int = 1  # n, and best_of for completions: the replies generated and billed
    wants_usage: bool = False  # the client asked for a usage chunk at the end of the stream


class InvalidRequest(AppError):
    status = 400
    type = "invalid_request_error"
    code = "invalid_request"


def parse_request(mode: RelayMode, raw_body: bytes, content_type: str, form: dict[str, str] | None) -> OpenAIRequest:
    if mode in MULTIPART_MODES:
        return _multipart_request(mode, raw_body, content_type, form or {})
    try:
        payload = orjson.loads(raw_body)
    except orjson.JSONDecodeError:
        raise InvalidRequest("The request body is not valid JSON.", code="invalid_json") from None
    if not isinstance(payload, dict):
        raise InvalidRequest("The request body must be a JSON object.", code="invalid_json")
    request = OpenAIRequest(mode=mode, model=_model(mode, payload.get("model")), raw_body=raw_body,
                            content_type=content_type, payload=payload)
    _check_fields(request)
    return request


def _model(mode: RelayMode, value: Any) -> str:
    if value is None or value == "":
        if mode in DEFAULT_MODEL:
            return DEFAULT_MODEL[mode]
        raise InvalidRequest("'model' is required.", code="missing_model")
    if not isinstance(value, str) or len(value) > 256:
        raise InvalidRequest("'model' must be a string of at most 256 characters.", code="invalid_model")
    return value


def _check_fields(request: OpenAIRequest) -> None:
    payload, mode = request.payload, request.mode
    request.stream = _optional(payload, "stream", bool) or False
    request.max_tokens = _max_tokens(payload)
    if mode == RelayMode.CHAT:
        request.choice_count = _choices(payload, "n")
    elif mode == RelayMode.COMPLETIONS:
        # best_of replies are generated and billed though only n come back; each prompt of a batch gets them.
        request.choice_count = max(_choices(payload, "n"), _choices(payload, "best_of")) * _prompt_count(payload)
    options = _optional(payload, "stream_options", dict) or {}
    request.wants_usage = request.stream and options.get("include_usage") is True
    if mode == RelayMode.CHAT:
        messages = payload.get("messages")
        if not isinstance(messages, list) or not messages:
            raise InvalidRequest("'messages' must be a non-empty array.", code="invalid_messages")
        if not all(isinstance(message, dict) for message in messages):
            raise InvalidRequest("Each item of 'messages' must be an object.", code="invalid_messages")
    elif mode == RelayMode.COMPLETIONS and "prompt" not in payload:
        raise InvalidRequest("'prompt' is required.", code="missing_prompt")
    elif mode in (RelayMode.EMBEDDINGS, RelayMode.MODERATIONS) and payload.get("input") in (None, "", []):
        raise InvalidRequest("'input' is required.", code="missing_input")
    elif mode == RelayMode.EDITS and not isinstance(payload.get("instruction"), str):
        raise InvalidRequest("'instruction' is required.", code="missing_instruction")
    elif mode in (RelayMode.IMAGES_GENERATIONS, RelayMode.AUDIO_SPEECH):
        _check_text_field(payload, "prompt" if mode == RelayMode.IMAGES_GENERATIONS else "input")


def _check_text_field(payload: dict, name: str) -> None:
    if not isinstance(payload.get(name), str) or not payload[name]:
        raise InvalidRequest(f"'{name}' is required and must be a string.", code=f"missing_{name}")


def _optional(payload: dict, name: str, kind: type) -> Any:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, kind):
        raise InvalidRequest(f"'{name}' must be of type {kind.__name__}.", code=f"invalid_{name}")
    return value


def _max_tokens(payload: dict) -> int | None:
    value = payload.get("max_completion_tokens", payload.get("max_tokens"))
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_TOKENS_LIMIT:
        raise InvalidRequest(f"'max_tokens' must be a whole number from 0 to {MAX_TOKENS_LIMIT}.",
                             code="invalid_max_tokens")
    return value or None


def _choices(payload: dict, name: str) -> int:
    value = payload.get(name)
    if value is None:
        return 1
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_CHOICES:
        raise InvalidRequest(f"'{name}' must be a whole number from 1 to {MAX_CHOICES}.", code=f"invalid_{name}")
    return value


def _prompt_count(payload: dict) -> int:
    """Completions take a batch of prompts (strings or token arrays) and answer each one n times."""
    prompt = payload.get("prompt")
    if isinstance(prompt, list) and prompt and not isinstance(prompt[0], int):
        return len(prompt)
    return 1


def _multipart_request(mode: RelayMode, raw_body: bytes, content_type: str, form: dict[str, str]) -> OpenAIRequest:
    if not content_type.startswith("multipart/form-data"):
        raise InvalidRequest("This endpoint takes multipart/form-data.", code="invalid_content_type")
    return OpenAIRequest(mode=mode, model=_model(mode, form.get("model")), raw_body=raw_body,
                         content_type=content_type, form=form)
