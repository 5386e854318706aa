"""Server-sent events: an incremental decoder for upstream streams and the encoder for our clients."""

from __future__ import annotations

DONE = b"[DONE]"


class SSEDecoder:
    """Feed raw bytes, get back each ``data`` field's value.

    Every ``data:`` line counts as one payload, as One API reads streams (some upstreams put events on
    consecutive lines without a blank line between). Unlike One API, the space after the colon is
    optional, so ``data:{...}`` is not lost; comments, ``event:`` and ``id:`` lines are dropped.
    """

    def __init__(self) -> None:
        self._partial = b""

    def feed(self, raw: bytes) -> list[bytes]:
        if self._partial:
            raw = self._partial + raw
        lines = raw.split(b"\n")
        self._partial = lines.pop()
        return [payload for payload in map(_payload, lines) if payload is not None]

    def flush(self) -> list[bytes]:
        """The last payload when the stream ended without a final newline."""
        payload, self._partial = _payload(self._partial), b""
        return [payload] if payload is not None else []


def _payload(line: bytes) -> bytes | None:
    if not line.startswith(b"data:"):
        return None
    value = line[5:].rstrip(b"\r")
    return value[1:] if value.startswith(b" ") else value


def encode_event(data: bytes) -> bytes:
    return b"data: " + data + b"\n\n"


DONE_EVENT = encode_event(DONE)
