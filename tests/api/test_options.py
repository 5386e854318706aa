"""Option and group routes: root-only settings, secrets that never come back, validation before storing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.billing.default_prices import COMPLETION_RATIOS
from app.billing.pricing import price_for
from app.extensions import db
from app.models import Option
from app.models.channel import ChannelType
from app.models.user import ROLE_ADMIN, ROLE_COMMON, ROLE_ROOT
from app.options import current
from tests.factories import make_user

SECRETS = {
    "SMTPToken": "smtp-secret-1", "GitHubClientSecret": "gh-secret-2", "LarkClientSecret": "lark-secret-3",
    "OidcClientSecret": "oidc-secret-4", "WeChatServerToken": "wechat-secret-5",
    "MessagePusherToken": "pusher-secret-6", "TurnstileSecretKey": "turnstile-secret-7",
}


def headers_for(app, role: int) -> dict:
    with app.app_context():
        return {"Authorization": make_user(role=role).access_token}


def option_state(app, key: str) -> tuple[str | None, str]:
    """The stored row's value (None without a row) and the value this process runs with."""
    with app.app_context():
        row = db.session.execute(select(Option.value).where(Option.key == key)).scalar()
        return row, current().get(key)


def put_option(client, key: str, value):
    return client.put("/api/option/", json={"key": key, "value": value}).json


def listed_options(client) -> dict[str, str]:
    response = client.get("/api/option/").json
    assert response["success"], response
    return {row["key"]: row["value"] for row in response["data"]}


def test_option_list_never_shows_a_secret(root_client):
    for key, value in SECRETS.items():
        assert put_option(root_client, key, value)["success"]
    response = root_client.get("/api/option/")
    for key, value in SECRETS.items():
        assert value not in response.text and key not in response.text


def test_option_list_has_every_setting_and_the_full_ratio_maps(root_client):
    assert put_option(root_client, "ModelRatio", '{"my-model": 1.5}')["success"]
    listed = listed_options(root_client)
    assert listed["SystemName"] == "Tollgate" and listed["QuotaPerUnit"] == "500000"
    model_ratios = json.loads(listed["ModelRatio"])
    assert model_ratios["my-model"] == 1.5 and model_ratios["gpt-4o"] == 2.5
    assert json.loads(listed["CompletionRatio"]) == COMPLETION_RATIOS
    assert json.loads(listed["GroupRatio"]) == {"default": 1, "vip": 1, "svip": 1}


@pytest.mark.parametrize(("key", "value", "message"), [
    ("Unheard", "x", "Unknown option 'Unheard'"),
    ("PasswordLoginEnabled", "on", "PasswordLoginEnabled must be"),
    ("QuotaForNewUser", "-5", "QuotaForNewUser must be a whole number"),
    ("RetryTimes", 1.5, "RetryTimes must be a whole number"),
    ("QuotaPerUnit", "0", "QuotaPerUnit must be greater than 0"),
    ("Theme", "air", "Theme must be one of"),
    ("GitHubOAuthEnabled", True, "GitHubOAuthEnabled needs GitHubClientId"),
    ("WeChatAuthEnabled", "true", "WeChatAuthEnabled needs WeChatServerAddress"),
    ("TurnstileCheckEnabled", "true", "TurnstileCheckEnabled needs TurnstileSiteKey"),
    ("ServerAddress", "gw.example.com", "ServerAddress must be an http:// or https:// URL"),
    ("OidcUserinfoEndpoint", "file:///etc/passwd", "OidcUserinfoEndpoint must be an http:// or https:// URL"),
    ("ModelRatio", '{"gpt-4o": 1', "ModelRatio is not valid JSON"),
    ("GroupRatio", '{"default": null}', 'GroupRatio: the value under "default" is not a number'),
])
def test_option_update_refuses_bad_values_and_stores_nothing(app, root_client, key, value, message):
    before = option_state(app, key)
    response = put_option(root_client, key, value)
    assert response["success"] is False and response["message"].startswith(message)
    assert option_state(app, key) == before


def test_email_restriction_needs_a_whitelist(app, root_client):
    assert put_option(root_client, "EmailDomainWhitelist", "")["success"]
    response = put_option(root_client, "EmailDomainRestrictionEnabled", "true")
    assert response["message"].startswith("EmailDomainRestrictionEnabled needs EmailDomainWhitelist")
    assert option_state(app, "EmailDomainRestrictionEnabled") == (None, "false")


@pytest.mark.parametrize("body", [
    {"key": "Notice"}, {"key": "Notice", "value": None}, {"key": "Notice", "value": ["a"]},
    {"key": 5, "value": "x"}, {"value": "x"}, [],
])
def test_option_update_rejects_malformed_bodies(app, root_client, body):
    response = root_client.put("/api/option/", json=body)
    assert response.status_code == 200 and response.json["success"] is False
    assert option_state(app, "Notice") == (None, "")


def test_option_update_takes_json_booleans_and_numbers_as_text(app, root_client):
    assert put_option(root_client, "LogConsumeEnabled", False)["success"]
    assert put_option(root_client, "RetryTimes", 3)["success"]
    assert option_state(app, "LogConsumeEnabled") == ("false", "false")
    assert option_state(app, "RetryTimes") == ("3", "3")


def test_model_ratio_update_changes_prices(app, root_client):
    with app.app_context():
        assert price_for("gpt-4o", ChannelType.OPENAI, "default").model_ratio == 2.5
    assert put_option(root_client, "ModelRatio", '{"gpt-4o": 4}')["success"]
    with app.app_context():
        assert price_for("gpt-4o", ChannelType.OPENAI, "default").model_ratio == 4


def test_secret_sent_empty_stays_unchanged(app, root_client):
    assert put_option(root_client, "GitHubClientSecret", "first")["success"]
    assert put_option(root_client, "GitHubClientSecret", "")["success"]
    assert option_state(app, "GitHubClientSecret") == ("first", "first")
    assert put_option(root_client, "GitHubClientSecret", "second")["success"]
    assert option_state(app, "GitHubClientSecret") == ("second", "second")


def test_group_list_follows_group_ratio(app, root_client):
    assert sorted(root_client.get("/api/group/").json["data"]) == ["default", "svip", "vip"]
    assert put_option(root_client, "GroupRatio", '{"default": 1, "team": 0.5}')["success"]
    admin = headers_for(app, ROLE_ADMIN)
    assert sorted(app.test_client().get("/api/group/", headers=admin).json["data"]) == ["default", "team"]


def test_group_list_refuses_common_users(app, client):
    assert client.get("/api/group/", headers=headers_for(app, ROLE_COMMON)).status_code == 403


@pytest.mark.parametrize("role", [ROLE_COMMON, ROLE_ADMIN])
def test_option_routes_are_root_only(app, client, role):
    headers = headers_for(app, role)
    assert client.get("/api/option/", headers=headers).status_code == 403
    response = client.put("/api/option/", headers=headers, json={"key": "Notice", "value": "hijacked"})
    assert response.status_code == 403
    assert option_state(app, "Notice") == (None, "")


def test_option_updates_are_stored_on_every_database(app_on):
    client = app_on.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = headers_for(app_on, ROLE_ROOT)["Authorization"]
    notice = "Maintenance tonight 🛠 — 维护"
    for value in ("first", notice):  # an insert, then an update of the same row
        assert put_option(client, "Notice", value)["success"]
    assert put_option(client, "ModelRatio", '{"gpt-4o": 4}')["success"]
    refused = put_option(client, "Notice", "a\u0000b")
    assert refused["success"] is False and "NUL" in refused["message"]
    assert option_state(app_on, "Notice") == (notice, notice)
    assert json.loads(listed_options(client)["ModelRatio"])["gpt-4o"] == 4


def test_the_model_ratio_table_as_listed_can_be_saved_back_unchanged(root_client):
    """The settings page loads ModelRatio and saves it whole: the built-in table must round-trip."""
    listed = {row["key"]: row["value"] for row in root_client.get("/api/option/").json["data"]}
    saved = root_client.put("/api/option/", json={"key": "ModelRatio", "value": listed["ModelRatio"]})
    assert saved.json["success"], saved.json
    refused = root_client.put("/api/option/", json={"key": "ModelRatio", "value": '{"gpt-4o": -1}'})
    assert not refused.json["success"] and "negative" in refused.json["message"]
