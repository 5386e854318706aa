"""Prices: the model, completion and group ratios in force, and the quota they put on a request."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache

from app.billing.default_prices import (
    COMPLETION_RATIOS,
    COMPLETION_RATIOS_BY_NAME,
    COMPLETION_RATIOS_BY_PREFIX,
    DEFAULT_GROUP_RATIOS,
    IMAGE_HD_RATIOS,
    IMAGE_N_RANGES,
    IMAGE_PROMPT_LIMITS,
    IMAGE_SIZE_RATIOS,
    MODEL_RATIOS,
    UNKNOWN_MODEL_RATIO,
)
from app.billing.output_limits import OUTPUT_LIMITS, OUTPUT_LIMITS_BY_PREFIX
from app.models.channel import ChannelType
from app.options import current as current_options

log = logging.getLogger(__name__)

RATIO_OPTIONS = ("ModelRatio", "CompletionRatio", "GroupRatio")
_MAX_MEMOIZED_PRICES = 10_000
_MAX_WARNED_NAMES = 1_000
# Search variants of these models are billed as the plain model.
_INTERNET_SUFFIX, _INTERNET_SUFFIX_PREFIXES = "-internet", ("qwen-", "command-")
UNLIMITED_REPLY = 2**31  # what a budget affords when completions cost nothing


@dataclass(frozen=True, slots=True)
class Price:
    """The three ratios that turn token counts into quota for one model, channel type and group."""

    model_ratio: float
    completion_ratio: float
    group_ratio: float

    def quota(self, prompt_tokens: int, completion_tokens: int) -> int:
        """What a finished call costs."""
        if prompt_tokens + completion_tokens == 0:
            return 0
        return self._charge(prompt_tokens + completion_tokens * self.completion_ratio)

    def reservation(self, prompt_tokens: int, max_completion_tokens: int) -> int:
        """The most a call can cost when it stops at max_completion_tokens; held back before the call."""
        if prompt_tokens + max_completion_tokens == 0:
            return 0
        return self._charge(prompt_tokens + max_completion_tokens * self.completion_ratio)

    def affordable_completion_tokens(self, prompt_tokens: int, budget: int) -> int | None:
        """The most completion tokens whose reservation with this prompt fits in ``budget``; None if the
        prompt alone does not fit. Free completions (or a free model) afford any length: UNLIMITED_REPLY."""
        if self.reservation(prompt_tokens, 0) > budget:
            return None
        ratio = self.model_ratio * self.group_ratio
        if ratio <= 0 or self.completion_ratio <= 0:
            return UNLIMITED_REPLY
        estimate = math.floor((budget / ratio - prompt_tokens) / self.completion_ratio)
        low, high = 0, min(UNLIMITED_REPLY, max(0, estimate))
        # The division is a float estimate of what _charge's ceil accepts: confirm it, else bisect below it.
        if self.reservation(prompt_tokens, high) <= budget:
            return high
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if self.reservation(prompt_tokens, middle) <= budget else (low, middle - 1)
        return low

    def describe(self) -> str:
        """The consume log's content line, worded as One API's so existing log readers keep working."""
        return f"倍率：{self.model_ratio:.2f} × {self.group_ratio:.2f} × {self.completion_ratio:.2f}"

    def _charge(self, weighted_tokens: float) -> int:
        ratio = self.model_ratio * self.group_ratio
        quota = math.ceil(weighted_tokens * ratio)
        # A priced call never rounds down to free; a negative ratio also lands here, as in One API.
        if ratio != 0 and quota <= 0:
            return 1
        return quota


@dataclass(frozen=True, slots=True)
class _RatioTables:
    """The ratio options as last read, their parsed overrides, and the prices computed from them."""

    sources: tuple[str, str, str]
    model: dict[str, float]
    completion: dict[str, float]
    group: dict[str, float]
    prices: dict[tuple[str, int, str], Price] = field(default_factory=dict)


_tables: _RatioTables | None = None
_warned_names: set[tuple[str, str]] = set()


def price_for(model: str, channel_type: int, group: str) -> Price:
    """The price of a model on a channel type for a user group, from the options over the defaults."""
    tables = _current_tables()
    key = (model, channel_type, group)
    price = tables.prices.get(key)
    if price is None:
        price = _compute_price(tables, model, channel_type, group)
        if len(tables.prices) >= _MAX_MEMOIZED_PRICES:
            tables.prices.clear()
        tables.prices[key] = price
    return price


def group_ratio(group: str) -> float:
    """The multiplier for a user group; a group with no ratio pays 1."""
    return _group_ratio(_current_tables().group, group)


def output_limit(model: str) -> int | None:
    """The most completion tokens one choice of ``model`` can have, or None when the tables do not know it."""
    name = _billing_name(model)
    limit = OUTPUT_LIMITS.get(name)
    if limit is not None:
        return limit
    for prefix, limit in OUTPUT_LIMITS_BY_PREFIX:
        if name.startswith(prefix):
            return limit
    return None


def image_quota(model: str, size: str, quality: str | None, n: int, group: str, channel_type: int) -> int:
    """What generating n images costs; call check_image_request first."""
    price = price_for(model, channel_type, group)
    per_image = int(price.model_ratio * price.group_ratio * _image_cost_ratio(model, size, quality) * 1000)
    # Replicate returns one image whatever n asks for.
    if channel_type == ChannelType.REPLICATE:
        return per_image
    return per_image * n


def check_image_request(model: str, size: str, prompt: str, n: int) -> str | None:
    """Why an image request cannot be served as asked, or None when it can."""
    if not prompt:
        return "prompt is required"
    sizes = IMAGE_SIZE_RATIOS.get(model)
    if sizes is not None and size not in sizes:
        return "size not supported for this image model"
    limit = IMAGE_PROMPT_LIMITS.get(model)
    if limit is not None and len(prompt.encode()) > limit:
        return "prompt is too long"
    low, high = IMAGE_N_RANGES.get(model, (n, n))
    if not low <= n <= high:
        return "invalid value of n"
    return None


def audio_speech_quota(model: str, text: str, group: str, channel_type: int) -> int:
    """What speaking text costs: speech models are priced per input byte."""
    price = price_for(model, channel_type, group)
    return math.ceil(len(text.encode()) * (price.model_ratio * price.group_ratio))


def validate_ratio_option(key: str, value: str) -> str | None:
    """Why a ModelRatio, CompletionRatio or GroupRatio value cannot be saved, or None when it can."""
    if key not in RATIO_OPTIONS:
        return None
    try:
        ratios = _parse_ratio_json(key, value)
    except ValueError as error:
        return str(error)
    built_in = MODEL_RATIOS if key == "ModelRatio" else {}
    for name, ratio in ratios.items():
        # The built-in table has one negative entry (openrouter/auto: one quota unit per call, as in One
        # API); the settings page sends the table back whole, so that value must round-trip.
        if ratio < 0 and built_in.get(name) != ratio:
            return f'{key}: the value under "{name}" is negative'
    return None


def _current_tables() -> _RatioTables:
    global _tables
    options = current_options()
    sources = (options.get("ModelRatio"), options.get("CompletionRatio"), options.get("GroupRatio"))
    tables = _tables
    if tables is None or tables.sources != sources:
        model_text, completion_text, group_text = sources
        tables = _RatioTables(
            sources=sources,
            model=_ratio_overrides("ModelRatio", model_text),
            completion=_ratio_overrides("CompletionRatio", completion_text),
            group=_ratio_overrides("GroupRatio", group_text) or DEFAULT_GROUP_RATIOS,
        )
        _tables = tables
    return tables


@lru_cache(maxsize=16)
def _ratio_overrides(key: str, text: str) -> dict[str, float]:
    """The admin's ratios, or none at all when the stored value is empty or unusable."""
    if not text.strip():
        return {}
    try:
        return _parse_ratio_json(key, text)
    except ValueError as error:
        # Saved values are validated, so this is a hand-edited row; billing must go on regardless.
        log.warning("ignoring the %s option, the built-in ratios apply: %s", key, error)
        return {}


def _parse_ratio_json(key: str, text: str) -> dict[str, float]:
    try:
        parsed = json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        raise ValueError(f"{key} is not valid JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"{key} must be a JSON object of names to numbers")
    for name, ratio in parsed.items():
        # bool is an int to Python but not a number to JSON; overflowed literals parse as inf.
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not math.isfinite(ratio):
            raise ValueError(f'{key}: the value under "{name}" is not a number')
    return {name: float(ratio) for name, ratio in parsed.items()}


def _reject_constant(constant: str) -> float:
    raise ValueError(f"{constant} is not a JSON number")


def _compute_price(tables: _RatioTables, model: str, channel_type: int, group: str) -> Price:
    name = _billing_name(model)
    return Price(
        model_ratio=_model_ratio(tables.model, name, channel_type),
        completion_ratio=_completion_ratio(tables.completion, name, channel_type),
        group_ratio=_group_ratio(tables.group, group),
    )


def _billing_name(model: str) -> str:
    if model.endswith(_INTERNET_SUFFIX) and model.startswith(_INTERNET_SUFFIX_PREFIXES):
        return model[: -len(_INTERNET_SUFFIX)]
    return model


def _lookup(overrides: dict[str, float], defaults: dict[str, float], name: str, channel_type: int) -> float | None:
    """One API's order: a channel-specific key beats a plain one, and the admin's map beats the defaults."""
    typed_name = f"{name}({channel_type})"
    for key in (typed_name, name):
        for ratios in (overrides, defaults):
            ratio = ratios.get(key)
            if ratio is not None:
                return ratio
    return None


def _model_ratio(overrides: dict[str, float], name: str, channel_type: int) -> float:
    ratio = _lookup(overrides, MODEL_RATIOS, name, channel_type)
    if ratio is None:
        _warn_once("model", name)
        return UNKNOWN_MODEL_RATIO
    return ratio


def _completion_ratio(overrides: dict[str, float], name: str, channel_type: int) -> float:
    ratio = _lookup(overrides, COMPLETION_RATIOS, name, channel_type)
    return _completion_ratio_by_name(name) if ratio is None else ratio


def _completion_ratio_by_name(name: str) -> float:
    if name.startswith("gpt-3.5"):
        return _gpt_35_completion_ratio(name)
    if name.startswith("gpt-4"):
        return _gpt_4_completion_ratio(name)
    for prefix, ratio in COMPLETION_RATIOS_BY_PREFIX:
        if name.startswith(prefix):
            return ratio
    return COMPLETION_RATIOS_BY_NAME.get(name, 1)


def _gpt_35_completion_ratio(name: str) -> float:
    # The 0125 price cut made output 3× input; 1106 was 2×; older snapshots were $0.002 vs $0.0015.
    if name == "gpt-3.5-turbo" or name.endswith("0125"):
        return 3
    if name.endswith("1106"):
        return 2
    return 4 / 3


def _gpt_4_completion_ratio(name: str) -> float:
    if name.startswith("gpt-4o"):
        return 3 if name == "gpt-4o-2024-05-13" else 4
    if name.startswith("gpt-4-turbo") or name.endswith("preview"):
        return 3
    return 2


def _image_cost_ratio(model: str, size: str, quality: str | None) -> float:
    ratio = IMAGE_SIZE_RATIOS.get(model, {}).get(size, 1)
    if quality == "hd":
        ratio *= IMAGE_HD_RATIOS.get(model, {}).get(size, 1)
    return ratio


def _group_ratio(ratios: dict[str, float], group: str) -> float:
    ratio = ratios.get(group)
    if ratio is None:
        _warn_once("group", group)
        return 1
    return ratio


def _warn_once(kind: str, name: str) -> None:
    """Log an unpriced name the first time it is billed, not on every request."""
    if (kind, name) in _warned_names or len(_warned_names) >= _MAX_WARNED_NAMES:
        return
    _warned_names.add((kind, name))
    log.warning("%s ratio not found for %r; billing it at the fallback ratio", kind, name)
