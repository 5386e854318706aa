"""What of a request is prompt: its texts, the tokens framing them and its images, collected uncounted.

Collecting is cheap (no tokenizer), so admission can check the prompt's size before anything is counted.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import orjson

from app.relay.modes import RelayMode

PAUSE_EVERY = 4096  # list items walked between two turns for other greenlets (about 5 ms of work)


@dataclass(slots=True)
class PromptParts:
    """What of a request is prompt, not yet counted: its texts, the tokens framing them, and its images."""

    texts: list[str] = field(default_factory=list)
    framing_tokens: int = 0  # per-message overhead and token ids: known without a tokenizer
    images: list[tuple[object, object]] = field(default_factory=list)  # (url, detail)

    def char_count(self) -> int:
        return sum(len(text) for text in self.texts)


def prompt_parts(payload: dict, mode: int, model: str) -> PromptParts:
    """Collect a request's prompt; any JSON shape is accepted and what cannot be counted is left out."""
    parts = PromptParts()
    if not isinstance(payload, dict):
        return parts
    if mode == RelayMode.CHAT:
        _collect_chat(payload, parts, model if isinstance(model, str) else "")
    elif mode == RelayMode.COMPLETIONS:
        _collect_input(payload.get("prompt"), parts)
    elif mode in (RelayMode.EMBEDDINGS, RelayMode.MODERATIONS, RelayMode.AUDIO_SPEECH):
        _collect_input(payload.get("input"), parts)
    elif mode == RelayMode.EDITS:
        _collect_input(payload.get("instruction"), parts)
        _collect_input(payload.get("input"), parts)
    return parts


def let_others_run() -> None:
    """Give other greenlets the hub in the middle of long prompt work; nothing to do outside gevent."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("socket"):
        import gevent

        gevent.sleep(0)


def _collect_input(value: object, parts: PromptParts, depth: int = 0) -> None:
    """A prompt/input: a string, a token id, or a list of those (one level of nesting for token arrays)."""
    if isinstance(value, str):
        parts.texts.append(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        parts.framing_tokens += 1
    elif isinstance(value, list) and depth < 2:
        for index, item in enumerate(value):
            _collect_input(item, parts, depth + 1)
            if index % PAUSE_EVERY == PAUSE_EVERY - 1:
                let_others_run()
    elif isinstance(value, dict) and isinstance(value.get("text"), str):
        parts.texts.append(value["text"])  # omni-moderation's [{"type": "text", "text": …}]


def _collect_chat(payload: dict, parts: PromptParts, model: str) -> None:
    per_message, per_name = (4, -1) if model == "gpt-3.5-turbo-0301" else (3, 1)
    parts.framing_tokens += 3  # every reply is primed with <|start|>assistant<|message|>
    messages = payload.get("messages")
    for index, message in enumerate(messages if isinstance(messages, list) else ()):
        if index % PAUSE_EVERY == PAUSE_EVERY - 1:
            let_others_run()
        if not isinstance(message, dict):
            continue
        parts.framing_tokens += per_message
        _collect_content(message.get("content"), parts)
        _collect_str(message.get("role"), parts)
        name = message.get("name")
        if isinstance(name, str):
            parts.texts.append(name)
            parts.framing_tokens += per_name
        # Beyond One API (flaw F6): what tool calling puts in the prompt is billed too.
        _collect_str(message.get("tool_call_id"), parts)
        _collect_call(message.get("function_call"), parts)
        tool_calls = message.get("tool_calls")
        for call in tool_calls if isinstance(tool_calls, list) else ():
            if isinstance(call, dict):
                _collect_call(call.get("function"), parts)
    for key in ("tools", "functions"):
        _collect_definitions(payload.get(key), parts)


def _collect_str(value: object, parts: PromptParts) -> None:
    if isinstance(value, str):
        parts.texts.append(value)


def _collect_call(function: object, parts: PromptParts) -> None:
    if isinstance(function, dict):
        _collect_str(function.get("name"), parts)
        _collect_str(function.get("arguments"), parts)


def _collect_definitions(definitions: object, parts: PromptParts) -> None:
    """Tool/function definitions, counted as their compact JSON."""
    for definition in definitions if isinstance(definitions, list) else ():
        try:
            parts.texts.append(orjson.dumps(definition).decode())
        except orjson.JSONEncodeError:
            continue


def _collect_content(content: object, parts: PromptParts) -> None:
    if isinstance(content, str):
        parts.texts.append(content)
        return
    for part in content if isinstance(content, list) else ():
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind == "image_url":
            image = part.get("image_url")
            if isinstance(image, dict):
                parts.images.append((image.get("url"), image.get("detail")))
            else:
                parts.images.append((image, None))
        elif kind in ("text", None):
            _collect_str(part.get("text"), parts)
        elif kind == "refusal":
            _collect_str(part.get("refusal"), parts)
