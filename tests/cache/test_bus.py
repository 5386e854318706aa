"""Admin changes reach every node within a second through Redis pub/sub, though caches may live for
SYNC_FREQUENCY (600 s here): two gateways share one database and one Redis, as two nodes do."""

import time

import pytest
import redis as redis_lib
import requests

from app.cache import bus
from app.options import current as current_options
from tests.conftest import ROOT_PASSWORD, LiveServer, build_app, dispose
from tests.relay.conftest import make_setup

DEADLINE_SECONDS = 1.0


class Node:
    def __init__(self, app, server: LiveServer) -> None:
        self.app, self.server, self.url = app, server, server.url
        self.admin = app.test_client()

    def bus_state(self):
        return self.app.extensions["tollgate.cache_bus"]

    def wait_listening(self, timeout: float = 5.0) -> None:
        requests.get(f"{self.url}/api/status", timeout=5)  # the first request starts the listener
        deadline = time.monotonic() + timeout
        while not self.bus_state().listening:
            assert time.monotonic() < deadline, "the invalidation listener did not start"
            time.sleep(0.02)

    def chat(self, key: str) -> requests.Response:
        return requests.post(f"{self.url}/v1/chat/completions", timeout=10,
                             headers={"Authorization": f"Bearer {key}"},
                             json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})


@pytest.fixture
def nodes(tmp_path, redis_url, mock_upstream):
    settings = {"SQLITE_PATH": str(tmp_path / "shared.db"), "REDIS_CONN_STRING": redis_url,
                "SYNC_FREQUENCY": "600"}
    app_a, app_b = build_app(settings), build_app(settings)
    with LiveServer(app_a) as server_a, LiveServer(app_b) as server_b:
        a, b = Node(app_a, server_a), Node(app_b, server_b)
        a.wait_listening()
        b.wait_listening()
        setup = make_setup(app_a, a.url, mock_upstream.url)
        login = a.admin.post("/api/user/login", json={"username": "root", "password": ROOT_PASSWORD})
        assert login.json["success"]
        yield a, b, setup
    dispose(app_a)
    dispose(app_b)


def owner_of(node: Node, setup):
    """A test client on ``node`` signed in as the user who owns the setup's key."""
    client = node.app.test_client()
    username = node.admin.get(f"/api/user/{setup.user_id}").json["data"]["username"]
    assert client.post("/api/user/login", json={"username": username, "password": "password123"}).json["success"]
    return client


def seconds_until(check, timeout: float = 5.0) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, "the change never arrived"
        time.sleep(0.01)
    return time.monotonic() - started


def test_a_listening_node_trusts_its_caches_for_sync_frequency(nodes):
    a, b, _ = nodes
    with b.app.app_context():
        assert bus.cache_ttl() == 600


def test_a_token_deleted_on_node_a_is_refused_on_node_b_within_a_second(nodes):
    a, b, setup = nodes
    assert b.chat(setup.key).status_code == 200  # B now holds the token in its cache
    deleted = owner_of(a, setup).delete(f"/api/token/{setup.token_id}")
    assert deleted.json["success"], deleted.json
    assert seconds_until(lambda: b.chat(setup.key).status_code == 401) < DEADLINE_SECONDS


def test_a_user_banned_on_node_a_is_refused_on_node_b_within_a_second(nodes):
    a, b, setup = nodes
    assert b.chat(setup.key).status_code == 200
    username = a.admin.get(f"/api/user/{setup.user_id}").json["data"]["username"]
    banned = a.admin.post("/api/user/manage", json={"username": username, "action": "disable"})
    assert banned.json["success"], banned.json
    assert seconds_until(lambda: b.chat(setup.key).status_code == 403) < DEADLINE_SECONDS


def test_a_channel_disabled_on_node_a_leaves_node_b_rotation_within_a_second(nodes):
    a, b, setup = nodes
    assert b.chat(setup.key).status_code == 200
    disabled = a.admin.put("/api/channel/", json={"id": setup.channel_id, "status": 2})
    assert disabled.json["success"], disabled.json
    assert seconds_until(lambda: b.chat(setup.key).status_code == 503) < DEADLINE_SECONDS


def test_a_ratio_changed_on_node_a_prices_node_b_within_a_second(nodes):
    a, b, _ = nodes
    with b.app.app_context():
        current_options()  # loaded, and trusted for 600 s
    saved = a.admin.put("/api/option/", json={"key": "GroupRatio", "value": '{"default": 2.5, "vip": 1}'})
    assert saved.json["success"], saved.json

    def b_sees_it() -> bool:
        with b.app.app_context():
            return '"default": 2.5' in current_options().get("GroupRatio")

    assert seconds_until(b_sees_it) < DEADLINE_SECONDS


def test_a_listener_that_lost_redis_reconnects_and_drops_what_it_may_have_missed(nodes, redis_url):
    a, b, setup = nodes
    assert b.chat(setup.key).status_code == 200
    redis_lib.Redis.from_url(redis_url).client_kill_filter(_type="pubsub")
    # While B is not listening it trusts entries for one second only; once back, it starts afresh.
    seconds_until(lambda: not b.bus_state().listening, timeout=3)
    with b.app.app_context():
        assert bus.cache_ttl() == bus.SHORT_TTL_SECONDS
    seconds_until(lambda: b.bus_state().listening and a.bus_state().listening, timeout=5)
    assert owner_of(a, setup).delete(f"/api/token/{setup.token_id}").json["success"]
    assert seconds_until(lambda: b.chat(setup.key).status_code == 401) < DEADLINE_SECONDS


def test_without_redis_entries_live_one_second(app):
    with app.app_context():
        assert bus.cache_ttl() == bus.SHORT_TTL_SECONDS
