"""OpenAI wire-format building blocks and the deterministic token-count rule the mock reports.

Token counts, so tests can predict exact numbers:
* chat `prompt_tokens` = for every message, the whitespace-separated words of its text plus 3
  (text is `content` when it is a string, or the `text` of every part when it is a list;
  `None` counts as no words). One user message "Say hello" costs 2 + 3 = 5.
* completions, embeddings and moderations `prompt_tokens` = the words of each string input plus
  the length of each list of token ids; no per-item constant.
* `completion_tokens` = pieces emitted per choice × number of choices. The reply text (or the
  tool-call arguments) is split into min(chunk_count, len(text)) pieces, at least 1; the default
  reply "Hello from the mock upstream." with chunk_count 5 gives 5 pieces.
* `total_tokens` = `prompt_tokens` + `completion_tokens`.
"""

import itertools
import time
from typing import Any

try:
    import orjson

    def dumps(value: Any) -> bytes:
        return orjson.dumps(value)

except ImportError:  # the mock must keep working in an environment without orjson
    import json

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()


CHAT_MESSAGE_OVERHEAD = 3
DONE_EVENT = b"data: [DONE]\n\n"
SYSTEM_FINGERPRINT = "fp_mock"

# status -> (error.type, error.code, error.message) used when the knobs leave them unset
_ERROR_DEFAULTS = {
    400: ("invalid_request_error", None, "Invalid request to the mock upstream."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("permission_error", None, "You are not allowed to use this resource."),
    404: ("invalid_request_error", "not_found", "Not found on the mock upstream."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
    500: ("server_error", None, "The server had an error while processing your request."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}

_ids = itertools.count(1)


class BadRequest(Exception):
    """A request the real API would reject with 400; carries the OpenAI error `param`."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


def new_id(prefix: str) -> str:
    """`prefix` includes its separator, as OpenAI's differ: "chatcmpl-", "call_"."""
    # A counter is cheaper than uuid4 and keeps ids unique within one test process.
    return f"{prefix}mock{next(_ids):010d}"


def now() -> int:
    return int(time.time())


def count_words(text: Any) -> int:
    return len(text.split()) if isinstance(text, str) else 0


def count_chat_prompt_tokens(messages: list[dict]) -> int:
    total = 0
    for message in messages:
        content = message.get("content")
        if isinstance(content, list):
            total += sum(count_words(part.get("text")) for part in content if isinstance(part, dict))
        else:
            total += count_words(content)
        total += CHAT_MESSAGE_OVERHEAD
    return total


def count_input_tokens(value: Any) -> int:
    """Prompt tokens of a completions/embeddings input: str, [str], [int] or [[int]]."""
    if isinstance(value, str):
        return count_words(value)
    if isinstance(value, list):
        if value and all(isinstance(item, int) for item in value):
            return len(value)
        return sum(count_input_tokens(item) for item in value)
    return 0


def split_text(text: str, chunk_count: int) -> list[str]:
    """Cut `text` into min(chunk_count, len(text)) near-equal pieces (at least one)."""
    count = max(1, min(chunk_count, len(text)))
    size, extra = divmod(len(text), count)
    pieces, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        pieces.append(text[start:end])
        start = end
    return pieces


def usage(prompt_tokens: int, completion_tokens: int) -> dict:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def sse_event(payload: dict) -> bytes:
    return b"data: " + dumps(payload) + b"\n\n"


def error_body(status: int, message: str | None, type_: str | None, code: str | None,
               param: str | None = None) -> bytes:
    fallback = ("server_error" if status >= 500 else "invalid_request_error", None,
                f"Mock upstream error {status}.")
    default_type, default_code, default_message = _ERROR_DEFAULTS.get(status, fallback)
    return dumps({"error": {
        "message": message or default_message,
        "type": type_ or default_type,
        "param": param,
        "code": code or default_code,
    }})
