"""Who may use the relay, as a client sees it: keys, token and account states, model allow-lists,
subnets, pinned channels, revocation, and what /v1/models and the dashboard endpoints show a key."""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import update

from app.cache.tokens import invalidate_token
from app.extensions import db
from app.models import Token
from app.models.token import TOKEN_DISABLED, TOKEN_EXHAUSTED
from app.models.user import ROLE_ADMIN, USER_DISABLED
from tests import factories
from tests.conftest import LiveServer, build_app, dispose
from tests.relay.conftest import assert_openai_error, make_setup

HELLO = [{"role": "user", "content": "Say hello"}]
VALID_CHAT = {"model": "gpt-4o-mini", "messages": HELLO}


def chat(url: str, authorization: str | None, body: dict = VALID_CHAT, **headers: str) -> requests.Response:
    sent = dict(headers)
    if authorization is not None:
        sent["Authorization"] = authorization
    return requests.post(f"{url}/v1/chat/completions", json=body, headers=sent, timeout=10)


def get(url: str, path: str, key: str) -> requests.Response:
    return requests.get(f"{url}{path}", headers={"Authorization": f"Bearer {key}"}, timeout=10)


def new_key(setup, *, user_quota: int = 10_000_000, role: int | None = None, user_status: int = 1,
            **token_fields) -> str:
    """A key for a new user in the default group; token fields as in factories.make_token."""
    with setup.app.app_context():
        extra = {"role": role} if role is not None else {}
        user = factories.make_user(quota=user_quota, status=user_status, **extra)
        _token, key = factories.make_token(user, **token_fields)
        return key


def refused_quietly(setup, mock_upstream, before: dict) -> None:
    assert mock_upstream.requests == []
    assert setup.balances() == before


@pytest.fixture
def proxied_gateway(tmp_path, mock_upstream):
    """A gateway behind a trusted proxy on 127.0.0.1: it believes X-Forwarded-For from loopback."""
    application = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, TRUSTED_PROXIES="127.0.0.1/32")
    with LiveServer(application) as server:
        yield make_setup(application, server.url, mock_upstream.url)
    dispose(application)


# Keys


def test_request_without_authorization_is_401_missing_api_key(quiet, mock_upstream):
    before = quiet.balances()

    assert_openai_error(chat(quiet.url, None), 401, "missing_api_key")
    refused_quietly(quiet, mock_upstream, before)


def test_request_with_unknown_key_is_401_invalid_api_key(quiet, mock_upstream):
    before = quiet.balances()

    assert_openai_error(chat(quiet.url, "Bearer sk-" + "x" * 48), 401, "invalid_api_key")
    refused_quietly(quiet, mock_upstream, before)


@pytest.mark.parametrize("scheme", ["Bearer ", "bearer ", "BEARER ", ""], ids=["Bearer", "bearer", "BEARER", "none"])
def test_key_is_accepted_whatever_the_bearer_casing(quiet, scheme):
    response = chat(quiet.url, scheme + quiet.key)

    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == "Hello from the mock upstream."


def test_key_is_accepted_without_sk_prefix(quiet):
    response = chat(quiet.url, "Bearer " + quiet.key.removeprefix("sk-"))

    assert response.status_code == 200, response.text


# Token and account states


@pytest.mark.parametrize(("token_fields", "status", "code"), [
    ({"status": TOKEN_DISABLED}, 401, "token_disabled"),
    ({"expired_time": 1_000_000_000}, 401, "token_expired"),  # 2001: long past
    ({"status": TOKEN_EXHAUSTED}, 403, "insufficient_quota"),
], ids=["disabled", "expired", "exhausted"])
def test_unusable_token_is_refused(quiet, mock_upstream, token_fields, status, code):
    key = new_key(quiet, **token_fields)
    before = quiet.balances()

    assert_openai_error(chat(quiet.url, f"Bearer {key}"), status, code)
    refused_quietly(quiet, mock_upstream, before)


def test_limited_token_with_no_quota_left_is_403_insufficient_quota(quiet, mock_upstream):
    key = new_key(quiet, remain_quota=0, unlimited=False)

    assert_openai_error(chat(quiet.url, f"Bearer {key}"), 403, "insufficient_quota")
    assert mock_upstream.requests == []


def test_unlimited_token_of_a_user_with_no_quota_is_403(quiet, mock_upstream):
    key = new_key(quiet, user_quota=0, unlimited=True)

    error = assert_openai_error(chat(quiet.url, f"Bearer {key}"), 403)
    assert error["code"] == "insufficient_quota"
    assert mock_upstream.requests == []


def test_token_of_a_disabled_user_is_403(quiet, mock_upstream):
    key = new_key(quiet, user_status=USER_DISABLED)

    assert_openai_error(chat(quiet.url, f"Bearer {key}"), 403)
    assert mock_upstream.requests == []


# Model allow-list


def test_token_allow_list_refuses_other_models_with_403_model_not_allowed(quiet, mock_upstream):
    key = new_key(quiet, models="gpt-4o")

    assert_openai_error(chat(quiet.url, f"Bearer {key}"), 403, "model_not_allowed")
    assert mock_upstream.requests == []


def test_models_list_shows_only_the_token_allow_list(quiet):
    key = new_key(quiet, models="gpt-4o-mini,text-embedding-3-small")

    response = get(quiet.url, "/v1/models", key)

    assert response.status_code == 200
    assert sorted(model["id"] for model in response.json()["data"]) == ["gpt-4o-mini", "text-embedding-3-small"]
    assert get(quiet.url, "/v1/models/dall-e-3", key).status_code == 404
    assert chat(quiet.url, f"Bearer {key}").status_code == 200


# Subnets


def test_token_limited_to_another_subnet_is_refused_from_loopback(quiet, mock_upstream):
    key = new_key(quiet, subnet="10.0.0.0/8")

    assert_openai_error(chat(quiet.url, f"Bearer {key}"), 403, "ip_not_allowed")
    assert mock_upstream.requests == []


def test_token_limited_to_loopback_subnet_is_accepted_from_loopback(quiet):
    key = new_key(quiet, subnet="127.0.0.0/8")

    assert chat(quiet.url, f"Bearer {key}").status_code == 200


def test_forwarded_for_header_is_ignored_without_trusted_proxies(quiet, mock_upstream):
    key = new_key(quiet, subnet="10.0.0.0/8")

    response = chat(quiet.url, f"Bearer {key}", **{"X-Forwarded-For": "10.1.2.3"})

    assert_openai_error(response, 403, "ip_not_allowed")
    assert mock_upstream.requests == []


def test_forwarded_for_header_is_honoured_from_a_trusted_proxy(proxied_gateway, mock_upstream):
    key = new_key(proxied_gateway, subnet="10.0.0.0/8")

    assert chat(proxied_gateway.url, f"Bearer {key}", **{"X-Forwarded-For": "10.1.2.3"}).status_code == 200
    # Believed both ways: a loopback-only key is refused for a client the proxy says is at 10.1.2.3.
    loopback_key = new_key(proxied_gateway, subnet="127.0.0.0/8")
    response = chat(proxied_gateway.url, f"Bearer {loopback_key}", **{"X-Forwarded-For": "10.1.2.3"})
    assert_openai_error(response, 403, "ip_not_allowed")


# Pinned channels (sk-KEY-<channel id>)


def test_common_user_may_not_pin_a_channel(quiet, mock_upstream):
    response = chat(quiet.url, f"Bearer {quiet.key}-{quiet.channel_id}")

    assert_openai_error(response, 403)
    assert mock_upstream.requests == []


def test_admin_pinned_channel_is_used_over_a_higher_priority_one(relay, mock_upstream, mock_upstream_factory):
    other_mock = mock_upstream_factory()
    with relay.app.app_context():
        preferred = factories.make_channel(other_mock.url, models="gpt-4o-mini", priority=100)
        preferred_id = preferred.id
    key = new_key(relay, role=ROLE_ADMIN)
    assert chat(relay.url, f"Bearer {key}").status_code == 200
    assert len(other_mock.requests) == 1 and mock_upstream.requests == []  # unpinned: priority decides

    response = chat(relay.url, f"Bearer {key}-{relay.channel_id}")

    assert response.status_code == 200, response.text
    assert len(mock_upstream.requests) == 1 and len(other_mock.requests) == 1
    logs = relay.logs()
    assert [log.channel_id for log in logs] == [preferred_id, relay.channel_id]


def test_pinned_channel_id_that_is_not_a_number_is_400(quiet, mock_upstream):
    key = new_key(quiet, role=ROLE_ADMIN)

    assert_openai_error(chat(quiet.url, f"Bearer {key}-abc"), 400)
    assert mock_upstream.requests == []


def test_pinned_channel_that_does_not_exist_is_400(quiet, mock_upstream):
    key = new_key(quiet, role=ROLE_ADMIN)

    assert_openai_error(chat(quiet.url, f"Bearer {key}-999999"), 400)
    assert mock_upstream.requests == []


def test_pinned_channel_that_is_disabled_is_403(relay, mock_upstream):
    with relay.app.app_context():
        disabled_id = factories.make_channel(mock_upstream.url, models="gpt-4o-mini", status=2).id
    key = new_key(relay, role=ROLE_ADMIN)
    before = relay.balances()

    assert_openai_error(chat(relay.url, f"Bearer {key}-{disabled_id}"), 403)
    refused_quietly(relay, mock_upstream, before)


# Revocation


def _set_token_status(setup, status: int) -> None:
    with setup.app.app_context():
        db.session.execute(update(Token).where(Token.id == setup.token_id).values(status=status))
        db.session.commit()


def test_token_disabled_in_the_database_is_refused_within_the_cache_ttl(relay):
    assert chat(relay.url, f"Bearer {relay.key}").status_code == 200  # the token is now cached
    _set_token_status(relay, TOKEN_DISABLED)
    disabled_at = time.monotonic()

    while True:
        status = chat(relay.url, f"Bearer {relay.key}").status_code
        if status == 401 or time.monotonic() - disabled_at > 1.5:
            break
        time.sleep(0.05)

    assert status == 401
    assert time.monotonic() - disabled_at <= 1.5


def test_token_disabled_and_invalidated_is_refused_at_once(relay):
    assert chat(relay.url, f"Bearer {relay.key}").status_code == 200
    _set_token_status(relay, TOKEN_DISABLED)
    with relay.app.app_context():
        invalidate_token(relay.key.removeprefix("sk-"))

    assert_openai_error(chat(relay.url, f"Bearer {relay.key}"), 401, "token_disabled")


# /v1/models and the dashboard endpoints


def test_models_list_shows_the_models_of_the_groups_enabled_channels(relay, mock_upstream):
    with relay.app.app_context():
        factories.make_channel(mock_upstream.url, models="gpt-4", status=2)  # disabled
        factories.make_channel(mock_upstream.url, models="gpt-4-turbo", group="vip")  # another group

    response = get(relay.url, "/v1/models", relay.key)

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    ids = sorted(model["id"] for model in body["data"])
    assert ids == sorted(["gpt-4o-mini", "text-embedding-3-small", "dall-e-3", "tts-1", "whisper-1",
                          "text-moderation-latest", "gpt-3.5-turbo-instruct"])
    assert all(model["object"] == "model" for model in body["data"])
    assert mock_upstream.requests == []


def test_retrieve_model_returns_a_usable_model(quiet):
    response = get(quiet.url, "/v1/models/gpt-4o-mini", quiet.key)

    assert response.status_code == 200
    assert response.json()["id"] == "gpt-4o-mini" and response.json()["object"] == "model"
    assert quiet.client().models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"


@pytest.mark.parametrize("model", ["gpt-4", "gpt-4-turbo", "no-such-model"])
def test_retrieve_model_the_caller_cannot_use_is_404_model_not_found(relay, mock_upstream, model):
    with relay.app.app_context():
        factories.make_channel(mock_upstream.url, models="gpt-4", status=2)
        factories.make_channel(mock_upstream.url, models="gpt-4-turbo", group="vip")

    assert_openai_error(get(relay.url, f"/v1/models/{model}", relay.key), 404, "model_not_found")


def test_models_list_needs_a_valid_key(quiet):
    assert_openai_error(get(quiet.url, "/v1/models", "sk-" + "x" * 48), 401, "invalid_api_key")


@pytest.mark.parametrize("prefix", ["/v1", ""])
def test_dashboard_subscription_reports_the_key_limit_in_usd(relay, prefix):
    response = get(relay.url, f"{prefix}/dashboard/billing/subscription", relay.key)

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "billing_subscription"
    # The relay key holds 10,000,000 quota; 500,000 quota make one dollar.
    assert body["soft_limit_usd"] == body["hard_limit_usd"] == body["system_hard_limit_usd"] == pytest.approx(20.0)
    assert body["access_until"] == 0 and body["has_payment_method"] is True


@pytest.mark.parametrize("prefix", ["/v1", ""])
def test_dashboard_usage_reports_spend_in_cents(relay, prefix):
    assert get(relay.url, f"{prefix}/dashboard/billing/usage", relay.key).json()["total_usage"] == 0
    assert chat(relay.url, f"Bearer {relay.key}").status_code == 200
    spent = relay.balances()["token_used"]
    assert spent > 0

    response = get(relay.url, f"{prefix}/dashboard/billing/usage", relay.key)

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    assert body["total_usage"] == pytest.approx(spent / 500_000 * 100)


def test_dashboard_endpoints_need_a_valid_key(quiet):
    for path in ("/v1/dashboard/billing/subscription", "/v1/dashboard/billing/usage"):
        assert_openai_error(get(quiet.url, path, "sk-" + "x" * 48), 401, "invalid_api_key")
