"""The consume log row written once per billed client request."""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.billing.pricing import Price
from app.models.log import LOG_CONSUME
from app.options import current as current_options


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What the relay knows about a finished call, in billing's words."""

    user_id: int
    username: str
    token_name: str
    model: str  # the model the upstream was asked for, after mapping
    channel_id: int
    request_id: str
    elapsed_ms: int
    is_stream: bool
    system_prompt_reset: bool


def consume_log_row(call: CallRecord, prompt_tokens: int, completion_tokens: int, price: Price,
                    quota: int) -> dict | None:
    """The logs row for a billed call, or None when the LogConsumeEnabled option is off."""
    if not current_options().get_bool("LogConsumeEnabled"):
        return None
    return {
        "user_id": call.user_id, "created_at": int(time.time()), "type": LOG_CONSUME,
        "content": price.describe(), "username": call.username, "token_name": call.token_name,
        "model_name": call.model, "quota": quota, "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens, "channel_id": call.channel_id, "request_id": call.request_id,
        "elapsed_time": call.elapsed_ms, "is_stream": call.is_stream,
        "system_prompt_reset": call.system_prompt_reset,
    }
