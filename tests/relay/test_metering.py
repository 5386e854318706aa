"""Reservation sizing: every choice at full length, the prompt once, and a reply capped to what the balance affords."""

from __future__ import annotations

import pytest

from app.billing.output_limits import DEFAULT_OUTPUT_LIMIT
from app.billing.pricing import Price
from app.models.channel import ChannelType
from app.relay import metering
from app.relay.modes import RelayMode
from app.relay.schemas import InvalidRequest
from tests.relay.adaptors.conftest import make_ctx

PRICE = Price(model_ratio=0.5, completion_ratio=4, group_ratio=1)
HI = [{"role": "user", "content": "hi"}]


def _chat(**fields):
    return make_ctx(ChannelType.OPENAI, body={"model": "gpt-4o-mini", "messages": HI, **fields})


def test_reservation_covers_every_choice_and_the_prompt_once():
    ctx = _chat(max_tokens=100, n=3)
    assert metering.reservation(ctx, PRICE, 40) == PRICE.reservation(40, 300) == 620
    assert ctx.completion_budget == 300 and ctx.reply_limit is None


def test_reservation_reads_max_completion_tokens():
    ctx = _chat(max_completion_tokens=50)
    assert metering.reservation(ctx, PRICE, 10) == PRICE.reservation(10, 50)


def test_reservation_without_max_tokens_assumes_the_models_output_limit():
    ctx = _chat(n=2)
    assert metering.reservation(ctx, PRICE, 10) == PRICE.reservation(10, 2 * 16_384)
    assert ctx.reply_limit is None  # the upstream cannot go past the model's own limit


def test_reservation_of_an_unknown_model_assumes_the_default_limit_without_sending_it():
    ctx = make_ctx(ChannelType.OPENAI, body={"model": "in-house-llm", "messages": HI})
    assert metering.reservation(ctx, PRICE, 10) == PRICE.reservation(10, DEFAULT_OUTPUT_LIMIT)
    assert ctx.reply_limit is None  # its own limit may be lower: a larger max_tokens would be refused
    assert ctx.completion_budget == DEFAULT_OUTPUT_LIMIT  # a stream is still cut there


def test_reservation_of_completions_counts_each_prompt_of_a_batch_and_best_of():
    ctx = make_ctx(ChannelType.OPENAI, mode=RelayMode.COMPLETIONS,
                   body={"model": "gpt-3.5-turbo-instruct", "prompt": ["a", "b"], "n": 2, "best_of": 3,
                         "max_tokens": 10})
    metering.reservation(ctx, PRICE, 2)
    assert ctx.completion_budget == 2 * 3 * 10


def test_reservation_of_embeddings_covers_the_prompt_only():
    ctx = make_ctx(ChannelType.OPENAI, mode=RelayMode.EMBEDDINGS)
    assert metering.reservation(ctx, PRICE, 10) == PRICE.reservation(10, 0) and ctx.completion_budget is None


@pytest.mark.parametrize("n", [0, -1, 129, 1.5, "2", True])
def test_invalid_n_is_a_400(n):
    with pytest.raises(InvalidRequest):
        _chat(n=n)


def test_capped_reservation_sends_the_reply_the_balance_affords():
    ctx = _chat(n=2)
    metering.reservation(ctx, PRICE, 40)
    amount = metering.capped_reservation(ctx, PRICE, 40, available=1_000)
    # (1000 / 0.5 - 40) / 4 = 490 completion tokens, 245 for each of the two choices.
    assert ctx.reply_limit == 245 and ctx.completion_budget == 490
    assert amount == PRICE.reservation(40, 490) == 1_000


def test_capped_reservation_never_raises_the_clients_max_tokens():
    ctx = _chat(max_tokens=100)
    metering.reservation(ctx, PRICE, 40)
    metering.capped_reservation(ctx, PRICE, 40, available=10**9)
    assert ctx.reply_limit == 100


def test_capped_reservation_refuses_below_the_minimum_useful_reply():
    ctx = _chat()
    metering.reservation(ctx, PRICE, 40)
    smallest = PRICE.reservation(40, metering.MIN_REPLY_TOKENS)
    assert metering.capped_reservation(ctx, PRICE, 40, available=smallest - 1) is None
    assert metering.capped_reservation(ctx, PRICE, 40, available=smallest) == smallest
    assert ctx.reply_limit == metering.MIN_REPLY_TOKENS


def test_capped_reservation_refuses_when_the_prompt_alone_is_unaffordable():
    ctx = _chat()
    metering.reservation(ctx, PRICE, 40)
    assert metering.capped_reservation(ctx, PRICE, 40, available=19) is None
    assert metering.capped_reservation(ctx, PRICE, 40, available=-5) is None


def test_capped_reservation_has_nothing_to_shorten_outside_replies():
    ctx = make_ctx(ChannelType.OPENAI, mode=RelayMode.EMBEDDINGS)
    metering.reservation(ctx, PRICE, 10)
    assert metering.capped_reservation(ctx, PRICE, 10, available=10**9) is None
