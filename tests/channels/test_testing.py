"""Channel tests: the model chosen, what counts as success, and what test-all does to channel status."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from flask import current_app
from sqlalchemy import select

from app.cache.channels import ChannelSnapshot
from app.channels import testing
from app.extensions import db
from app.models import Ability, Channel
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED, CHANNEL_MANUALLY_DISABLED
from app.redaction import MASK
from tests import factories
from tests.canaries import assert_no_canary, log_rows_text, new_canary
from tests.conftest import set_options


def snapshot(models: tuple[str, ...]) -> ChannelSnapshot:
    return ChannelSnapshot(id=1, type=1, name="c", key="k", base_url="", status=1, priority=0, weight=0,
                           models=models, model_mapping=MappingProxyType({}), system_prompt="",
                           config=MappingProxyType({}), other="")


@pytest.mark.parametrize("models, asked, chosen", [
    (("gpt-4o", "gpt-4o-mini"), "gpt-4o-mini", "gpt-4o-mini"),
    (("gpt-4o-mini", "gpt-3.5-turbo"), None, "gpt-3.5-turbo"),
    (("gpt-4o-mini", "gpt-4o"), None, "gpt-4o-mini"),
    (("gpt-4o-mini",), "gpt-4", "gpt-4o-mini"),  # One API takes a substring; we want a listed model
    ((), "anything", "anything"),  # a Proxy channel lists no models
])
def test_choose_model_prefers_a_listed_model(models, asked, chosen):
    assert testing.choose_model(snapshot(models), asked) == chosen


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def status_of(channel_id: int) -> tuple[int, list[bool]]:
    status = db.session.get(Channel, channel_id).status
    enabled = db.session.execute(select(Ability.enabled).where(Ability.channel_id == channel_id)).scalars().all()
    db.session.commit()
    return status, list(enabled)


def test_model_mapping_applies_to_the_test_request(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url, models="gpt-3.5-turbo",
                                     model_mapping='{"gpt-3.5-turbo": "gpt-4o-mini"}')
    result = testing.test_channel(channel.id)
    assert result.success and result.model == "gpt-3.5-turbo"
    assert mock_upstream.last_request.json["model"] == "gpt-4o-mini"


def test_a_reply_without_usage_fails_the_test(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url)
    mock_upstream.behaviour.omit_usage = True
    result = testing.test_channel(channel.id)
    assert not result.success and "usage" in result.message


def test_an_unreadable_reply_fails_the_test(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url)
    mock_upstream.behaviour.malformed = True
    assert not testing.test_channel(channel.id).success


def test_an_unreachable_upstream_fails_the_test(ctx):
    channel = factories.make_channel("http://127.0.0.1:9")
    result = testing.test_channel(channel.id)
    assert not result.success and result.message
    assert db.session.get(Channel, channel.id).response_time == 0


def test_test_all_disables_a_channel_with_a_revoked_key_when_allowed(ctx, mock_upstream):
    set_options(current_app, AutomaticDisableChannelEnabled="true")
    channel = factories.make_channel(mock_upstream.url)
    mock_upstream.behaviour.status = 401
    testing.test_channels([channel.id])
    assert status_of(channel.id) == (CHANNEL_AUTO_DISABLED, [False])


def test_test_all_leaves_failing_channels_alone_when_auto_disable_is_off(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url)
    mock_upstream.behaviour.status = 401
    testing.test_channels([channel.id])
    assert status_of(channel.id) == (CHANNEL_ENABLED, [True])


def test_test_all_does_not_disable_for_a_passing_server_error(ctx, mock_upstream):
    set_options(current_app, AutomaticDisableChannelEnabled="true")
    channel = factories.make_channel(mock_upstream.url)
    mock_upstream.behaviour.status = 503
    testing.test_channels([channel.id])
    assert status_of(channel.id) == (CHANNEL_ENABLED, [True])


def test_test_all_disables_a_slow_channel(ctx, mock_upstream):
    set_options(current_app, AutomaticDisableChannelEnabled="true", ChannelDisableThreshold="0.2")
    channel = factories.make_channel(mock_upstream.url)
    mock_upstream.behaviour.latency = 0.4
    testing.test_channels([channel.id])
    assert status_of(channel.id) == (CHANNEL_AUTO_DISABLED, [False])


def test_test_all_reenables_a_recovered_channel_but_never_a_manually_disabled_one(ctx, mock_upstream):
    set_options(current_app, AutomaticEnableChannelEnabled="true")
    automatic = factories.make_channel(mock_upstream.url, status=CHANNEL_AUTO_DISABLED)
    manual = factories.make_channel(mock_upstream.url, status=CHANNEL_MANUALLY_DISABLED)
    testing.test_channels([automatic.id, manual.id])
    assert status_of(automatic.id) == (CHANNEL_ENABLED, [True])
    assert status_of(manual.id) == (CHANNEL_MANUALLY_DISABLED, [False])


def test_test_all_leaves_disabled_channels_alone_when_auto_enable_is_off(ctx, mock_upstream):
    automatic = factories.make_channel(mock_upstream.url, status=CHANNEL_AUTO_DISABLED)
    testing.test_channels([automatic.id])
    assert status_of(automatic.id) == (CHANNEL_AUTO_DISABLED, [False])


def test_test_all_skips_channels_deleted_meanwhile(ctx, mock_upstream):
    channel = factories.make_channel(mock_upstream.url)
    testing.test_channels([424242, channel.id])
    assert db.session.get(Channel, channel.id).test_time > 0


def test_scope_selects_disabled_channels(ctx, mock_upstream):
    enabled = factories.make_channel(mock_upstream.url).id
    manual = factories.make_channel(mock_upstream.url, status=CHANNEL_MANUALLY_DISABLED).id
    automatic = factories.make_channel(mock_upstream.url, status=CHANNEL_AUTO_DISABLED).id
    assert testing.channel_ids_in_scope("all") == [enabled, manual, automatic]
    assert testing.channel_ids_in_scope("disabled") == [manual, automatic]


@pytest.mark.parametrize("status", [200, 400, 401, 500])
def test_a_test_reply_shows_no_trace_of_a_key_the_upstream_quotes(app, root_client, mock_upstream, status):
    canary = new_canary()
    with app.app_context():
        channel_id = factories.make_channel(mock_upstream.url, key=canary).id
    mock_upstream.behaviour.echo_key = True
    mock_upstream.behaviour.status = None if status == 200 else status

    reply = root_client.get(f"/api/channel/test/{channel_id}")

    assert reply.json["success"] is (status == 200) and MASK in reply.json["message"]  # it was quoted
    if status != 200:
        assert reply.json["message"].startswith(f"status {status}: ")
    assert_no_canary(canary, reply.get_data(as_text=True), repr(dict(reply.headers)), log_rows_text(app))
