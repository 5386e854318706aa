"""Embeddings and moderations: endpoints that score their inputs rather than generate text."""

import base64
import struct
import zlib

from .exchange import Call, Reply
from .wire import BadRequest, count_input_tokens, dumps, new_id

_MODERATION_CATEGORIES = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
    "illicit/violent", "self-harm", "self-harm/instructions", "self-harm/intent", "sexual",
    "sexual/minors", "violence", "violence/graphic",
)
_CLEAN_RESULT = {
    "flagged": False,
    "categories": {name: False for name in _MODERATION_CATEGORIES},
    "category_scores": {name: 0.0 for name in _MODERATION_CATEGORIES},
    "category_applied_input_types": {name: ["text"] for name in _MODERATION_CATEGORIES},
}


def create_embeddings(call: Call) -> Reply:
    body = call.payload
    items = _embedding_items(body.get("input"))
    dimensions = body.get("dimensions") or call.behaviour.embedding_dimensions
    as_base64 = body.get("encoding_format") == "base64"
    data = [
        {"object": "embedding", "index": index, "embedding": _vector(item, dimensions, as_base64)}
        for index, item in enumerate(items)
    ]
    reply = {"object": "list", "data": data, "model": call.model}
    if not call.behaviour.omit_usage:
        prompt_tokens = count_input_tokens(items)
        reply["usage"] = {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens}
    return Reply(200, dumps(reply))


def create_moderation(call: Call) -> Reply:
    raw = call.payload.get("input")
    if raw is None:
        raise BadRequest("'input' is a required property", param="input")
    inputs = raw if isinstance(raw, list) else [raw]
    reply = {
        "id": new_id("modr-"),
        "model": call.model or "omni-moderation-latest",
        "results": [_CLEAN_RESULT] * len(inputs),
    }
    return Reply(200, dumps(reply))


def _embedding_items(raw: object) -> list:
    """Normalise the four accepted input shapes to a list of strings or token-id lists."""
    if isinstance(raw, str) and raw:
        return [raw]
    if isinstance(raw, list) and raw:
        if all(isinstance(item, int) for item in raw):
            return [raw]
        if all(isinstance(item, (str, list)) and item for item in raw):
            return raw
    raise BadRequest("'input' must be a non-empty string, list of strings or token ids", param="input")


def _vector(item: str | list, dimensions: int, as_base64: bool) -> list[float] | str:
    """Deterministic per input; multiples of 1/1024 so float32 base64 decodes to the same floats."""
    seed = zlib.crc32(item.encode() if isinstance(item, str) else bytes(str(item), "ascii"))
    values = [((seed + position * 7919) % 2048 - 1024) / 1024 for position in range(dimensions)]
    if as_base64:
        return base64.b64encode(struct.pack(f"<{dimensions}f", *values)).decode("ascii")
    return values
