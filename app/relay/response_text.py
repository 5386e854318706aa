"""The completion text inside a non-stream reply, for counting when the upstream reports no usage."""

from __future__ import annotations

import orjson

from app.relay.modes import RelayMode


def extract_text(mode: RelayMode, body: bytes, response_format: str = "json") -> str:
    """Never raises: a reply we cannot read contributes no text."""
    if mode in (RelayMode.AUDIO_TRANSCRIPTION, RelayMode.AUDIO_TRANSLATION):
        return _transcript(body, response_format)
    if mode not in (RelayMode.CHAT, RelayMode.COMPLETIONS, RelayMode.EDITS):
        return ""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    choices = data.get("choices") if isinstance(data, dict) else None
    return "".join(_choice_text(choice) for choice in choices or () if isinstance(choice, dict))


def _choice_text(choice: dict) -> str:
    if isinstance(choice.get("text"), str):
        return choice["text"]
    message = choice.get("message")
    if not isinstance(message, dict):
        return ""
    parts = [message.get("content") if isinstance(message.get("content"), str) else ""]
    for call in message.get("tool_calls") or ():
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict):
            parts.append(str(function.get("name") or "") + str(function.get("arguments") or ""))
    return "".join(parts)


def _transcript(body: bytes, response_format: str) -> str:
    text = body.decode("utf-8", "replace")
    if response_format in ("json", "verbose_json", ""):
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return ""
        return data.get("text", "") if isinstance(data, dict) and isinstance(data.get("text"), str) else ""
    if response_format in ("srt", "vtt"):
        # Subtitle files: the spoken text is on the lines after each timing line.
        lines, keep = [], False
        for line in text.splitlines():
            if "-->" in line:
                keep = True
            elif keep and line.strip():
                lines.append(line)
            else:
                keep = False
        return "\n".join(lines)
    return text.rstrip("\n")
