"""Channel management (/api/channel/...): CRUD shapes, write-only keys, tests, balances, admin-only access."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.crypto import PREFIX, decrypt_secret
from app.extensions import db
from app.models import Ability, Channel, Log
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED, CHANNEL_MANUALLY_DISABLED
from app.models.log import LOG_TEST
from tests import factories
from tests.conftest import set_options

SECRET = "sk-5b8e2f0a9c7d41e3b6a0c8f2d4e6cdef"  # no English words: any 8 characters of it are masked in replies
CHANNEL_FIELDS = {
    "id", "type", "key", "status", "name", "weight", "created_time", "test_time", "response_time", "base_url",
    "other", "balance", "balance_updated_time", "models", "group", "used_quota", "model_mapping", "priority",
    "config", "system_prompt",
}


def create(client, **fields) -> dict:
    body = {"type": 1, "name": "mock", "key": SECRET, "models": "gpt-4o-mini", "group": "default", **fields}
    return client.post("/api/channel/", json=body).json


def stored(app, channel_id: int) -> Channel | None:
    with app.app_context():
        channel = db.session.get(Channel, channel_id)
        if channel is not None:
            db.session.expunge(channel)
        return channel


def abilities(app, channel_id: int) -> list[tuple[str, str, bool]]:
    with app.app_context():
        rows = db.session.execute(select(Ability.group, Ability.model, Ability.enabled)
                                  .where(Ability.channel_id == channel_id)).all()
        return sorted(tuple(row) for row in rows)


def channel_test_logs(app, channel_id: int) -> list[Log]:
    with app.app_context():
        rows = db.session.execute(select(Log).where(Log.type == LOG_TEST, Log.channel_id == channel_id)).scalars().all()
        db.session.expunge_all()
        return rows


# --- create, read, search ---------------------------------------------------------------------------------------

def test_create_makes_one_channel_per_key_line(app, root_client):
    reply = create(root_client, key="sk-first-key-aaaa\n\n  sk-second-key-bbbb \r\nsk-third-key-cccc\n")
    assert reply["success"] is True
    assert len(reply["data"]) == 3
    listed = root_client.get("/api/channel/").json
    assert listed["total"] == 3
    assert {channel["name"] for channel in listed["data"]} == {"mock"}
    with app.app_context():
        keys = {decrypt_secret(row.key) for row in db.session.execute(select(Channel)).scalars()}
    assert keys == {"sk-first-key-aaaa", "sk-second-key-bbbb", "sk-third-key-cccc"}


def test_channel_json_has_one_api_fields(root_client):
    channel_id = create(root_client)["data"][0]["id"]
    data = root_client.get(f"/api/channel/{channel_id}").json["data"]
    assert set(data) == CHANNEL_FIELDS
    assert data["status"] == CHANNEL_ENABLED and data["group"] == "default" and data["models"] == "gpt-4o-mini"
    assert isinstance(data["created_time"], int) and data["created_time"] > 0


def test_create_trims_model_and_group_lists(app, root_client):
    channel_id = create(root_client, models=" gpt-4o , gpt-4o-mini,,gpt-4o", group="default, vip ")["data"][0]["id"]
    channel = stored(app, channel_id)
    assert (channel.models, channel.group) == ("gpt-4o,gpt-4o-mini", "default,vip")
    assert abilities(app, channel_id) == [("default", "gpt-4o", True), ("default", "gpt-4o-mini", True),
                                          ("vip", "gpt-4o", True), ("vip", "gpt-4o-mini", True)]


@pytest.mark.parametrize("fields, named", [
    ({"type": 9999}, "type"),
    ({"type": "1"}, "type"),
    ({"name": ""}, "name"),
    ({"key": "\n \n"}, "key"),
    ({"base_url": "ftp://example.com"}, "base_url"),
    ({"base_url": "not a url"}, "base_url"),
    ({"model_mapping": "{not json"}, "model_mapping"),
    ({"model_mapping": '["gpt-4"]'}, "model_mapping"),
    ({"model_mapping": '{"gpt-4": 4}'}, "model_mapping"),
    ({"config": "[]"}, "config"),
    ({"group": "a" * 40}, "group"),
    ({"weight": -1}, "weight"),
    ({"priority": 2**70}, "priority"),
    ({"status": 3}, "status"),
    ({"models": 5}, "models"),
])
def test_create_rejects_invalid_fields_naming_them(app, root_client, fields, named):
    reply = create(root_client, **fields)
    assert reply["success"] is False
    assert named in reply["message"]
    with app.app_context():
        assert db.session.execute(select(Channel)).first() is None


def test_create_rejects_a_body_that_is_not_an_object(root_client):
    assert root_client.post("/api/channel/", json=["nope"]).json["success"] is False


def test_list_is_paged_newest_first(root_client):
    for number in range(12):
        create(root_client, name=f"channel-{number:02d}")
    first = root_client.get("/api/channel/?p=0").json
    second = root_client.get("/api/channel/?p=1").json
    assert [channel["name"] for channel in first["data"]] == [f"channel-{n:02d}" for n in range(11, 1, -1)]
    assert [channel["name"] for channel in second["data"]] == ["channel-01", "channel-00"]
    assert first["total"] == 12


def test_search_matches_id_or_name_prefix(root_client):
    alpha = create(root_client, name="alpha-east")["data"][0]["id"]
    create(root_client, name="beta")
    assert [c["id"] for c in root_client.get("/api/channel/search?keyword=alpha").json["data"]] == [alpha]
    assert [c["id"] for c in root_client.get(f"/api/channel/search?keyword={alpha}").json["data"]] == [alpha]
    assert root_client.get("/api/channel/search?keyword=%25").json["data"] == []  # a literal %, not a wildcard


def test_get_of_a_missing_channel_fails(root_client):
    reply = root_client.get("/api/channel/424242").json
    assert reply["success"] is False and reply["message"]


# --- keys are write-only ----------------------------------------------------------------------------------------

def test_key_never_appears_in_any_response_and_is_encrypted_at_rest(app, root_client):
    created = root_client.post("/api/channel/", json={"type": 1, "name": "secretive", "key": SECRET})
    channel_id = created.json["data"][0]["id"]
    replies = [
        created,
        root_client.get("/api/channel/"),
        root_client.get("/api/channel/search?keyword=secretive"),
        root_client.get(f"/api/channel/{channel_id}"),
        root_client.put("/api/channel/", json={"id": channel_id, "priority": 3}),
    ]
    for reply in replies:
        assert reply.json["success"] is True
        assert SECRET not in reply.get_data(as_text=True)
        assert SECRET[-12:] not in reply.get_data(as_text=True)
    assert replies[3].json["data"]["key"] == "sk-…cdef"
    raw = stored(app, channel_id).key
    assert raw.startswith(PREFIX) and SECRET not in raw
    with app.app_context():
        assert decrypt_secret(raw) == SECRET


def test_relay_uses_the_key_of_a_channel_created_through_the_api(app, root_client, mock_upstream):
    assert create(root_client, base_url=mock_upstream.url)["success"]
    with app.app_context():
        _token, key = factories.make_token(factories.make_user())
    response = app.test_client().post("/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                                      json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["choices"][0]["message"]["content"] == mock_upstream.behaviour.reply_text
    assert mock_upstream.last_request.headers["authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize("sent_key", [None, "", "   ", "sk-…cdef"])
def test_edit_without_a_new_key_keeps_the_old_one(app, root_client, sent_key):
    channel_id = create(root_client)["data"][0]["id"]
    body = {"id": channel_id, "name": "renamed"}
    if sent_key is not None:
        body["key"] = sent_key
    reply = root_client.put("/api/channel/", json=body).json
    assert reply["success"] is True and reply["data"]["name"] == "renamed"
    with app.app_context():
        assert decrypt_secret(stored(app, channel_id).key) == SECRET


def test_edit_with_a_new_key_replaces_it(app, root_client):
    channel_id = create(root_client)["data"][0]["id"]
    assert root_client.put("/api/channel/", json={"id": channel_id, "key": "sk-replacement-key-9999"}).json["success"]
    raw = stored(app, channel_id).key
    with app.app_context():
        assert raw.startswith(PREFIX) and decrypt_secret(raw) == "sk-replacement-key-9999"


# --- edit and delete --------------------------------------------------------------------------------------------

def test_edit_changes_only_the_fields_sent_and_rebuilds_abilities(app, root_client):
    channel_id = create(root_client, priority=5, weight=2)["data"][0]["id"]
    reply = root_client.put("/api/channel/", json={"id": channel_id, "models": "gpt-4o", "used_quota": 999,
                                                    "balance": 1000}).json
    assert reply["success"] is True
    data = reply["data"]
    assert (data["models"], data["priority"], data["weight"], data["used_quota"], data["balance"]) == \
        ("gpt-4o", 5, 2, 0, 0)
    assert abilities(app, channel_id) == [("default", "gpt-4o", True)]


def test_edit_rejects_invalid_model_mapping_naming_the_field(app, root_client):
    channel_id = create(root_client, model_mapping='{"gpt-4": "gpt-4o"}')["data"][0]["id"]
    reply = root_client.put("/api/channel/", json={"id": channel_id, "model_mapping": "{oops"}).json
    assert reply["success"] is False and "model_mapping" in reply["message"]
    assert stored(app, channel_id).model_mapping == '{"gpt-4": "gpt-4o"}'


def test_edit_of_a_missing_channel_fails(root_client):
    reply = root_client.put("/api/channel/", json={"id": 424242, "name": "x"}).json
    assert reply["success"] is False


def test_status_changes_flip_abilities(app, root_client):
    channel_id = create(root_client)["data"][0]["id"]
    assert root_client.put("/api/channel/", json={"id": channel_id, "status": 2}).json["data"]["status"] == 2
    assert abilities(app, channel_id) == [("default", "gpt-4o-mini", False)]
    assert root_client.put("/api/channel/", json={"id": channel_id, "status": 1}).json["success"]
    assert abilities(app, channel_id) == [("default", "gpt-4o-mini", True)]


def test_delete_disabled_removes_those_channels_and_their_abilities(app, root_client):
    kept = create(root_client, name="kept")["data"][0]["id"]
    manual = create(root_client, name="manual")["data"][0]["id"]
    root_client.put("/api/channel/", json={"id": manual, "status": CHANNEL_MANUALLY_DISABLED})
    with app.app_context():
        automatic = factories.make_channel("", status=CHANNEL_AUTO_DISABLED).id
    reply = root_client.delete("/api/channel/disabled").json
    assert reply == {"success": True, "message": "", "data": 2}
    assert stored(app, manual) is None and stored(app, automatic) is None
    assert abilities(app, manual) == [] and abilities(app, automatic) == []
    assert abilities(app, kept) == [("default", "gpt-4o-mini", True)]


def test_delete_removes_the_channel_and_its_abilities(app, root_client):
    channel_id = create(root_client)["data"][0]["id"]
    assert root_client.delete(f"/api/channel/{channel_id}").json["success"] is True
    assert stored(app, channel_id) is None and abilities(app, channel_id) == []


# --- testing ----------------------------------------------------------------------------------------------------

def test_testing_a_channel_reports_the_reply_and_logs_it(app, root_client, mock_upstream):
    channel_id = create(root_client, base_url=mock_upstream.url)["data"][0]["id"]
    reply = root_client.get(f"/api/channel/test/{channel_id}?model=gpt-4o-mini").json
    assert reply["success"] is True
    assert reply["message"] == mock_upstream.behaviour.reply_text
    assert reply["modelName"] == "gpt-4o-mini" and reply["time"] >= 0
    assert mock_upstream.last_request.json["messages"][0]["content"] == app.config["TOLLGATE"].test_prompt
    assert stored(app, channel_id).test_time > 0
    [log] = channel_test_logs(app, channel_id)
    assert log.model_name == "gpt-4o-mini" and "succeeded" in log.content and log.quota == 0


def test_testing_a_channel_with_a_revoked_key_reports_the_error(app, root_client, mock_upstream):
    channel_id = create(root_client, base_url=mock_upstream.url)["data"][0]["id"]
    mock_upstream.behaviour.status = 401
    reply = root_client.get(f"/api/channel/test/{channel_id}").json
    assert reply["success"] is False and reply["message"] and reply["time"] == 0
    assert stored(app, channel_id).response_time == 0
    [log] = channel_test_logs(app, channel_id)
    assert "failed" in log.content
    assert stored(app, channel_id).status == CHANNEL_ENABLED  # a single test never disables


def test_testing_a_missing_channel_fails(root_client):
    assert root_client.get("/api/channel/test/424242").json["success"] is False


def wait_for_test_run(app) -> None:
    from app.channels import testing

    deadline = time.monotonic() + 10
    while testing.is_test_run_going():
        assert time.monotonic() < deadline, "the test run did not finish"
        time.sleep(0.05)


def test_test_all_reenables_only_automatically_disabled_channels(app, root_client, mock_upstream):
    set_options(app, AutomaticEnableChannelEnabled="true")
    with app.app_context():
        manual = factories.make_channel(mock_upstream.url, status=CHANNEL_MANUALLY_DISABLED).id
        automatic = factories.make_channel(mock_upstream.url, status=CHANNEL_AUTO_DISABLED).id
    reply = root_client.get("/api/channel/test?scope=disabled").json
    assert reply["success"] is True
    wait_for_test_run(app)
    assert stored(app, manual).status == CHANNEL_MANUALLY_DISABLED
    assert stored(app, automatic).status == CHANNEL_ENABLED
    assert abilities(app, automatic) == [("default", "gpt-4o-mini", True)]
    assert abilities(app, manual) == [("default", "gpt-4o-mini", False)]
    assert len(channel_test_logs(app, manual)) == 1 and len(channel_test_logs(app, automatic)) == 1


def test_test_all_runs_one_at_a_time(app, root_client, mock_upstream):
    with app.app_context():
        factories.make_channel(mock_upstream.url)
    mock_upstream.behaviour.latency = 0.5
    assert root_client.get("/api/channel/test").json["success"] is True
    second = root_client.get("/api/channel/test").json
    assert second["success"] is False and "already" in second["message"]
    wait_for_test_run(app)


def test_test_all_rejects_an_unknown_scope(root_client):
    reply = root_client.get("/api/channel/test?scope=everything").json
    assert reply["success"] is False and "scope" in reply["message"]


# --- balances ---------------------------------------------------------------------------------------------------

def test_update_balance_reads_the_openai_dashboard(app, root_client, mock_upstream):
    channel_id = create(root_client, base_url=mock_upstream.url)["data"][0]["id"]
    reply = root_client.get(f"/api/channel/update_balance/{channel_id}").json
    assert reply["success"] is True
    assert reply["balance"] == pytest.approx(100 - 12.34)
    channel = stored(app, channel_id)
    assert channel.balance == pytest.approx(87.66) and channel.balance_updated_time > 0
    assert root_client.get(f"/api/channel/{channel_id}").json["data"]["balance"] == pytest.approx(87.66)


def test_update_balance_of_an_unsupported_type_fails_clearly(root_client, mock_upstream):
    channel_id = create(root_client, type=29, base_url=mock_upstream.url)["data"][0]["id"]  # Groq
    reply = root_client.get(f"/api/channel/update_balance/{channel_id}").json
    assert reply["success"] is False and "not supported" in reply["message"]


def test_update_all_balances_refreshes_every_supported_channel(app, root_client, mock_upstream):
    first = create(root_client, base_url=mock_upstream.url)["data"][0]["id"]
    second = create(root_client, type=8, base_url=mock_upstream.url)["data"][0]["id"]  # Custom
    create(root_client, type=29, base_url=mock_upstream.url)  # Groq: no balance query, skipped
    reply = root_client.get("/api/channel/update_balance").json
    assert reply["success"] is True and "Refreshed 2" in reply["message"]
    assert stored(app, first).balance == pytest.approx(87.66)
    assert stored(app, second).balance == pytest.approx(87.66)


# --- access -----------------------------------------------------------------------------------------------------

CHANNEL_ROUTES = [
    ("GET", "/api/channel/"), ("GET", "/api/channel/search?keyword=a"), ("GET", "/api/channel/models"),
    ("GET", "/api/channel/types"), ("GET", "/api/channel/1"), ("GET", "/api/channel/test"),
    ("GET", "/api/channel/test/1"), ("GET", "/api/channel/update_balance"), ("GET", "/api/channel/update_balance/1"),
    ("POST", "/api/channel/"), ("PUT", "/api/channel/"), ("DELETE", "/api/channel/disabled"),
    ("DELETE", "/api/channel/1"),
]


@pytest.fixture
def common_client(app):
    with app.app_context():
        username = factories.make_user().username
        factories.make_channel("http://127.0.0.1:9", status=CHANNEL_MANUALLY_DISABLED)
    client = app.test_client()
    assert client.post("/api/user/login", json={"username": username, "password": "password123"}).json["success"]
    return client


def test_common_user_is_refused_every_channel_route(app, common_client):
    for method, path in CHANNEL_ROUTES:
        response = common_client.open(path, method=method, json={"id": 1, "type": 1, "name": "x", "key": "k"})
        assert (response.status_code, response.json["success"]) == (403, False), (method, path)
    assert stored(app, 1) is not None


def test_anonymous_caller_is_refused_every_channel_route(client):
    for method, path in CHANNEL_ROUTES:
        assert client.open(path, method=method, json={}).status_code == 401, (method, path)
