"""What each relay mode costs: the amount reserved before the call and the amount charged after it."""

from __future__ import annotations

from app.billing.output_limits import DEFAULT_OUTPUT_LIMIT
from app.billing.pricing import Price, audio_speech_quota, check_image_request, image_quota, output_limit, price_for
from app.options import current as current_options
from app.relay.context import RelayContext
from app.relay.modes import RelayMode
from app.relay.schemas import InvalidRequest, Usage

IMAGE_MODES = frozenset({RelayMode.IMAGES_GENERATIONS, RelayMode.IMAGES_EDITS, RelayMode.IMAGES_VARIATIONS})
TRANSCRIPTION_MODES = frozenset({RelayMode.AUDIO_TRANSCRIPTION, RelayMode.AUDIO_TRANSLATION})
MAX_SPEECH_INPUT_CHARS = 4096  # OpenAI's limit for /v1/audio/speech
# The shortest reply per choice worth sending when the balance cannot pay for the full one: below it the
# call is refused (403 insufficient_quota), as a reply cut after a few words is worth less than its prompt.
MIN_REPLY_TOKENS = 16


def check_priced_request(ctx: RelayContext) -> None:
    """Requests priced by what they ask for must ask for something the model can do: a clear 400 otherwise."""
    payload = ctx.request.payload
    if ctx.mode == RelayMode.IMAGES_GENERATIONS:
        problem = check_image_request(ctx.upstream_model, str(payload.get("size") or "1024x1024"),
                                      payload.get("prompt") or "", image_count(payload))
        if problem:
            raise InvalidRequest(f"{problem[0].upper()}{problem[1:]}.", code="invalid_image_request")
    if ctx.mode == RelayMode.AUDIO_SPEECH and len(payload.get("input") or "") > MAX_SPEECH_INPUT_CHARS:
        raise InvalidRequest(f"'input' is longer than {MAX_SPEECH_INPUT_CHARS} characters.", code="text_too_long")


def current_price(ctx: RelayContext) -> Price:
    """The price of the channel the request is aimed at now (mapping applied: the upstream model is billed)."""
    return price_for(ctx.upstream_model, ctx.channel.type, ctx.group)


def reservation(ctx: RelayContext, price: Price, prompt_tokens: int) -> int:
    """An upper bound of the charge: the prompt once, and every choice at full length.

    Full length is the client's max_tokens, else the model's output limit (app.billing.output_limits), or
    DEFAULT_OUTPUT_LIMIT for a model the table does not know. That default is not sent upstream while the
    balance affords it: a self-hosted model may refuse a max_tokens above its own limit, and a stream is
    cut at its budget anyway; only a non-stream reply past it can overdraw, by that one call, logged.
    """
    if ctx.mode in IMAGE_MODES or ctx.mode == RelayMode.AUDIO_SPEECH:
        return fixed_charge(ctx)
    if ctx.mode in TRANSCRIPTION_MODES:
        # Billed on the transcript, whose length the audio sets: PreConsumedQuota stands in for it.
        return price.quota(ctx.request.max_tokens or current_options().get_int("PreConsumedQuota"), 0)
    if ctx.mode in (RelayMode.EMBEDDINGS, RelayMode.MODERATIONS):
        return price.reservation(prompt_tokens, 0)
    allowance = ctx.request.max_tokens
    if allowance is None:
        allowance = output_limit(ctx.upstream_model) or DEFAULT_OUTPUT_LIMIT
    ctx.completion_budget = allowance * ctx.request.choice_count
    return price.reservation(prompt_tokens, ctx.completion_budget)


def capped_reservation(ctx: RelayContext, price: Price, prompt_tokens: int, available: int) -> int | None:
    """The reservation of the longest reply ``available`` affords, capping the request's max_tokens to it.

    None when the request has no reply to shorten, or when each choice would get fewer than
    MIN_REPLY_TOKENS: such a reply is refused rather than sent to end at once with "length".
    """
    if ctx.completion_budget is None:
        return None
    affordable = price.affordable_completion_tokens(prompt_tokens, max(available, 0))
    per_choice = 0 if affordable is None else affordable // ctx.request.choice_count
    if per_choice < MIN_REPLY_TOKENS:
        return None
    ctx.reply_limit = min(per_choice, ctx.completion_budget // ctx.request.choice_count)
    ctx.completion_budget = ctx.reply_limit * ctx.request.choice_count
    return price.reservation(prompt_tokens, ctx.completion_budget)


def charge(ctx: RelayContext, price: Price, usage: Usage) -> int:
    if ctx.mode in IMAGE_MODES or ctx.mode == RelayMode.AUDIO_SPEECH:
        return fixed_charge(ctx)
    if ctx.mode in TRANSCRIPTION_MODES:
        # Billed on the transcript's tokens at the model's ratio (whisper-1: 15 → about $0.006 a minute).
        return price.quota(usage.prompt_tokens + usage.completion_tokens, 0)
    return price.quota(usage.prompt_tokens, usage.completion_tokens)


def fixed_charge(ctx: RelayContext) -> int:
    """Images and speech cost what the request asks for, known before the call."""
    payload, form = ctx.request.payload, ctx.request.form
    if ctx.mode == RelayMode.AUDIO_SPEECH:
        return audio_speech_quota(ctx.upstream_model, payload.get("input") or "", ctx.group, ctx.channel.type)
    fields = payload or form
    return image_quota(ctx.upstream_model, str(fields.get("size") or "1024x1024"), fields.get("quality"),
                       image_count(fields), ctx.group, ctx.channel.type)


def image_count(fields: dict) -> int:
    try:
        return max(1, int(fields.get("n") or 1))
    except (TypeError, ValueError):
        return 1

