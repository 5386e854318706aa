"""Runtime options: the validation rules, the write path, secrets, and the ratio maps in force."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app import options
from app.billing.default_prices import MODEL_RATIOS
from app.errors import AppError
from app.extensions import db
from app.models import Option


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def stored(key: str) -> str | None:
    return db.session.execute(select(Option.value).where(Option.key == key)).scalar()


@pytest.mark.parametrize(("key", "value", "problem"), [
    ("NoSuchOption", "1", "Unknown option 'NoSuchOption'"),
    ("Notice", "a\x00b", "Notice must not contain a NUL character"),
    ("LogConsumeEnabled", "yes", 'LogConsumeEnabled must be "true" or "false"'),
    ("LogConsumeEnabled", "True", 'LogConsumeEnabled must be "true" or "false"'),
    ("QuotaForNewUser", "-1", "QuotaForNewUser must be a whole number from 0"),
    ("PreConsumedQuota", "1.5", "PreConsumedQuota must be a whole number"),
    ("RetryTimes", " 3", "RetryTimes must be a whole number"),
    ("QuotaRemindThreshold", "9" * 30, "QuotaRemindThreshold must be a whole number"),
    ("SMTPPort", "0", "SMTPPort must be a whole number from 1 to 65535"),
    ("SMTPPort", "70000", "SMTPPort must be a whole number from 1 to 65535"),
    ("QuotaPerUnit", "0", "QuotaPerUnit must be greater than 0"),
    ("QuotaPerUnit", "abc", "QuotaPerUnit must be a decimal number"),
    ("QuotaPerUnit", "1e999", "QuotaPerUnit must be a decimal number"),
    ("ChannelDisableThreshold", "-2", "ChannelDisableThreshold must be a decimal number"),
    ("Theme", "berry", "Theme must be one of: default"),
    ("ServerAddress", "ftp://example.com", "ServerAddress must be an http:// or https:// URL"),
    ("TopUpLink", "javascript:alert(1)", "TopUpLink must be an http:// or https:// URL"),
    ("ChatLink", "https://", "ChatLink must be an http:// or https:// URL"),
    ("OidcTokenEndpoint", "https://[::1", "OidcTokenEndpoint must be an http:// or https:// URL"),
    ("ModelRatio", "{not json", "ModelRatio is not valid JSON"),
    ("CompletionRatio", "[1, 2]", "CompletionRatio must be a JSON object"),
    ("GroupRatio", '{"vip": "cheap"}', 'GroupRatio: the value under "vip" is not a number'),
    ("GroupRatio", '{"vip": -1}', 'GroupRatio: the value under "vip" is negative'),
    ("GitHubOAuthEnabled", "true", "GitHubOAuthEnabled needs GitHubClientId"),
    ("EmailDomainRestrictionEnabled", "true", None),  # the default whitelist is not empty
    ("WeChatAuthEnabled", "true", "WeChatAuthEnabled needs WeChatServerAddress"),
    ("TurnstileCheckEnabled", "true", "TurnstileCheckEnabled needs TurnstileSiteKey"),
])
def test_validate_names_the_problem(ctx, key, value, problem):
    found = options.validate(key, value)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


@pytest.mark.parametrize(("key", "value"), [
    ("LogConsumeEnabled", "false"), ("QuotaForNewUser", "0"), ("RetryTimes", "3"), ("SMTPPort", "465"),
    ("QuotaPerUnit", "7.5"), ("ChannelDisableThreshold", "0"), ("Theme", "default"), ("ServerAddress", ""),
    ("ServerAddress", "https://gw.example.com"), ("TopUpLink", "http://pay.example.com/top-up?x=1"),
    ("ModelRatio", '{"my-model": 1.5}'), ("GroupRatio", '{"default": 1, "team": 0.5}'), ("Notice", "# Hi"),
    ("SMTPToken", ""), ("Footer", "<b>anything goes</b>"),
])
def test_validate_accepts_good_values(ctx, key, value):
    assert options.validate(key, value) is None


def test_update_stores_and_reloads(ctx):
    options.update("SystemName", "Acme")
    options.update("SystemName", "Acme AI")  # the second save updates the row
    assert stored("SystemName") == "Acme AI"
    assert options.current().get("SystemName") == "Acme AI"


def test_failed_update_changes_nothing(ctx):
    options.update("RetryTimes", "2")
    with pytest.raises(AppError, match="RetryTimes must be a whole number"):
        options.update("RetryTimes", "many")
    with pytest.raises(AppError, match="ModelRatio is not valid JSON"):
        options.update("ModelRatio", "{")  # One API saved this row before parsing it
    assert (stored("RetryTimes"), options.current().get("RetryTimes")) == ("2", "2")
    assert (stored("ModelRatio"), options.current().get("ModelRatio")) == (None, "")


def test_switch_and_the_option_it_needs_guard_each_other(ctx):
    options.update("GitHubClientId", "client-1")
    options.update("GitHubOAuthEnabled", "true")
    with pytest.raises(AppError, match="GitHubOAuthEnabled needs GitHubClientId"):
        options.update("GitHubClientId", "  ")
    options.update("EmailDomainRestrictionEnabled", "true")
    with pytest.raises(AppError, match="EmailDomainRestrictionEnabled needs EmailDomainWhitelist"):
        options.update("EmailDomainWhitelist", " , ")
    options.update("GitHubOAuthEnabled", "false")
    options.update("GitHubClientId", "")
    assert options.current().get("GitHubClientId") == ""


def test_update_judges_against_options_another_node_stored(ctx):
    options.current()  # this process's snapshot predates the other node's write
    db.session.add(Option(key="TurnstileSiteKey", value="site-key"))
    db.session.commit()
    options.update("TurnstileCheckEnabled", "true")
    assert options.current().get_bool("TurnstileCheckEnabled")


def test_empty_secret_keeps_the_stored_one(ctx):
    options.update("SMTPToken", "smtp-password")
    options.update("SMTPToken", "")
    assert stored("SMTPToken") == "smtp-password"
    assert options.current().get("SMTPToken") == "smtp-password"


def test_visible_options_leave_out_every_secret(ctx):
    listed = {row["key"] for row in options.visible_options()}
    secrets = {key for key in options.DEFAULTS if options.is_secret(key)}
    assert secrets >= {"SMTPToken", "GitHubClientSecret", "LarkClientSecret", "OidcClientSecret",
                       "WeChatServerToken", "MessagePusherToken", "TurnstileSecretKey"}
    assert listed == (set(options.DEFAULTS) - secrets) | {"ModelRatio", "CompletionRatio"}


def test_effective_ratios_lay_overrides_over_the_built_in_table(ctx):
    options.update("ModelRatio", '{"gpt-4o": 9, "my-model": 1.5}')
    ratios = options.effective_ratios("ModelRatio")
    assert ratios["gpt-4o"] == 9 and ratios["my-model"] == 1.5
    assert ratios["gpt-3.5-turbo"] == MODEL_RATIOS["gpt-3.5-turbo"]


def test_effective_group_ratios_replace_the_defaults(ctx):
    assert options.effective_ratios("GroupRatio") == {"default": 1, "vip": 1, "svip": 1}
    options.update("GroupRatio", '{"default": 1, "team": 0.5}')
    assert options.effective_ratios("GroupRatio") == {"default": 1, "team": 0.5}


def test_effective_ratios_ignore_a_hand_edited_broken_row(ctx):
    db.session.add(Option(key="GroupRatio", value="{broken"))
    db.session.commit()
    options.current().reload()
    assert options.effective_ratios("GroupRatio") == {"default": 1, "vip": 1, "svip": 1}
    listed = {row["key"]: row["value"] for row in options.visible_options()}
    assert json.loads(listed["GroupRatio"]) == {"default": 1, "vip": 1, "svip": 1}
