"""Relaying an upstream SSE stream event by event, and billing it by how it ended.

How a stream can end, and what is billed:
- FINISHED: the upstream ended it properly ([DONE] or a finish_reason, then end of body). The client
  gets [DONE]; the bill uses the upstream's usage, else prompt tokens plus a count of the text relayed.
- CUT_OFF: the upstream connection broke or the body ended early. The client gets an SSE error event
  and never a fake [DONE]; the bill covers the prompt and what was relayed before the break.
- TIMED_OUT: the upstream stopped sending for longer than RELAY_STREAM_IDLE_TIMEOUT. As CUT_OFF. (Silence
  before the first bytes, RELAY_FIRST_EVENT_TIMEOUT, fails the attempt instead: the pipeline moves on to
  the next channel, as nothing was relayed yet.)
- CLIENT_GONE: the client disconnected. The upstream read stops at once (its connection is closed);
  the bill covers the prompt and what was generated up to then.
- REPLY_LIMIT: the completion grew past what the reservation covers (an upstream that ignores
  max_tokens). The chunk that passed it is dropped, the upstream read stops, and the client gets a
  clean end: a chunk with finish_reason "length" for every choice, the usage chunk if asked for, and
  [DONE], as if the upstream had honoured max_tokens. The bill is the reservation's completion
  budget, never more.
A stream that relayed nothing and carried no usage is refunded in full, whatever the ending.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, Iterator

import orjson

from app.redaction import Redactor, redactor_for
from app.relay.adaptors.base import Adaptor, StreamParser
from app.relay.context import RelayContext
from app.relay.errors import client_message
from app.relay.modes import RelayMode
from app.relay.schemas import Usage
from app.relay.sse import DONE_EVENT, SSEDecoder, encode_event
from app.relay.tokenizer import CompletionCounter
from app.relay.upstream import UpstreamResponse, UpstreamUnavailable, iter_stream

log = logging.getLogger(__name__)

FINISHED, CUT_OFF, TIMED_OUT, CLIENT_GONE = "finished", "cut_off", "timed_out", "client_gone"
REPLY_LIMIT = "reply_limit"

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"}


class StreamOutcome:
    """What the stream left behind for billing."""

    def __init__(self, prompt_tokens: int, model: str, completion_budget: int | None = None) -> None:
        self.ending = CLIENT_GONE  # until proven otherwise: a generator closed early means the client left
        self.prompt_tokens = prompt_tokens
        self.counter = CompletionCounter(model)
        self.upstream_usage: Usage | None = None
        self.relayed_anything = False
        self.completion_budget = completion_budget  # None: no limit to enforce
        self.over_budget = False
        self._counted = 0  # the exact count at the last check
        self._unchecked_bytes = 0  # text added since; a token is at least one byte, so this bounds it

    def add_text(self, text: str) -> None:
        """Count a piece of the completion, noting when it takes the completion past its budget."""
        self.counter.add(text)
        if self.completion_budget is None:
            return
        # Counting exactly on every chunk costs CPU on the hot path; only a bound past the budget needs it.
        self._unchecked_bytes += len(text.encode("utf-8", "surrogatepass"))
        if self._counted + self._unchecked_bytes > self.completion_budget:
            self._counted, self._unchecked_bytes = self.counter.total(), 0
            self.over_budget = self._counted > self.completion_budget

    def usage(self) -> Usage:
        if self.ending == REPLY_LIMIT:
            return Usage(self.prompt_tokens, self.completion_budget)
        if self.upstream_usage is not None and self.upstream_usage.total_tokens > 0:
            usage = self.upstream_usage
            return usage if usage.prompt_tokens else Usage(self.prompt_tokens, usage.completion_tokens)
        return Usage(self.prompt_tokens, self.counter.total())


def relay_stream(ctx: RelayContext, adaptor: Adaptor, response: UpstreamResponse, prompt_tokens: int,
                 on_end: Callable[[StreamOutcome], None],
                 on_progress: Callable[[StreamOutcome], None]) -> Iterator[bytes]:
    """Yield the client's SSE bytes; ``on_end`` bills the outcome exactly once, however the stream ends, and
    ``on_progress`` hears of the outcome so far after every read from the upstream (cheap: it runs often)."""
    outcome = StreamOutcome(prompt_tokens, ctx.upstream_model, ctx.completion_budget)
    parser = adaptor.stream_parser(ctx)
    billed = False
    try:
        yield from _relay_events(response, parser, outcome, redactor_for(ctx.channel.key), on_progress)
        if outcome.over_budget:
            outcome.ending = REPLY_LIMIT
            yield encode_event(_length_chunk(ctx))
            if ctx.request.wants_usage:
                yield encode_event(_usage_chunk(ctx, outcome.usage()))
            billed = True
            on_end(outcome)
            yield DONE_EVENT
        elif parser.done:
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


def _relay_events(response: UpstreamResponse, parser: StreamParser, outcome: StreamOutcome,
                  redactor: Redactor, on_progress: Callable[[StreamOutcome], None]) -> Iterator[bytes]:
    decoder = SSEDecoder()
    for raw in iter_stream(response):
        for payload in decoder.feed(raw):
            yield from _emit(parser.feed(payload), outcome, redactor)
            if outcome.over_budget:
                return
        on_progress(outcome)
    for payload in decoder.flush():
        yield from _emit(parser.feed(payload), outcome, redactor)
    yield from _emit(parser.finish(), outcome, redactor)


def _emit(delta, outcome: StreamOutcome, redactor: Redactor) -> Iterator[bytes]:
    if delta.text:
        outcome.add_text(delta.text)
    if outcome.over_budget:
        return  # past the reservation: nothing more reaches the client
    for chunk in delta.chunks:
        outcome.relayed_anything = True
        # Every event, {"error": ...} chunks included: an upstream may quote the key it was sent.
        yield encode_event(redactor.redact_bytes(chunk))


def _usage_chunk(ctx: RelayContext, usage: Usage) -> bytes:
    return orjson.dumps({"id": f"chatcmpl-{ctx.request_id}", "object": "chat.completion.chunk",
                         "model": ctx.request.model, "choices": [], "usage": usage.as_dict()})


def _length_chunk(ctx: RelayContext) -> bytes:
    """The last chunk of a stream stopped at its reservation: every choice ends as max_tokens would end it."""
    count = ctx.request.choice_count
    if ctx.mode == RelayMode.COMPLETIONS:
        choices = [{"index": index, "text": "", "logprobs": None, "finish_reason": "length"} for index in range(count)]
        kind, id_prefix = "text_completion", "cmpl"
    else:
        choices = [{"index": index, "delta": {}, "logprobs": None, "finish_reason": "length"} for index in range(count)]
        kind, id_prefix = "chat.completion.chunk", "chatcmpl"
    return orjson.dumps({"id": f"{id_prefix}-{ctx.request_id}", "object": kind, "created": int(time.time()),
                         "model": ctx.request.model, "choices": choices})


def _error_event(ctx: RelayContext, message: str, code: str) -> bytes:
    message = client_message(message, ctx.channel)  # a transport error names the upstream URL
    error = {"message": f"{message} (request id: {ctx.request_id})", "type": "upstream_error", "code": code}
    return encode_event(orjson.dumps({"error": error}))
