"""Relaying an upstream SSE stream event by event, and billing it by how it ended.

How a stream can end, and what is billed:
- FINISHED: the upstream ended it properly ([DONE] or a finish_reason, then end of body). The client
  gets [DONE]; the bill uses the upstream's usage, else prompt tokens plus a count of the text relayed.
- CUT_OFF: the upstream connection broke or the body ended early. The client gets an SSE error event
  and never a fake [DONE]; the bill covers the prompt and what was relayed before the break.
- TIMED_OUT: the upstream stopped sending for longer than RELAY_TIMEOUT. As CUT_OFF.
- CLIENT_GONE: the client disconnected. The upstream read stops at once (its connection is closed);
  the bill covers the prompt and what was generated up to then.
A stream that relayed nothing and carried no usage is refunded in full, whatever the ending.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterator

import orjson

from app.relay.adaptors.base import Adaptor, StreamParser
from app.relay.context import RelayContext
from app.relay.schemas import Usage
from app.relay.sse import DONE_EVENT, SSEDecoder, encode_event
from app.relay.tokenizer import CompletionCounter
from app.relay.upstream import UpstreamResponse, UpstreamUnavailable, iter_stream

log = logging.getLogger(__name__)

FINISHED, CUT_OFF, TIMED_OUT, CLIENT_GONE = "finished", "cut_off", "timed_out", "client_gone"

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"}


class StreamOutcome:
    """What the stream left behind for billing."""

    def __init__(self, prompt_tokens: int, model: str) -> None:
        self.ending = CLIENT_GONE  # until proven otherwise: a generator closed early means the client left
        self.prompt_tokens = prompt_tokens
        self.counter = CompletionCounter(model)
        self.upstream_usage: Usage | None = None
        self.relayed_anything = False

    def usage(self) -> Usage:
        if self.upstream_usage is not None and self.upstream_usage.total_tokens > 0:
            usage = self.upstream_usage
            return usage if usage.prompt_tokens else Usage(self.prompt_tokens, usage.completion_tokens)
        return Usage(self.prompt_tokens, self.counter.total())


def relay_stream(ctx: RelayContext, adaptor: Adaptor, response: UpstreamResponse, prompt_tokens: int,
                 on_end: Callable[[StreamOutcome], None]) -> Iterator[bytes]:
    """Yield the client's SSE bytes; ``on_end`` bills the outcome exactly once, however the stream ends."""
    outcome = StreamOutcome(prompt_tokens, ctx.upstream_model)
    parser = adaptor.stream_parser(ctx)
    billed = False
    try:
        yield from _relay_events(response, parser, outcome)
        if parser.done:
            outcome.ending = FINISHED
            outcome.upstream_usage = parser.usage
            if ctx.request.wants_usage and parser.usage is None:
                yield encode_event(_usage_chunk(ctx, outcome.usage()))
            billed = True
            on_end(outcome)  # before [DONE], so a client that has seen [DONE] sees its bill too
            yield DONE_EVENT
        else:
            outcome.ending = CUT_OFF
            yield _error_event(ctx, "The upstream stream ended before it was complete.", "upstream_cut_off")
    except UpstreamUnavailable as exc:
        outcome.ending = TIMED_OUT if exc.timed_out else CUT_OFF
        yield _error_event(ctx, str(exc), "upstream_timeout" if exc.timed_out else "upstream_cut_off")
    finally:
        response.close()
        if not billed:
            outcome.upstream_usage = parser.usage
            log.info("Stream %s ended: %s", ctx.request_id, outcome.ending)
            on_end(outcome)


def _relay_events(response: UpstreamResponse, parser: StreamParser, outcome: StreamOutcome) -> Iterator[bytes]:
    decoder = SSEDecoder()
    for raw in iter_stream(response):
        for payload in decoder.feed(raw):
            yield from _emit(parser.feed(payload), outcome)
    for payload in decoder.flush():
        yield from _emit(parser.feed(payload), outcome)
    yield from _emit(parser.finish(), outcome)


def _emit(delta, outcome: StreamOutcome) -> Iterator[bytes]:
    if delta.text:
        outcome.counter.add(delta.text)
    for chunk in delta.chunks:
        outcome.relayed_anything = True
        yield encode_event(chunk)


def _usage_chunk(ctx: RelayContext, usage: Usage) -> bytes:
    return orjson.dumps({"id": f"chatcmpl-{ctx.request_id}", "object": "chat.completion.chunk",
                         "model": ctx.request.model, "choices": [], "usage": usage.as_dict()})


def _error_event(ctx: RelayContext, message: str, code: str) -> bytes:
    error = {"message": f"{message} (request id: {ctx.request_id})", "type": "upstream_error", "code": code}
    return encode_event(orjson.dumps({"error": error}))
