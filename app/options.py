"""Runtime settings stored in the options table and edited by root; cached in process.

*Config* (app.config) is fixed at boot from the environment; *options* change while running.
Values are strings, as in One API; typed accessors parse them.
"""

from __future__ import annotations

import json
import math
import re
import time
from threading import Lock
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import select, update as sql_update
from sqlalchemy.exc import IntegrityError

from app.billing.default_prices import COMPLETION_RATIOS, DEFAULT_GROUP_RATIOS, MODEL_RATIOS
from app.cache import SingleFlight, bus
from app.errors import AppError
from app.extensions import db
from app.models import Option

DEFAULTS: dict[str, str] = {
    "PasswordLoginEnabled": "true",
    "PasswordRegisterEnabled": "true",
    "EmailVerificationEnabled": "false",
    "GitHubOAuthEnabled": "false",
    "OidcEnabled": "false",
    "WeChatAuthEnabled": "false",
    "TurnstileCheckEnabled": "false",
    "RegisterEnabled": "true",
    "EmailDomainRestrictionEnabled": "false",
    "EmailDomainWhitelist": "gmail.com,163.com,126.com,qq.com,outlook.com,hotmail.com,icloud.com,yahoo.com,foxmail.com",
    "AutomaticDisableChannelEnabled": "false",
    "AutomaticEnableChannelEnabled": "false",
    "ApproximateTokenEnabled": "false",
    "LogConsumeEnabled": "true",
    "DisplayInCurrencyEnabled": "true",
    "DisplayTokenStatEnabled": "true",
    "ChannelDisableThreshold": "5",
    "QuotaRemindThreshold": "1000",
    "LogRetentionDays": "0",  # 0 keeps logs forever; otherwise a daily job deletes older ones
    "PreConsumedQuota": "500",
    "QuotaForNewUser": "0",
    "QuotaForInviter": "0",
    "QuotaForInvitee": "0",
    "GroupRatio": '{"default":1,"vip":1,"svip":1}',
    "QuotaPerUnit": "500000",
    "RetryTimes": "0",
    "TopUpLink": "",
    "ChatLink": "",
    "Theme": "default",
    "SystemName": "Tollgate",
    "Logo": "",
    "Footer": "",
    "Notice": "",
    "About": "",
    "HomePageContent": "",
    "ServerAddress": "",
    "SMTPServer": "",
    "SMTPPort": "587",
    "SMTPAccount": "",
    "SMTPFrom": "",
    "SMTPToken": "",
    "GitHubClientId": "",
    "GitHubClientSecret": "",
    "LarkClientId": "",
    "LarkClientSecret": "",
    "OidcClientId": "",
    "OidcClientSecret": "",
    "OidcWellKnown": "",
    "OidcAuthorizationEndpoint": "",
    "OidcTokenEndpoint": "",
    "OidcUserinfoEndpoint": "",
    "WeChatServerAddress": "",
    "WeChatServerToken": "",
    "WeChatAccountQRCodeImageURL": "",
    "MessagePusherAddress": "",
    "MessagePusherToken": "",
    "TurnstileSiteKey": "",
    "TurnstileSecretKey": "",
}

# Editable although absent above: their defaults are the price tables in app.billing.default_prices.
PRICE_TABLE_KEYS = ("ModelRatio", "CompletionRatio")
RATIO_KEYS = ("GroupRatio", *PRICE_TABLE_KEYS)  # JSON objects of names to non-negative numbers
# Write-only: never listed, and an empty value on save keeps the stored one (TurnstileSecretKey included,
# which One API lists because it ends in "Key").
SECRET_SUFFIXES = ("Token", "Secret", "SecretKey")
# How stale this process's copy may get: a change saved on another worker or node shows within it.

# The largest whole number the admin UI's JavaScript holds exactly; also far inside a bigint quota column.
MAX_WHOLE_NUMBER = 2**53 - 1
WHOLE_NUMBER_RANGES: dict[str, tuple[int, int]] = {
    "QuotaRemindThreshold": (0, MAX_WHOLE_NUMBER),
    "PreConsumedQuota": (0, MAX_WHOLE_NUMBER),
    "QuotaForNewUser": (0, MAX_WHOLE_NUMBER),
    "QuotaForInviter": (0, MAX_WHOLE_NUMBER),
    "QuotaForInvitee": (0, MAX_WHOLE_NUMBER),
    "RetryTimes": (0, MAX_WHOLE_NUMBER),
    "SMTPPort": (1, 65535),
    "LogRetentionDays": (0, 36500),
}
# Decimal numbers; One API parses ChannelDisableThreshold (seconds) as a float.
POSITIVE_NUMBER_KEYS = frozenset({"QuotaPerUnit"})
NON_NEGATIVE_NUMBER_KEYS = frozenset({"ChannelDisableThreshold"})
URL_KEYS = frozenset({
    "ServerAddress", "TopUpLink", "ChatLink", "WeChatServerAddress", "MessagePusherAddress",
    "OidcWellKnown", "OidcAuthorizationEndpoint", "OidcTokenEndpoint", "OidcUserinfoEndpoint",
})
THEMES = ("default",)  # One API also accepts "berry" and "air"; only the default theme is shipped
# A switch that cannot be on while the option it relies on is empty, whichever of the two is being saved.
REQUIREMENTS = (
    ("GitHubOAuthEnabled", "GitHubClientId"),
    ("EmailDomainRestrictionEnabled", "EmailDomainWhitelist"),
    ("WeChatAuthEnabled", "WeChatServerAddress"),
    ("TurnstileCheckEnabled", "TurnstileSiteKey"),
)
_RATIO_DEFAULTS = {"ModelRatio": MODEL_RATIOS, "CompletionRatio": COMPLETION_RATIOS}
_WHOLE_NUMBER = re.compile(r"[0-9]+")
_DECIMAL_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


class Options:
    """An in-process snapshot of the options table over the built-in defaults."""

    def __init__(self) -> None:
        self._values: dict[str, str] = dict(DEFAULTS)
        self._lock = Lock()
        self.loaded_at: float | None = None  # monotonic time of the last read; None before the first
        self._generation = 0  # bumped by invalidations, so a read that raced one is re-done next time
        self._reloads = SingleFlight()

    def reload(self) -> None:
        """Re-read every row; rows win over defaults. Needs an application context."""
        generation = self._generation
        rows = db.session.execute(select(Option.key, Option.value)).all()
        db.session.commit()  # end the read at once; a request must not hold a connection for it
        with self._lock:
            self._values = {**DEFAULTS, **{key: value or "" for key, value in rows}}
            self.loaded_at = time.monotonic() if generation == self._generation else None

    def reload_once(self) -> None:
        """``reload``, shared by every caller that finds the snapshot stale at the same moment."""
        self._reloads.do(None, self.reload)

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self.loaded_at = None

    def is_fresh(self) -> bool:
        return self.loaded_at is not None and time.monotonic() - self.loaded_at < bus.cache_ttl()

    def get(self, key: str) -> str:
        return self._values.get(key, "")

    def get_bool(self, key: str) -> bool:
        return self.get(key).strip().lower() == "true"

    def get_int(self, key: str) -> int:
        try:
            return int(float(self.get(key)))
        except ValueError:
            return int(float(DEFAULTS.get(key, "0") or 0))

    def get_float(self, key: str) -> float:
        try:
            return float(self.get(key))
        except ValueError:
            return float(DEFAULTS.get(key, "0") or 0)


def init_app(app: Flask) -> None:
    app.extensions["tollgate.options"] = Options()


def current() -> Options:
    """The app's options, re-read when another process announces a change (``bus``) and at the latest
    when ``bus.cache_ttl()`` has passed."""
    store = current_app.extensions["tollgate.options"]
    if not store.is_fresh():
        store.reload_once()
    return store


DEFAULT_SERVER_ADDRESS = "http://localhost:3000"  # One API's fallback when ServerAddress is unset


def server_address() -> str:
    """The site's public base URL, for links in emails, without a trailing slash."""
    return (current().get("ServerAddress") or DEFAULT_SERVER_ADDRESS).rstrip("/")


def is_secret(key: str) -> bool:
    return key.endswith(SECRET_SUFFIXES)


def visible_options() -> list[dict[str, str]]:
    """Every editable option as One API's ``[{key, value}]``, without secrets; ratios as the maps in force."""
    options = current()
    listing = [{"key": key, "value": options.get(key)} for key in DEFAULTS
               if not is_secret(key) and key not in RATIO_KEYS]
    for key in RATIO_KEYS:
        listing.append({"key": key, "value": json.dumps(effective_ratios(key), ensure_ascii=False)})
    return listing


def effective_ratios(key: str) -> dict[str, float]:
    """A ratio option as pricing applies it: the admin's entries over the built-in table, which a
    GroupRatio replaces instead (its keys are the group list). An unusable stored value counts as none."""
    stored = current().get(key)
    overrides = json.loads(stored) if stored.strip() and _ratio_problem(key, stored) is None else {}
    if key == "GroupRatio":
        return overrides or dict(DEFAULT_GROUP_RATIOS)
    return {**_RATIO_DEFAULTS[key], **overrides}


def validate(key: str, value: str) -> str | None:
    """Why ``value`` cannot be saved under ``key``, or None when it can (checked against the options in force)."""
    if key not in DEFAULTS and key not in PRICE_TABLE_KEYS:
        return f"Unknown option {key!r}."
    if "\x00" in value:  # PostgreSQL cannot store it, and no setting needs it
        return f"{key} must not contain a NUL character."
    return _format_problem(key, value) or _requirement_problem(key, value)


def update(key: str, value: str) -> None:
    """Validate and store one option, then reload this process's snapshot. Raises AppError naming the
    problem, in which case nothing is stored."""
    options = current()
    options.reload()  # judge against the stored options, which another node may have changed
    problem = validate(key, value)
    if problem:
        raise AppError(problem)
    if is_secret(key) and not value:
        return  # secrets are write-only: the settings form sends them back empty to keep them
    _store(key, value)
    bus.announce("options")
    options.reload()


@bus.handles("options")
def _forget_options(_key: str | None) -> None:
    current_app.extensions["tollgate.options"].invalidate()


def _format_problem(key: str, value: str) -> str | None:
    if key.endswith("Enabled"):
        return None if value in ("true", "false") else f'{key} must be "true" or "false".'
    if key in WHOLE_NUMBER_RANGES:
        low, high = WHOLE_NUMBER_RANGES[key]
        in_range = _WHOLE_NUMBER.fullmatch(value) and low <= int(value) <= high
        return None if in_range else f"{key} must be a whole number from {low} to {high}."
    if key in POSITIVE_NUMBER_KEYS | NON_NEGATIVE_NUMBER_KEYS:
        return _number_problem(key, value)
    if key == "Theme" and value not in THEMES:
        return f"Theme must be one of: {', '.join(THEMES)}."
    if key in URL_KEYS and value and not _is_http_url(value):
        return f"{key} must be an http:// or https:// URL, or empty."
    if key in RATIO_KEYS:
        return _ratio_problem(key, value)
    return None


def _number_problem(key: str, value: str) -> str | None:
    number = float(value) if _DECIMAL_NUMBER.fullmatch(value) else math.nan
    if not math.isfinite(number) or number > MAX_WHOLE_NUMBER:
        return f"{key} must be a decimal number such as 500000 or 2.5."
    if key in POSITIVE_NUMBER_KEYS and number == 0:
        return f"{key} must be greater than 0."
    return None


def _is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in value)


def _ratio_problem(key: str, value: str) -> str | None:
    # Imported here: pricing reads these options, so importing it while this module loads is a cycle.
    from app.billing.pricing import validate_ratio_option

    return validate_ratio_option(key, value)


def _requirement_problem(key: str, value: str) -> str | None:
    options = current()
    for switch, needed in REQUIREMENTS:
        if key not in (switch, needed):
            continue
        switched_on = (value if key == switch else options.get(switch)) == "true"
        needed_value = value if key == needed else options.get(needed)
        if switched_on and not needed_value.replace(",", "").strip():
            return f"{switch} needs {needed}: set {needed} before turning {switch} on, and keep it set."
    return None


def _store(key: str, value: str) -> None:
    updated = db.session.execute(sql_update(Option).where(Option.key == key).values(value=value)).rowcount
    if not updated:
        db.session.add(Option(key=key, value=value))
    try:
        db.session.commit()
    except IntegrityError:  # another request inserted this key between our UPDATE and INSERT
        db.session.rollback()
        db.session.execute(sql_update(Option).where(Option.key == key).values(value=value))
        db.session.commit()
