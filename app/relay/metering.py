"""What each relay mode costs: the amount reserved before the call and the amount charged after it."""

from __future__ import annotations

from app.billing.pricing import Price, audio_speech_quota, check_image_request, image_quota, price_for
from app.options import current as current_options
from app.relay.context import RelayContext
from app.relay.modes import RelayMode
from app.relay.schemas import InvalidRequest, Usage

IMAGE_MODES = frozenset({RelayMode.IMAGES_GENERATIONS, RelayMode.IMAGES_EDITS, RelayMode.IMAGES_VARIATIONS})
TRANSCRIPTION_MODES = frozenset({RelayMode.AUDIO_TRANSCRIPTION, RelayMode.AUDIO_TRANSLATION})
MAX_SPEECH_INPUT_CHARS = 4096  # OpenAI's limit for /v1/audio/speech


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
    """An upper bound of the charge. Without max_tokens, PreConsumedQuota stands in for the reply length."""
    if ctx.mode in IMAGE_MODES or ctx.mode == RelayMode.AUDIO_SPEECH:
        return fixed_charge(ctx)
    reply_allowance = ctx.request.max_tokens or current_options().get_int("PreConsumedQuota")
    if ctx.mode in (RelayMode.EMBEDDINGS, RelayMode.MODERATIONS):
        reply_allowance = 0
    if ctx.mode in TRANSCRIPTION_MODES:
        return price.quota(reply_allowance, 0)
    return price.reservation(prompt_tokens, reply_allowance)


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

