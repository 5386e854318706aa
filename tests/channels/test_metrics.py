"""Success-rate metrics (ENABLE_METRIC): a channel that fails too often is disabled (status 3) and root is told;
the window is shared by every node through Redis; with the setting off nothing is recorded."""

from __future__ import annotations

import time

import pytest
import redis as redis_lib
import requests
from sqlalchemy import select

from app import alerts
from app.channels import metrics
from app.channels.metrics import LocalWindows, RedisWindows, window_key
from app.extensions import db
from app.models import Ability, Channel
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED
from tests.conftest import LiveServer, build_app, dispose
from tests.relay.conftest import make_setup
from tests.smtp_server import configure_smtp, smtp_server
from tests.test_alerts import ROOT_EMAIL, give_root_email, queued, wait_for

WINDOW = 4


def build_metric_app(tmp_path, **extra: str):
    return build_app({"SQLITE_PATH": str(tmp_path / "tollgate.db")},
                     **{"ENABLE_METRIC": "true", "METRIC_QUEUE_SIZE": str(WINDOW),
                        "METRIC_SUCCESS_RATE_THRESHOLD": "0.5", **extra})


@pytest.fixture
def metric_app(tmp_path):
    application = build_metric_app(tmp_path)
    yield application
    dispose(application)


@pytest.fixture
def gateway(metric_app, mock_upstream):
    """The embedded gateway with metrics on (window 4, threshold 0.5), a channel on the mock, root's address set."""
    with LiveServer(metric_app) as server:
        give_root_email(metric_app)
        yield make_setup(metric_app, server.url, mock_upstream.url, models="gpt-4o-mini")


def chat(setup, url: str | None = None) -> int:
    response = requests.post(f"{url or setup.url}/v1/chat/completions", timeout=30,
                             headers={"Authorization": f"Bearer {setup.key}"},
                             json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})
    return response.status_code


def channel_status(app, channel_id: int) -> int:
    with app.app_context():
        status = db.session.execute(select(Channel.status).where(Channel.id == channel_id)).scalar()
        db.session.remove()
    return status


def outcomes(app, channel_id: int) -> list[bool]:
    with app.app_context():
        return metrics.windows().outcomes(channel_id)


def test_a_failing_channel_is_disabled_and_root_is_mailed(metric_app, gateway, mock_upstream):
    with smtp_server() as (server, inbox):
        configure_smtp(metric_app, server.port)
        mock_upstream.behaviour.status = 500
        assert [chat(gateway) for _ in range(WINDOW)] == [500] * WINDOW
        assert channel_status(metric_app, gateway.channel_id) == CHANNEL_AUTO_DISABLED
        assert wait_for(lambda: inbox.messages)
        assert chat(gateway) == 503  # out of rotation: no channel left for the model
    (message,) = inbox.messages
    assert message["To"] == ROOT_EMAIL and message["Subject"].endswith(f"(#{gateway.channel_id}) was disabled")
    assert "only 0% of its last 4 requests succeeded (the threshold is 50%)" in message.get_content()
    with metric_app.app_context():
        abilities = db.session.execute(select(Ability.enabled).where(Ability.channel_id == gateway.channel_id))
        assert set(abilities.scalars()) == {False}
    assert outcomes(metric_app, gateway.channel_id) == []  # the window starts afresh


def test_timeouts_and_refused_connections_count_as_failures(tmp_path, mock_upstream):
    app = build_metric_app(tmp_path, RELAY_TIMEOUT="1")
    try:
        with LiveServer(app) as server:
            refused = make_setup(app, server.url, "http://127.0.0.1:9", models="gpt-4o-mini")
            for _ in range(WINDOW):
                assert chat(refused) == 502
            assert channel_status(app, refused.channel_id) == CHANNEL_AUTO_DISABLED
            slow = make_setup(app, server.url, mock_upstream.url, models="gpt-4o-mini")
            mock_upstream.behaviour.latency = 1.5
            assert chat(slow) == 504
            assert outcomes(app, slow.channel_id) == [False]
    finally:
        dispose(app)


def test_below_the_window_size_nothing_happens(metric_app, gateway, mock_upstream):
    mock_upstream.behaviour.status = 503
    for _ in range(WINDOW - 1):
        assert chat(gateway) == 503
    assert channel_status(metric_app, gateway.channel_id) == CHANNEL_ENABLED
    assert outcomes(metric_app, gateway.channel_id) == [False] * (WINDOW - 1)


def test_a_good_channel_stays_and_its_window_keeps_the_latest(metric_app, gateway, mock_upstream):
    for _ in range(WINDOW + 2):
        assert chat(gateway) == 200
    mock_upstream.behaviour.status = 429
    assert chat(gateway) == 429
    assert channel_status(metric_app, gateway.channel_id) == CHANNEL_ENABLED
    assert outcomes(metric_app, gateway.channel_id) == [False] + [True] * (WINDOW - 1)


def test_client_errors_do_not_count_against_the_channel(metric_app, gateway, mock_upstream):
    mock_upstream.behaviour.status = 400
    for _ in range(WINDOW + 1):
        assert chat(gateway) == 400
    assert channel_status(metric_app, gateway.channel_id) == CHANNEL_ENABLED
    assert outcomes(metric_app, gateway.channel_id) == []


@pytest.mark.parametrize("kind", ["local", "redis"])
def test_the_rate_must_fall_below_the_threshold(kind, request):
    """Both windows judge alike: 4 of 5 at a threshold of 0.8 stays, 3 of 5 condemns and clears the window."""
    if kind == "redis":
        connection = redis_lib.Redis.from_url(request.getfixturevalue("redis_url"))
        window = RedisWindows(connection, 5, 0.8)
    else:
        window = LocalWindows(5, 0.8)
    verdicts = [window.record(7, success) for success in (True, True, False, True, True)]
    assert verdicts == [None] * 5 and window.outcomes(7) == [True, True, False, True, True]
    assert window.record(7, False) == pytest.approx(0.6)  # the oldest success left the window
    assert window.outcomes(7) == [] and window.record(7, False) is None
    window.reset(7)
    assert window.outcomes(7) == []


def test_two_nodes_sharing_redis_fill_one_window(tmp_path, redis_url, mock_upstream):
    settings = {"SQLITE_PATH": str(tmp_path / "shared.db"), "REDIS_CONN_STRING": redis_url,
                "ENABLE_METRIC": "true", "METRIC_QUEUE_SIZE": str(WINDOW)}
    first, second = build_app(settings), build_app(settings)
    try:
        with LiveServer(first) as node_a, LiveServer(second) as node_b:
            setup = make_setup(first, node_a.url, mock_upstream.url, models="gpt-4o-mini")
            mock_upstream.behaviour.status = 500
            for url in (node_a.url, node_b.url, node_a.url):
                assert chat(setup, url) == 500
            connection = redis_lib.Redis.from_url(redis_url)
            assert connection.lrange(window_key(setup.channel_id), 0, -1) == [b"0"] * 3
            assert channel_status(first, setup.channel_id) == CHANNEL_ENABLED
            assert chat(setup, node_b.url) == 500  # the fourth outcome, from the other node, fills the window
            assert channel_status(first, setup.channel_id) == CHANNEL_AUTO_DISABLED
            assert not connection.exists(window_key(setup.channel_id))
            connection.close()
        alert_args = queued(redis_url, alerts.CHANNEL_ALERT_TASK)
        assert len(alert_args) == 1 and alert_args[0][:2] == [setup.channel_id, "disabled"]
    finally:
        dispose(first)
        dispose(second)


@pytest.mark.parametrize("with_redis", [False, True])
def test_with_metrics_off_nothing_is_recorded(tmp_path, mock_upstream, with_redis, request):
    settings = {"SQLITE_PATH": str(tmp_path / "tollgate.db")}
    if with_redis:
        settings["REDIS_CONN_STRING"] = request.getfixturevalue("redis_url")
    app = build_app(settings, METRIC_QUEUE_SIZE=str(WINDOW))
    try:
        with LiveServer(app) as server:
            setup = make_setup(app, server.url, mock_upstream.url, models="gpt-4o-mini")
            mock_upstream.behaviour.status = 500
            for _ in range(WINDOW * 2):
                assert chat(setup) == 500
            assert channel_status(app, setup.channel_id) == CHANNEL_ENABLED
            with app.app_context():
                assert metrics.windows() is None
        if with_redis:
            connection = redis_lib.Redis.from_url(settings["REDIS_CONN_STRING"])
            assert list(connection.scan_iter("tg:metric:*")) == []
            connection.close()
    finally:
        dispose(app)


def test_a_reenabled_channel_starts_with_an_empty_window(metric_app, gateway, mock_upstream):
    from app.channels import health

    mock_upstream.behaviour.status = 500
    for _ in range(WINDOW):
        chat(gateway)
    assert channel_status(metric_app, gateway.channel_id) == CHANNEL_AUTO_DISABLED
    with metric_app.app_context():
        metrics.record(gateway.channel_id, False)  # a straggler that was in flight
        assert health.enable_channel(gateway.channel_id)
        assert metrics.windows().outcomes(gateway.channel_id) == []
    time.sleep(0.2)  # let the alert threads finish before the app is disposed
