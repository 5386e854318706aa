"""relay(ctx): the story of one relay request, from routing to the bill."""

from __future__ import annotations

import logging

import requests
from flask import Response, stream_with_context

from app.billing import quota
from app.billing.ledger import Account, QuotaExhausted
from app.billing.pricing import Price
from app.billing.usage_log import CallRecord, consume_log_row
from app.cache.channels import ChannelSnapshot, channel_pool
from app.channels import health, selection
from app.options import current as current_options
from app.redaction import redactor_for
from app.relay import admission, metering, upstream
from app.relay.adaptors import get_adaptor
from app.relay.adaptors.base import Adaptor, UpstreamError
from app.relay.adaptors.openai import UpstreamFailure
from app.relay.context import RelayContext
from app.relay.errors import quota_error, upstream_failure
from app.relay.prompts import prompt_parts
from app.relay.response_text import extract_text
from app.relay.schemas import Usage
from app.relay.streaming import SSE_HEADERS, StreamOutcome, relay_stream
from app.relay.tokenizer import count_prompt_tokens, count_text_tokens

log = logging.getLogger(__name__)

RESERVE_ATTEMPTS = 4  # the full reservation, then up to three capped to the balance found


def relay(ctx: RelayContext) -> Response:
    channels = route(ctx)
    ctx.use_channel(channels[0])
    metering.check_priced_request(ctx)
    prompt = prompt_parts(ctx.request.payload, ctx.mode, ctx.upstream_model)
    admission.admit(ctx, prompt)  # size and balance, before the costly count
    prompt_tokens = count_prompt_tokens(prompt, ctx.upstream_model)
    reservation = reserve(ctx, metering.current_price(ctx), prompt_tokens)
    try:
        adaptor, response = send_with_retries(ctx, channels)
    except BaseException:
        quota.refund(reservation)
        raise
    if ctx.request.stream:
        def bill_stream(outcome: StreamOutcome) -> None:
            if outcome.relayed_anything or outcome.upstream_usage is not None:
                bill(ctx, reservation, outcome.usage())
            else:
                quota.refund(reservation)

        def keep_alive(outcome: StreamOutcome) -> None:
            # Should this worker die, the sweeper charges what the client had received by the last beat.
            quota.keep_alive(reservation, lambda: metering.charge(ctx, metering.current_price(ctx), outcome.usage()),
                             ctx.channel.id)

        events = relay_stream(ctx, adaptor, response, prompt_tokens, bill_stream, keep_alive)
        return Response(stream_with_context(events), mimetype="text/event-stream", headers=SSE_HEADERS)
    return finish_json(ctx, adaptor, response, reservation, prompt_tokens)


def route(ctx: RelayContext) -> list[ChannelSnapshot]:
    """The channels to try, best first, keeping only those whose adaptor serves this endpoint."""
    pool = channel_pool()
    if ctx.pinned_channel_id is not None:
        found = selection.pinned(pool, ctx.pinned_channel_id)
    else:
        found = selection.candidates(pool, ctx.group, ctx.request.model)
    usable = [channel for channel in found if (adaptor := get_adaptor(channel.type)) and adaptor.supports(ctx.mode)]
    if not usable:
        raise selection.NoChannel(f"No channel that serves this endpoint for model {ctx.request.model}.")
    return usable


def reserve(ctx: RelayContext, price: Price, prompt_tokens: int) -> quota.Reservation:
    """Hold the most the call can cost; when the balance affords less, cap the reply at what it affords."""
    account = Account(user_id=ctx.user.id, token_id=ctx.token.id, token_unlimited=ctx.token.unlimited_quota)
    detail = {"username": ctx.user.username, "token_name": ctx.token.name, "model_name": ctx.upstream_model,
              "is_stream": ctx.request.stream}
    amount = metering.reservation(ctx, price, prompt_tokens)
    # A concurrent call may take the balance between reading it and holding it: read again, a few times.
    for _ in range(RESERVE_ATTEMPTS):
        try:
            return quota.reserve(ctx.request_id, account, amount, channel_id=ctx.channel.id, detail=detail)
        except QuotaExhausted as exhausted:
            holder = exhausted.holder
        amount = metering.capped_reservation(ctx, price, prompt_tokens, quota.balances(account).spendable)
        if amount is None:
            break
    raise quota_error(holder)


def send_with_retries(ctx: RelayContext, channels: list[ChannelSnapshot]) -> tuple[Adaptor, requests.Response]:
    """Try channels in order until one answers with success, at most 1 + RetryTimes of them."""
    attempts = 1 if ctx.pinned_channel_id is not None else 1 + max(0, current_options().get_int("RetryTimes"))
    error: UpstreamError | None = None
    for channel in channels[:attempts]:
        ctx.use_channel(channel)
        adaptor = get_adaptor(channel.type)
        error, response = attempt(ctx, adaptor)
        health.record_result(channel, error)
        if error is None:
            return adaptor, response
        log.info("Request %s: channel #%s failed: %s %s", ctx.request_id, channel.id, error.status, error.code)
        if not error.retryable:
            break
    raise upstream_failure(error, ctx.channel)


def attempt(ctx: RelayContext, adaptor: Adaptor) -> tuple[UpstreamError | None, requests.Response | None]:
    try:
        response = upstream.client().send(adaptor.build_request(ctx))
    except upstream.UpstreamUnavailable as exc:
        return unavailable(exc), None
    content_type = response.headers.get("Content-Type", "")
    # A stream answered with a JSON body is an error in disguise (Baidu, Zhipu, DashScope do this).
    if response.status_code in (200, 201) and not (ctx.request.stream and content_type.startswith("application/json")):
        return await_reply(ctx, response)
    try:
        body = upstream.read_body(response)
    except upstream.UpstreamUnavailable as exc:
        return UpstreamError(502, "upstream_error", "upstream_unavailable", str(exc)), None
    status = response.status_code if response.status_code >= 400 else 502
    return adaptor.parse_error(status, body), None


def await_reply(ctx: RelayContext, response: upstream.UpstreamResponse) -> tuple[UpstreamError | None,
                                                                                 upstream.UpstreamResponse | None]:
    """Wait for the whole body, or a stream's first bytes, before committing to this channel: an upstream
    silent past its timeout fails the attempt while nothing is relayed, so another channel may answer."""
    try:
        if ctx.request.stream:
            upstream.await_first_bytes(response, upstream.client().idle_timeout)
        else:
            upstream.await_body(response)
    except upstream.UpstreamUnavailable as exc:
        response.close()
        return unavailable(exc), None
    return None, response


def unavailable(exc: upstream.UpstreamUnavailable) -> UpstreamError:
    return UpstreamError(504 if exc.timed_out else 502, "upstream_error", "upstream_unavailable", str(exc))


def finish_json(ctx: RelayContext, adaptor: Adaptor, response: requests.Response,
                reservation: quota.Reservation, prompt_tokens: int) -> Response:
    try:
        body, usage = adaptor.parse_response(ctx, upstream.read_body(response))
    except (upstream.UpstreamUnavailable, UpstreamFailure) as exc:
        quota.refund(reservation)
        error = exc.error if isinstance(exc, UpstreamFailure) else \
            UpstreamError(502, "upstream_error", "upstream_unavailable", str(exc))
        raise upstream_failure(error, ctx.channel) from None
    if usage is None or usage.total_tokens == 0:
        usage = Usage(prompt_tokens, count_text_tokens(completion_text(ctx, body), ctx.upstream_model))
    bill(ctx, reservation, usage)
    # Billed on what the upstream said; the client gets it without the channel's key in any form.
    redactor = redactor_for(ctx.channel.key)
    return Response(redactor.redact_bytes(body), status=response.status_code,
                    content_type=redactor.redact(response.headers.get("Content-Type", "application/json")))


def completion_text(ctx: RelayContext, body: bytes) -> str:
    return extract_text(ctx.mode, body, ctx.request.form.get("response_format", "json"))


def bill(ctx: RelayContext, reservation: quota.Reservation, usage: Usage) -> None:
    price = metering.current_price(ctx)
    charged = metering.charge(ctx, price, usage)
    call = CallRecord(
        user_id=ctx.user.id, username=ctx.user.username, token_name=ctx.token.name, model=ctx.upstream_model,
        channel_id=ctx.channel.id, request_id=ctx.request_id, elapsed_ms=ctx.elapsed_ms(),
        is_stream=ctx.request.stream, system_prompt_reset=ctx.system_prompt_reset,
    )
    quota.settle(reservation, ctx.channel.id, charged,
                 consume_log_row(call, usage.prompt_tokens, usage.completion_tokens, price, charged,
                                 reserved=reservation.amount))

