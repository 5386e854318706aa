"""The adaptor interface: pure translation between the OpenAI API and one upstream provider.

Adaptors do no I/O and know nothing of Flask, the database or billing. The pipeline hands them a
RelayContext and gets back an UpstreamRequest; it hands them upstream bytes and gets back OpenAI
bytes, usage when the upstream reported it, and UpstreamError for failures.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol

from app.models.channel import ChannelType
from app.relay.modes import RelayMode
from app.relay.schemas import Usage

if TYPE_CHECKING:
    from app.cache.channels import ChannelSnapshot
    from app.relay.context import RelayContext


@dataclass(frozen=True, slots=True)
class UpstreamRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    stream: bool


@dataclass(frozen=True, slots=True)
class UpstreamError:
    status: int  # HTTP status for the client
    type: str  # OpenAI error.type
    code: str | None
    message: str
    retryable: bool = True  # may another channel succeed where this one failed?
    disables_channel: bool = False  # the channel itself is dead (revoked key, no credit)


class StreamDelta(NamedTuple):
    chunks: list[bytes]  # JSON payloads to send as "data: <payload>" events, in order
    text: str  # completion text those chunks carry, for counting when the upstream reports no usage


class StreamParser(Protocol):
    usage: Usage | None  # set once the upstream reports it
    done: bool  # the upstream ended the stream properly

    def feed(self, data: bytes) -> StreamDelta: ...

    def finish(self) -> StreamDelta: ...


class Adaptor(ABC):
    """Translate between the OpenAI API and one upstream provider."""

    channel_type: ClassVar[ChannelType]
    display_name: ClassVar[str]
    default_base_url: ClassVar[str]
    default_models: ClassVar[tuple[str, ...]] = ()
    supported_modes: ClassVar[frozenset[RelayMode]] = frozenset({RelayMode.CHAT})
    config_schema: ClassVar[dict] = {}
    docs_url: ClassVar[str] = ""

    def supports(self, mode: RelayMode) -> bool:
        return mode in self.supported_modes

    def base_url(self, channel: "ChannelSnapshot") -> str:
        return (channel.base_url or self.default_base_url).rstrip("/")

    def build_request(self, ctx: "RelayContext") -> UpstreamRequest:
        """Template method: the three parts below make the request; override them, rarely this."""
        return UpstreamRequest(
            method="POST", url=self.request_url(ctx), headers=self.request_headers(ctx),
            body=self.request_body(ctx), stream=ctx.request.stream,
        )

    @abstractmethod
    def request_url(self, ctx: "RelayContext") -> str: ...

    @abstractmethod
    def request_headers(self, ctx: "RelayContext") -> dict[str, str]: ...

    @abstractmethod
    def request_body(self, ctx: "RelayContext") -> bytes: ...

    @abstractmethod
    def parse_response(self, ctx: "RelayContext", body: bytes) -> tuple[bytes, Usage | None]:
        """The client's response body and the usage the upstream reported (None when it reported none)."""

    @abstractmethod
    def stream_parser(self, ctx: "RelayContext") -> StreamParser: ...

    @abstractmethod
    def parse_error(self, status: int, body: bytes) -> UpstreamError:
        """Classify a failed upstream reply. Must never raise, whatever the body."""

    # A balance query is a short exchange: each call gets the replies so far and returns the next request,
    # or None when no (more) request is needed; None on the first call means the provider has none.
    def balance_request(self, channel: "ChannelSnapshot", replies: tuple[bytes, ...] = ()) -> UpstreamRequest | None:
        return None

    def parse_balance(self, body: bytes, earlier: tuple[bytes, ...] = ()) -> float:
        """The balance in the last reply; raises ValueError, KeyError or TypeError when it cannot be read."""
        raise NotImplementedError
