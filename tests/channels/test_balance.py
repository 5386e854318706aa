"""Channel balances: the query dialogue each adaptor describes, run against the mock or read from replies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from app.cache.channels import ChannelSnapshot
from app.channels.balance import BalanceUnavailable, BalanceUnsupported, refresh_all_balances, refresh_balance
from app.extensions import db
from app.models import Channel, Option
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED, ChannelType
from app.options import current as current_options
from app.redaction import MASK
from app.relay.adaptors import get_adaptor
from tests import factories
from tests.canaries import assert_no_canary, log_rows_text, new_canary


def snapshot(channel_type: ChannelType, base_url: str = "") -> ChannelSnapshot:
    return ChannelSnapshot(id=1, type=channel_type, name="c", key="sk-balance", base_url=base_url, status=1,
                           priority=0, weight=0, models=(), model_mapping=MappingProxyType({}), system_prompt="",
                           config=MappingProxyType({}), other="")


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_openai_balance_is_hard_limit_minus_usage(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url)
    assert refresh_balance(channel.id) == pytest.approx(87.66)
    stored = db.session.get(Channel, channel.id)
    assert stored.balance == pytest.approx(87.66) and stored.balance_updated_time > 0
    subscription, usage = mock_upstream.requests
    assert subscription.route == "/dashboard/billing/subscription"
    assert usage.route == "/dashboard/billing/usage"
    today = datetime.now(timezone.utc).date()
    assert usage.params == {"start_date": str(today.replace(day=1)), "end_date": str(today)}
    assert usage.headers["authorization"] == f"Bearer {factories.CHANNEL_KEY}"


def test_custom_channels_query_the_openai_dashboard_too(ctx, mock_upstream):
    mock_upstream.behaviour.hard_limit_usd = 20.0
    mock_upstream.behaviour.total_usage_cents = 500.0
    channel = factories.make_channel(mock_upstream.url, type=ChannelType.CUSTOM)
    assert refresh_balance(channel.id) == pytest.approx(15.0)


def test_openai_usage_starts_100_days_back_without_a_payment_method():
    adaptor = get_adaptor(ChannelType.OPENAI)
    follow_up = adaptor.balance_request(snapshot(ChannelType.OPENAI), (b'{"has_payment_method": false}',))
    today = datetime.now(timezone.utc).date()
    assert parse_qs(urlsplit(follow_up.url).query)["start_date"] == [str(today - timedelta(days=100))]
    assert adaptor.balance_request(snapshot(ChannelType.OPENAI), (b"{}", b"{}")) is None


def test_unsupported_types_fail_clearly(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url, type=ChannelType.GROQ)
    with pytest.raises(BalanceUnsupported, match="not supported"):
        refresh_balance(channel.id)


def test_an_upstream_error_fails_with_its_status(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url)
    mock_upstream.behaviour.status = 401
    with pytest.raises(BalanceUnavailable, match="401"):
        refresh_balance(channel.id)
    assert db.session.get(Channel, channel.id).balance_updated_time is None


def test_an_unreachable_upstream_fails_clearly(ctx):
    channel = factories.make_channel("http://127.0.0.1:9")
    with pytest.raises(BalanceUnavailable, match="could not be reached"):
        refresh_balance(channel.id)


def test_refresh_all_disables_exhausted_channels_when_allowed(ctx, mock_upstream):
    db.session.merge(Option(key="AutomaticDisableChannelEnabled", value="true"))
    db.session.commit()
    current_options().reload()
    mock_upstream.behaviour.hard_limit_usd = 10.0
    mock_upstream.behaviour.total_usage_cents = 1000.0
    channel = factories.make_channel(mock_upstream.url)
    factories.make_channel(mock_upstream.url, type=ChannelType.GROQ)
    assert refresh_all_balances() == (1, 0)
    assert db.session.get(Channel, channel.id).status == CHANNEL_AUTO_DISABLED


def test_refresh_all_counts_failures_and_keeps_channels_enabled(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url)
    factories.make_channel("http://127.0.0.1:9")
    assert refresh_all_balances() == (1, 1)
    assert db.session.get(Channel, channel.id).status == CHANNEL_ENABLED


@pytest.mark.parametrize("channel_type, url, reply, balance", [
    (ChannelType.CLOSEAI, "https://api.closeai-proxy.xyz/dashboard/billing/credit_grants",
     {"total_available": 12.5, "total_used": 3}, 12.5),
    (ChannelType.AIGC2D, "https://api.aigc2d.com/dashboard/billing/credit_grants", {"total_available": 7}, 7.0),
    (ChannelType.API2GPT, "https://api.api2gpt.com/dashboard/billing/credit_grants",
     {"total_remaining": 4.25, "total_available": 99}, 4.25),
    (ChannelType.DEEPSEEK, "https://api.deepseek.com/user/balance",
     {"is_available": True, "balance_infos": [{"currency": "USD", "total_balance": "1.00"},
                                              {"currency": "CNY", "total_balance": "110.50"}]}, 110.5),
    (ChannelType.OPENROUTER, "https://openrouter.ai/api/v1/credits",
     {"data": {"total_credits": 25, "total_usage": 7.5}}, 17.5),
    (ChannelType.SILICONFLOW, "https://api.siliconflow.cn/v1/user/info",
     {"code": 20000, "status": True, "data": {"totalBalance": "88.8"}}, 88.8),
])
def test_vendor_balance_queries(channel_type, url, reply, balance):
    adaptor = get_adaptor(channel_type)
    request = adaptor.balance_request(snapshot(channel_type))
    assert (request.method, request.url) == ("GET", url)
    assert request.headers["Authorization"] == "Bearer sk-balance"
    assert adaptor.balance_request(snapshot(channel_type), (orjson.dumps(reply),)) is None
    assert adaptor.parse_balance(orjson.dumps(reply)) == pytest.approx(balance)


@pytest.mark.parametrize("channel_type, reply", [
    (ChannelType.DEEPSEEK, {"balance_infos": [{"currency": "USD", "total_balance": "1"}]}),
    (ChannelType.SILICONFLOW, {"code": 40001, "message": "invalid key"}),
    (ChannelType.OPENROUTER, {"data": None}),
    (ChannelType.CLOSEAI, ["not", "an", "object"]),
])
def test_vendor_balance_replies_that_cannot_be_read_raise(channel_type, reply):
    with pytest.raises((LookupError, TypeError, ValueError, AttributeError)):
        get_adaptor(channel_type).parse_balance(orjson.dumps(reply))


def test_a_base_url_overrides_the_vendor_default():
    channel = snapshot(ChannelType.DEEPSEEK, "https://proxy.example/")
    request = get_adaptor(ChannelType.DEEPSEEK).balance_request(channel)
    assert request.url == "https://proxy.example/user/balance"


@pytest.mark.parametrize("status", [400, 401, 500])
def test_a_failed_balance_query_shows_the_status_and_no_trace_of_the_key(app, root_client, mock_upstream, status):
    canary = new_canary()
    with app.app_context():
        channel_id = factories.make_channel(mock_upstream.url, key=canary).id
    mock_upstream.behaviour.echo_key, mock_upstream.behaviour.status = True, status

    reply = root_client.get(f"/api/channel/update_balance/{channel_id}")

    assert reply.json["success"] is False
    assert f"status {status}: " in reply.json["message"] and MASK in reply.json["message"]
    assert_no_canary(canary, reply.get_data(as_text=True), repr(dict(reply.headers)), log_rows_text(app))


def test_an_unreadable_balance_reply_quoting_the_key_shows_no_trace_of_it(app, root_client, mock_upstream):
    canary = new_canary()
    with app.app_context():
        channel_id = factories.make_channel(mock_upstream.url, key=canary).id
    mock_upstream.behaviour.total_usage_cents = f"{canary} is not a number"  # float() quotes it in its error

    reply = root_client.get(f"/api/channel/update_balance/{channel_id}")

    assert reply.json["success"] is False and "could not be read" in reply.json["message"]
    assert_no_canary(canary, reply.get_data(as_text=True))
