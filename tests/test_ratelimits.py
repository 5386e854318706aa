"""Per-IP rate limits: the global API limit, the stricter sign-in limit, shared through Redis across workers."""

from __future__ import annotations

from tests.conftest import build_app, dispose


def _statuses(client, count: int, path: str = "/api/status", **kwargs) -> list[int]:
    return [client.get(path, **kwargs).status_code for _ in range(count)]


def test_api_limit_answers_429_in_the_envelope(tmp_path):
    app = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, GLOBAL_API_RATE_LIMIT="3")
    client = app.test_client()
    assert _statuses(client, 4) == [200, 200, 200, 429]
    reply = client.get("/api/status")
    assert reply.status_code == 429 and reply.json["success"] is False and reply.json["message"]
    dispose(app)


def test_sign_in_has_its_own_stricter_limit(tmp_path):
    app = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, GLOBAL_API_RATE_LIMIT="0")
    client = app.test_client()
    codes = [client.post("/api/user/login", json={"username": "root", "password": "nope"}).status_code
             for _ in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429
    assert client.get("/api/status").status_code == 200  # other routes are unaffected
    dispose(app)


def test_spoofed_forwarded_for_does_not_escape_the_limit(tmp_path):
    app = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, GLOBAL_API_RATE_LIMIT="2")
    client = app.test_client()
    codes = [client.get("/api/status", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(3)]
    assert codes == [200, 200, 429]
    dispose(app)


def test_trusted_proxy_limits_each_forwarded_client_separately(tmp_path):
    app = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, GLOBAL_API_RATE_LIMIT="2", TRUSTED_PROXIES="127.0.0.1/32")
    client = app.test_client()
    first = _statuses(client, 3, headers={"X-Forwarded-For": "203.0.113.5"})
    second = _statuses(client, 2, headers={"X-Forwarded-For": "203.0.113.6"})
    assert first == [200, 200, 429] and second == [200, 200]
    dispose(app)


def test_debug_turns_limits_off(tmp_path):
    app = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, GLOBAL_API_RATE_LIMIT="1", DEBUG="true")
    assert _statuses(app.test_client(), 3) == [200, 200, 200]
    dispose(app)


def test_redis_counts_are_shared_by_every_worker(tmp_path, redis_url):
    settings = {"SQLITE_PATH": str(tmp_path / "t.db")}
    first = build_app(settings, GLOBAL_API_RATE_LIMIT="4", REDIS_CONN_STRING=redis_url)
    second = build_app(settings, GLOBAL_API_RATE_LIMIT="4", REDIS_CONN_STRING=redis_url)
    assert _statuses(first.test_client(), 2) == [200, 200]
    assert _statuses(second.test_client(), 3) == [200, 200, 429]
    dispose(first)
    dispose(second)


def test_relay_has_no_rate_limit(tmp_path):
    app = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, GLOBAL_API_RATE_LIMIT="1")
    client = app.test_client()
    assert {client.post("/v1/chat/completions").status_code for _ in range(3)} == {401}
    dispose(app)


def test_limits_fall_back_to_each_process_while_redis_is_unreachable(tmp_path):
    """Redis down (here: nothing listens on its port): the API and the pages keep answering, still limited."""
    from tests.workers.cluster import free_port

    app = build_app({"SQLITE_PATH": str(tmp_path / "t.db")}, GLOBAL_API_RATE_LIMIT="3", GLOBAL_WEB_RATE_LIMIT="3",
                    REDIS_CONN_STRING=f"redis://127.0.0.1:{free_port()}/0")
    client = app.test_client()
    assert _statuses(client, 4) == [200, 200, 200, 429]
    assert _statuses(client, 4, "/login") == [200, 200, 200, 429]
    login = client.post("/api/user/login", json={"username": "root", "password": "nope"})
    assert login.status_code == 429 and login.json["success"] is False  # the shared API budget is spent
    dispose(app)
