"""Value types passed between the HTTP layer and the handlers: recorded requests and replies."""

from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import parse_qsl

from .behaviour import Behaviour


class Headers(dict):
    """Request headers keyed by lower-case name; lookups ignore case like HTTP does."""

    def __getitem__(self, name: str) -> str:
        return dict.__getitem__(self, name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and dict.__contains__(self, name.lower())

    def get(self, name: str, default: Any = None) -> Any:
        return dict.get(self, name.lower(), default)


@dataclass
class RecordedRequest:
    """One request as the mock received it; kept for test assertions."""

    method: str
    path: str  # as sent, without the query string
    query: str  # raw query string, "" when absent
    headers: Headers
    body: bytes
    json: Any = None  # parsed JSON body, None when the body is not JSON
    form: dict[str, str] | None = None  # multipart text fields
    files: dict[str, tuple[str, bytes]] | None = None  # multipart files: name -> (filename, bytes)
    route: str = ""  # endpoint after removing /v1 or the Azure prefix, e.g. "/chat/completions"
    deployment: str | None = None  # Azure deployment taken from the path

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))


@dataclass
class Call:
    """What a handler sees: the request and the knobs in force for it."""

    request: RecordedRequest
    behaviour: Behaviour

    @property
    def payload(self) -> dict:
        """The JSON body or, for multipart endpoints, the form fields."""
        if isinstance(self.request.json, dict):
            return self.request.json
        return self.request.form or {}

    @property
    def model(self) -> str:
        """The requested model; Azure requests name it in the path instead of the body."""
        return self.payload.get("model") or self.request.deployment or ""


@dataclass
class Reply:
    """A complete response with a known length."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()  # more response headers


@dataclass
class StreamReply:
    """A server-sent-event response; each item is one framed `data: ...\\n\\n` event."""

    events: Iterable[bytes]
    status: int = 200
    content_type: str = "text/event-stream; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()  # more response headers
