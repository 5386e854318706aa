"""Prices from the built-in tables and the ratio options, and the quota they put on requests."""

from __future__ import annotations

import logging

import pytest

from app.billing.default_prices import COMPLETION_RATIOS, MODEL_RATIOS
from app.billing.pricing import (
    UNLIMITED_REPLY,
    Price,
    audio_speech_quota,
    check_image_request,
    group_ratio,
    image_quota,
    output_limit,
    price_for,
    validate_ratio_option,
)
from app.extensions import db
from app.models import ChannelType, Option
from app.options import current as current_options

OPENAI = int(ChannelType.OPENAI)
AWS = 33


@pytest.fixture
def context(app):
    with app.app_context():
        yield


def set_option(key: str, value: str) -> None:
    db.session.merge(Option(key=key, value=value))
    db.session.commit()
    current_options().reload()


# --- the formula ---------------------------------------------------------------------------------

def test_quota_weights_completion_tokens_and_multiplies_both_ratios():
    assert Price(2.5, 4, 2).quota(1000, 500) == (1000 + 500 * 4) * 2.5 * 2


def test_quota_rounds_up_fractions():
    assert Price(0.075, 4, 1).quota(7, 3) == 2  # (7 + 12) × 0.075 = 1.425


def test_quota_is_at_least_one_when_priced():
    assert Price(0.000295, 1, 1).quota(1, 0) == 1
    assert Price(-500000, 1, 1).quota(100, 100) == 1


def test_quota_is_zero_without_tokens():
    assert Price(2.5, 4, 1).quota(0, 0) == 0


def test_quota_is_zero_for_free_models():
    assert Price(0, 1, 1).quota(1000, 1000) == 0
    assert Price(2.5, 4, 0).quota(1000, 1000) == 0


def test_reservation_prices_the_completion_ceiling():
    assert Price(2.5, 4, 1).reservation(100, 1000) == 10250
    assert Price(0.075, 4, 1).reservation(1, 0) == 1
    assert Price(2.5, 4, 1).reservation(0, 0) == 0
    assert Price(0, 4, 1).reservation(10, 10) == 0


def test_describe_matches_one_apis_log_line():
    assert Price(2.5, 4, 1).describe() == "倍率：2.50 × 1.00 × 4.00"
    assert Price(0.0375, 4 / 3, 0.5).describe() == "倍率：0.04 × 0.50 × 1.33"


# --- built-in ratios -----------------------------------------------------------------------------

def test_default_tables_cover_one_apis_map():
    assert len(MODEL_RATIOS) >= 566
    assert COMPLETION_RATIOS["whisper-1"] == 0
    assert all(isinstance(ratio, (int, float)) for ratio in MODEL_RATIOS.values())


@pytest.mark.parametrize("model, model_ratio, completion_ratio", [
    ("gpt-3.5-turbo", 0.25, 3),
    ("gpt-3.5-turbo-0125", 0.25, 3),
    ("gpt-3.5-turbo-1106", 0.5, 2),
    ("gpt-3.5-turbo-16k", 1.5, 4 / 3),
    ("gpt-4", 15, 2),
    ("gpt-4-32k", 30, 2),
    ("gpt-4-turbo", 5, 3),
    ("gpt-4-vision-preview", 5, 3),
    ("gpt-4o", 2.5, 4),
    ("gpt-4o-2024-05-13", 2.5, 3),
    ("gpt-4o-2024-08-06", 1.25, 4),
    ("gpt-4o-mini", 0.075, 4),
    ("chatgpt-4o-latest", 2.5, 3),
    ("o1", 7.5, 4),
    ("o1-mini", 1.5, 4),
    ("o3-mini", 1.5, 1),
    ("text-embedding-3-small", 0.01, 1),
    ("whisper-1", 15, 0),
    ("dall-e-3", 20, 1),
    ("claude-instant-1.2", 0.4, 3),
    ("claude-2.1", 4, 3),
    ("claude-3-haiku-20240307", 0.125, 5),
    ("claude-3-opus-20240229", 7.5, 5),
    ("gemini-1.5-flash", 0.0375, 3),
    ("gemini-2.0-flash", 0.075, 3),
    ("mistral-large-latest", 4, 3),
    ("deepseek-chat", 0.07, 2),
    ("deepseek-reasoner", 0.275, 2.19 / 0.55),
    ("ERNIE-4.0-8K", 8.52, 1),
    ("glm-4", 7.1, 1),
    ("glm-4-flash", 0, 1),
    ("qwen-turbo", 0.0213, 1),
    ("moonshot-v1-128k", 4.26, 1),
    ("SparkDesk-v4.0", 1.2858, 1),
    ("step-1-8k", 0.000355, 1),
    ("llama3-70b-8192", 0.000295, 0.79 / 0.59),
    ("command", 0.5, 2),
    ("command-r-plus", 1.5, 5),
    ("grok-beta", 2.5, 3),
    ("meta/llama-2-70b", 325, 2.75 / 0.65),
    ("openrouter/auto", -500000, 1),
    ("gpt-4.1", 1, 4),
    ("o3", 1, 4),
    ("o4-mini", 0.55, 4),
])
def test_default_ratios(context, model, model_ratio, completion_ratio):
    price = price_for(model, OPENAI, "default")
    assert price.model_ratio == pytest.approx(model_ratio)
    assert price.completion_ratio == pytest.approx(completion_ratio)
    assert price.group_ratio == 1


def test_unknown_model_costs_thirty_and_warns_once(context, caplog):
    caplog.set_level(logging.WARNING, logger="app.billing.pricing")
    for group in ("default", "vip", "default"):
        assert price_for("no-such-model-x", OPENAI, group).model_ratio == 30
    warnings = [record for record in caplog.records if "no-such-model-x" in record.getMessage()]
    assert len(warnings) == 1


def test_internet_suffix_is_billed_as_the_plain_model(context):
    assert price_for("qwen-turbo-internet", OPENAI, "default").model_ratio == pytest.approx(0.0213)
    command = price_for("command-r-internet", OPENAI, "default")
    assert (command.model_ratio, command.completion_ratio) == (0.25, 3)
    assert price_for("gpt-4o-internet", OPENAI, "default").model_ratio == 30


# --- lookup order --------------------------------------------------------------------------------

def test_channel_specific_default_beats_plain_default(context):
    on_aws = price_for("llama3-70b-8192", AWS, "default")
    assert on_aws.model_ratio == pytest.approx(1.325)
    assert on_aws.completion_ratio == pytest.approx(0.0035 / 0.00265)
    assert price_for("llama3-70b-8192", OPENAI, "default").model_ratio == pytest.approx(0.000295)


def test_option_overrides_the_default(context):
    set_option("ModelRatio", '{"gpt-4o": 5}')
    assert price_for("gpt-4o", OPENAI, "default").model_ratio == 5
    assert price_for("gpt-4", OPENAI, "default").model_ratio == 15  # absent from the option: default


def test_channel_specific_option_beats_plain_option(context):
    set_option("ModelRatio", '{"gpt-4o(1)": 6, "gpt-4o": 5}')
    assert price_for("gpt-4o", OPENAI, "default").model_ratio == 6
    assert price_for("gpt-4o", 3, "default").model_ratio == 5


def test_channel_specific_default_beats_plain_option(context):
    set_option("ModelRatio", '{"llama3-70b-8192": 9}')
    assert price_for("llama3-70b-8192", AWS, "default").model_ratio == pytest.approx(1.325)
    assert price_for("llama3-70b-8192", OPENAI, "default").model_ratio == 9
    set_option("ModelRatio", '{"llama3-70b-8192(33)": 7}')
    assert price_for("llama3-70b-8192", AWS, "default").model_ratio == 7


def test_completion_option_overrides_the_rules(context):
    set_option("CompletionRatio", '{"gpt-4o": 2, "o3-mini(1)": 4}')
    assert price_for("gpt-4o", OPENAI, "default").completion_ratio == 2
    assert price_for("o3-mini", OPENAI, "default").completion_ratio == 4
    assert price_for("o3-mini", 3, "default").completion_ratio == 1
    assert price_for("deepseek-chat", OPENAI, "default").completion_ratio == 2


@pytest.mark.parametrize("bad_value", ["", "not json", "[1, 2]", '{"gpt-4o": "cheap"}', '{"gpt-4o": NaN}'])
def test_unusable_option_falls_back_to_defaults(context, bad_value):
    set_option("ModelRatio", bad_value)
    set_option("CompletionRatio", bad_value)
    price = price_for("gpt-4o", OPENAI, "default")
    assert (price.model_ratio, price.completion_ratio) == (2.5, 4)


def test_changed_option_takes_effect_after_reload(context):
    assert price_for("gpt-4o", OPENAI, "default").model_ratio == 2.5
    set_option("ModelRatio", '{"gpt-4o": 5}')
    assert price_for("gpt-4o", OPENAI, "default").model_ratio == 5
    set_option("GroupRatio", '{"default": 2}')
    assert price_for("gpt-4o", OPENAI, "default").group_ratio == 2
    set_option("ModelRatio", '{"gpt-4o": 3}')
    assert price_for("gpt-4o", OPENAI, "default") == Price(3, 4, 2)


# --- groups --------------------------------------------------------------------------------------

def test_group_ratio_comes_from_the_option_and_defaults_to_one(context):
    assert group_ratio("vip") == 1
    set_option("GroupRatio", '{"default": 1, "vip": 0.5}')
    assert group_ratio("vip") == 0.5
    assert group_ratio("no-such-group") == 1
    assert price_for("gpt-4o", OPENAI, "vip").quota(1000, 0) == 1250


def test_unusable_group_option_keeps_the_default_groups(context):
    set_option("GroupRatio", "{broken")
    assert group_ratio("svip") == 1


# --- images --------------------------------------------------------------------------------------

@pytest.mark.parametrize("model, size, quality, n, quota", [
    ("dall-e-3", "1024x1024", None, 1, 20000),
    ("dall-e-3", "1024x1024", "standard", 1, 20000),
    ("dall-e-3", "1024x1024", "hd", 1, 40000),
    ("dall-e-3", "1792x1024", None, 1, 40000),
    ("dall-e-3", "1024x1792", "hd", 1, 60000),
    ("dall-e-2", "256x256", None, 1, 10000),
    ("dall-e-2", "512x512", None, 1, 11250),
    ("dall-e-2", "1024x1024", None, 3, 37500),
    ("dall-e-2", "1024x1024", "hd", 1, 12500),
    ("wanx-v1", "720x1280", None, 2, 16000),
])
def test_image_quota(context, model, size, quality, n, quota):
    assert image_quota(model, size, quality, n, "default", OPENAI) == quota


def test_image_quota_applies_the_group_ratio(context):
    set_option("GroupRatio", '{"default": 1, "vip": 0.5}')
    assert image_quota("dall-e-3", "1024x1024", None, 1, "vip", OPENAI) == 10000


def test_replicate_image_quota_counts_one_image(context):
    assert image_quota("black-forest-labs/flux-schnell", "1024x1024", None, 4, "default", ChannelType.REPLICATE) == 1500


@pytest.mark.parametrize("model, size, prompt, n, error", [
    ("dall-e-3", "1024x1024", "a cat", 1, None),
    ("dall-e-2", "512x512", "a cat", 10, None),
    ("cogview-3", "999x999", "a cat", 1, None),
    ("some-new-model", "999x999", "a cat", 7, None),
    ("dall-e-3", "1024x1024", "", 1, "prompt is required"),
    ("dall-e-3", "512x512", "a cat", 1, "size not supported for this image model"),
    ("dall-e-2", "1024x1792", "a cat", 1, "size not supported for this image model"),
    ("dall-e-2", "256x256", "x" * 1001, 1, "prompt is too long"),
    ("dall-e-2", "256x256", "猫" * 334, 1, "prompt is too long"),  # 1002 bytes
    ("dall-e-3", "1024x1024", "x" * 4000, 1, None),
    ("cogview-3", "1024x1024", "x" * 834, 1, "prompt is too long"),
    ("dall-e-3", "1024x1024", "a cat", 2, "invalid value of n"),
    ("dall-e-2", "256x256", "a cat", 11, "invalid value of n"),
    ("dall-e-2", "256x256", "a cat", 0, "invalid value of n"),
    ("wanx-v1", "1024x1024", "a cat", 5, "invalid value of n"),
])
def test_check_image_request(model, size, prompt, n, error):
    assert check_image_request(model, size, prompt, n) == error


# --- speech --------------------------------------------------------------------------------------

def test_speech_quota_is_per_input_byte(context):
    assert audio_speech_quota("tts-1", "hello", "default", OPENAI) == 38  # 5 × 7.5 = 37.5
    assert audio_speech_quota("tts-1", "你好", "default", OPENAI) == 45  # 6 bytes
    assert audio_speech_quota("tts-1-hd", "hello", "default", OPENAI) == 75
    assert audio_speech_quota("tts-1", "", "default", OPENAI) == 0


# --- what a balance affords --------------------------------------------------------------------------

@pytest.mark.parametrize("price", [Price(0.075, 4, 1), Price(2.5, 4, 0.8), Price(30, 1, 1), Price(0.01875, 3, 1.1),
                                   Price(7.5, 4, 1)])
@pytest.mark.parametrize("prompt_tokens", [0, 1, 9, 1234])
@pytest.mark.parametrize("budget", [1, 17, 1000, 123_457, 10**9])
def test_affordable_completion_is_the_longest_reply_whose_reservation_fits(price, prompt_tokens, budget):
    tokens = price.affordable_completion_tokens(prompt_tokens, budget)
    if tokens is None:
        assert price.reservation(prompt_tokens, 0) > budget
        return
    assert price.reservation(prompt_tokens, tokens) <= budget
    assert tokens == UNLIMITED_REPLY or budget < price.reservation(prompt_tokens, tokens + 1)


def test_affordable_completion_is_unbounded_when_completions_are_free():
    assert Price(1, 0, 1).affordable_completion_tokens(10, 10) == UNLIMITED_REPLY
    assert Price(1, 0, 1).affordable_completion_tokens(10, 9) is None
    assert Price(0, 4, 1).affordable_completion_tokens(10**6, 0) == UNLIMITED_REPLY


def test_output_limit_from_exact_names_then_prefixes():
    assert output_limit("gpt-4o-2024-05-13") == 4_096  # an exact entry beats the gpt-4o prefix
    assert output_limit("gpt-4o-2024-08-06") == 16_384
    assert output_limit("o1-mini") == 65_536 and output_limit("o1-2024-12-17") == 100_000
    assert output_limit("claude-3-5-sonnet-20241022") == 8_192
    assert output_limit("in-house-llm") is None


# --- option validation ---------------------------------------------------------------------------

@pytest.mark.parametrize("key, value", [
    ("ModelRatio", '{"gpt-4o": 2.5, "llama3-70b-8192(33)": 1.325, "glm-4-flash": 0}'),
    ("CompletionRatio", "{}"),
    ("GroupRatio", '{"default": 1, "vip": 0.8}'),
    ("SystemName", "not json at all"),
])
def test_validate_ratio_option_accepts(key, value):
    assert validate_ratio_option(key, value) is None


@pytest.mark.parametrize("key, value, expected", [
    ("ModelRatio", "{oops", "ModelRatio is not valid JSON"),
    ("GroupRatio", "", "GroupRatio is not valid JSON"),
    ("ModelRatio", "[1, 2]", "ModelRatio must be a JSON object"),
    ("CompletionRatio", "3", "CompletionRatio must be a JSON object"),
    ("ModelRatio", '{"gpt-4o": "2.5"}', 'the value under "gpt-4o" is not a number'),
    ("ModelRatio", '{"gpt-4o": true}', 'the value under "gpt-4o" is not a number'),
    ("ModelRatio", '{"gpt-4o": null}', 'the value under "gpt-4o" is not a number'),
    ("ModelRatio", '{"gpt-4o": 1e999}', 'the value under "gpt-4o" is not a number'),
    ("ModelRatio", '{"gpt-4o": Infinity}', "ModelRatio is not valid JSON"),
    ("GroupRatio", '{"default": 1, "vip": -0.5}', 'GroupRatio: the value under "vip" is negative'),
])
def test_validate_ratio_option_names_the_problem(key, value, expected):
    message = validate_ratio_option(key, value)
    assert message is not None and expected in message
