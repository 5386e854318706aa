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
                    quota: int, reserved: int | None = None) -> dict | None:
    """The logs row for a billed call, or None when the LogConsumeEnabled option is off."""
    if not current_options().get_bool("LogConsumeEnabled"):
        return None
    content = price.describe()
    if reserved is not None and quota > reserved:
        content += overdraft_note(quota, reserved)
    return {
        "user_id": call.user_id, "created_at": int(time.time()), "type": LOG_CONSUME,
        "content": content, "username": call.username, "token_name": call.token_name,
        "model_name": call.model, "quota": quota, "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens, "channel_id": call.channel_id, "request_id": call.request_id,
        "elapsed_time": call.elapsed_ms, "is_stream": call.is_stream,
        "system_prompt_reset": call.system_prompt_reset,
    }


def overdraft_note(quota: int, reserved: int) -> str:
    """Why a call cost more than was held for it: the one way past a zero balance, said in its log row."""
    return (f"; overdraft: charged {quota} against {reserved} reserved, {quota - reserved} more "
            "(the upstream reported more than was reserved: it ignored max_tokens or counted a longer prompt)")
