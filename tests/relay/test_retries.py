"""Retries move to another channel and bill once; request faults are not retried; dead channels are disabled."""

from __future__ import annotations

import openai
import pytest

from app.extensions import db
from app.models import Channel
from tests import factories
from tests.conftest import set_options
from tests.relay.conftest import make_setup


@pytest.fixture
def two_channels(app, live_server, mock_upstream, mock_upstream_factory):
    """A failing-prone high-priority channel on `mock_upstream` and a healthy fallback on a second mock."""
    fallback = mock_upstream_factory()
    setup = make_setup(app, live_server.url, mock_upstream.url, priority=10, models="gpt-4o-mini")
    with app.app_context():
        backup_id = factories.make_channel(fallback.url, priority=0, models="gpt-4o-mini", key="sk-backup-key").id
    return setup, fallback, backup_id


def _chat(setup):
    return setup.client().chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])


@pytest.mark.parametrize("status", [500, 502, 429])
def test_retryable_failure_moves_to_the_next_channel_and_bills_once(app, two_channels, mock_upstream, status):
    setup, fallback, backup_id = two_channels
    set_options(app, RetryTimes="2")
    mock_upstream.behaviour.status = status
    assert _chat(setup).choices[0].message.content
    assert len(mock_upstream.requests) == 1 and len(fallback.requests) == 1
    (log,) = setup.logs()
    assert log.channel_id == backup_id
    figures = setup.balances()
    assert figures["log_count"] == 1 and figures["user_used"] == figures["log_quota"] == figures["token_used"]


def test_unreachable_channel_is_retried(app, live_server, mock_upstream):
    setup = make_setup(app, live_server.url, "http://127.0.0.1:9", priority=10, models="gpt-4o-mini")
    with app.app_context():
        factories.make_channel(mock_upstream.url, models="gpt-4o-mini")
    set_options(app, RetryTimes="1")
    assert _chat(setup).choices[0].message.content
    assert len(setup.logs()) == 1


def test_a_refused_connection_is_a_502_not_a_timeout(app, live_server):
    setup = make_setup(app, live_server.url, "http://127.0.0.1:9", models="gpt-4o-mini")
    with pytest.raises(openai.APIStatusError) as raised:
        _chat(setup)
    assert raised.value.status_code == 502
    assert setup.balances()["user_used"] == 0


def test_request_fault_is_not_retried(app, two_channels, mock_upstream):
    setup, fallback, _backup = two_channels
    set_options(app, RetryTimes="3")
    mock_upstream.behaviour.status = 400
    mock_upstream.behaviour.error_message = "messages[0].content is too long"
    with pytest.raises(openai.BadRequestError) as raised:
        _chat(setup)
    assert "too long" in raised.value.message
    assert len(mock_upstream.requests) == 1 and fallback.requests == []
    assert setup.logs() == [] and setup.balances()["user_used"] == 0


def test_without_retries_the_first_failure_reaches_the_client_refunded(app, two_channels, mock_upstream):
    setup, fallback, _backup = two_channels
    before = setup.balances()
    mock_upstream.behaviour.status = 503
    with pytest.raises(openai.APIStatusError) as raised:
        _chat(setup)
    assert raised.value.status_code == 503 and fallback.requests == []
    after = setup.balances()
    assert after["user_quota"] == before["user_quota"] and after["token_remain"] == before["token_remain"]


def test_revoked_key_disables_the_channel_when_the_option_is_on(app, two_channels, mock_upstream):
    setup, _fallback, _backup = two_channels
    set_options(app, RetryTimes="1", AutomaticDisableChannelEnabled="true")
    mock_upstream.behaviour.status = 401
    mock_upstream.behaviour.error_code = "invalid_api_key"
    assert _chat(setup).choices[0].message.content  # served by the fallback
    with app.app_context():
        assert db.session.get(Channel, setup.channel_id).status == 3
    mock_upstream.clear()
    _chat(setup)
    assert mock_upstream.requests == []  # the disabled channel is out of rotation at once


@pytest.mark.parametrize("status", [500, 429])
def test_transient_errors_never_disable_a_channel(app, two_channels, mock_upstream, status):
    setup, _fallback, _backup = two_channels
    set_options(app, RetryTimes="1", AutomaticDisableChannelEnabled="true")
    mock_upstream.behaviour.status = status
    for _ in range(3):
        _chat(setup)
    with app.app_context():
        assert db.session.get(Channel, setup.channel_id).status == 1


def test_dead_channel_stays_enabled_when_the_option_is_off(app, two_channels, mock_upstream):
    setup, _fallback, _backup = two_channels
    set_options(app, RetryTimes="1")
    mock_upstream.behaviour.status = 401
    _chat(setup)
    with app.app_context():
        assert db.session.get(Channel, setup.channel_id).status == 1


def test_model_mapping_and_system_prompt_reach_the_upstream(app, live_server, mock_upstream):
    setup = make_setup(app, live_server.url, mock_upstream.url, models="gpt-4o-mini",
                       model_mapping='{"gpt-4o-mini": "gpt-4o"}', system_prompt="Be brief.")
    setup.client().chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], extra_body={"custom_field": 7})
    sent = mock_upstream.requests[-1].json
    assert sent["model"] == "gpt-4o" and sent["custom_field"] == 7  # unknown fields survive (One API drops them)
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}
    (log,) = setup.logs()
    assert log.model_name == "gpt-4o" and log.system_prompt_reset is True
