"""Checks cheap enough to run before any token is counted: a balance above zero (before the body is even
read), the prompt's size, and a balance that can pay at least a lower bound of the prompt's cost. A funded
caller loses nothing to them; an unfunded one costs no parsing and no counting.

The balance checks run only for large requests: counting a small prompt costs less than reading the
balance that could spare it, and the reservation refuses an unfunded small call anyway. So the relay's
usual call makes no extra read of the ledger (with Redis, no SQL at all)."""

from __future__ import annotations

from flask import current_app

from app.billing import quota
from app.billing.ledger import Account, Balances
from app.cache.tokens import TokenSnapshot
from app.cache.users import UserSnapshot
from app.relay import metering
from app.relay.context import RelayContext
from app.relay.errors import quota_error
from app.relay.modes import RelayMode
from app.relay.prompts import PromptParts
from app.relay.schemas import InvalidRequest
from app.relay.tokenizer import prompt_token_floor

# Priced by what they ask for, not by prompt tokens: the reservation itself is the cheap check.
_FIXED_CHARGE_MODES = metering.IMAGE_MODES | {RelayMode.AUDIO_SPEECH}
FUNDED_CHECK_BYTES = 256 * 1024  # a body at least this large (or of unknown length) is read only if funded
FLOOR_CHECK_CHARS = 64 * 1024  # a prompt at least this long is counted only if the balance covers its floor


def check_funded(token: TokenSnapshot, user: UserSnapshot, content_length: int | None) -> Balances | None:
    """Refuse (403) a large request from a key or an account with nothing left, before its body is read;
    the balances read, or None when the body is small enough not to need the check."""
    if content_length is not None and content_length < FUNDED_CHECK_BYTES:
        return None
    funds = quota.balances(Account(user.id, token.id, token.unlimited_quota))
    holder = funds.holder_short_of(1)
    if holder:
        raise quota_error(holder)
    return funds


def admit(ctx: RelayContext, parts: PromptParts) -> None:
    """Refuse a prompt over MAX_PROMPT_CHARS (413), or one its account cannot pay the least it may cost (403)."""
    check_prompt_size(parts)
    if ctx.mode in _FIXED_CHARGE_MODES or parts.char_count() < FLOOR_CHECK_CHARS:
        return
    # The reservation prices the same channel and holds at least this much, so no one it would admit is refused.
    least_cost = metering.current_price(ctx).quota(prompt_token_floor(parts), 0)
    funds = ctx.balances or quota.balances(Account(ctx.user.id, ctx.token.id, ctx.token.unlimited_quota))
    holder = funds.holder_short_of(least_cost)
    if holder:
        raise quota_error(holder)


def check_prompt_size(parts: PromptParts) -> None:
    limit = current_app.config["TOLLGATE"].max_prompt_chars
    size = parts.char_count()
    if limit and size > limit:
        raise InvalidRequest(f"The prompt has {size:,} characters; this gateway accepts at most {limit:,}. "
                             "Shorten it or split it over several requests.", status=413, code="prompt_too_large")
