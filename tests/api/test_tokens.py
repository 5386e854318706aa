"""/api/token: a user's own relay keys, masked in lists, validated, and refused by the relay once disabled."""

from __future__ import annotations

import time

import pytest

from app.extensions import db
from app.models import Token, User
from app.models.token import TOKEN_DISABLED, TOKEN_ENABLED, TOKEN_EXHAUSTED, TOKEN_EXPIRED
from tests import factories


def sign_in(app, **user_fields):
    """A test client logged in as a new user, and that user's id."""
    with app.app_context():
        user = factories.make_user(**user_fields)
        user_id, username = user.id, user.username
    client = app.test_client()
    assert client.post("/api/user/login", json={"username": username, "password": "password123"}).json["success"]
    return client, user_id


def stored_token(app, token_id: int) -> Token:
    with app.app_context():
        token = db.session.get(Token, token_id)
        db.session.expunge_all()
        return token


def own_token(app, **fields) -> tuple:
    """A client signed in as a new user, the id of a token made for that user, and its ``sk-`` key."""
    client, user_id = sign_in(app)
    with app.app_context():
        token, key = factories.make_token(db.session.get(User, user_id), **fields)
        return client, token.id, key


@pytest.fixture
def alice(app):
    return sign_in(app)[0]


def create(client, **fields) -> dict:
    reply = client.post("/api/token/", json={"name": "laptop", **fields}).json
    assert reply["success"], reply
    return reply["data"]


def test_create_returns_the_full_key_once_and_lists_mask_it(alice):
    created = create(alice, remain_quota=5000, models="gpt-4o, gpt-4o-mini ,", subnet="10.0.0.0/8, ::1/128")
    assert len(created["key"]) == 48 and created["status"] == TOKEN_ENABLED
    assert created["models"] == "gpt-4o,gpt-4o-mini" and created["subnet"] == "10.0.0.0/8,::1/128"

    listed = alice.get("/api/token/").json
    assert listed["total"] == 1
    assert listed["data"][0]["key"] == f"{created['key'][:3]}…{created['key'][-4:]}"
    assert alice.get("/api/token/search?keyword=lap").json["data"][0]["key"] == listed["data"][0]["key"]
    assert alice.get(f"/api/token/{created['id']}").json["data"]["key"] == created["key"]


def test_create_ignores_fields_a_user_may_not_set(app, alice):
    created = create(alice, used_quota=99, user_id=1, key="x" * 48, status=TOKEN_DISABLED, id=12345)
    token = stored_token(app, created["id"])
    assert token.used_quota == 0 and token.user_id != 1 and token.key != "x" * 48
    assert token.status == TOKEN_ENABLED and token.id != 12345


def test_list_pages_and_orders_only_the_callers_tokens(app, alice):
    bob, _ = sign_in(app)
    create(bob, name="bob's")
    for quota in (10, 30, 20):
        create(alice, name=f"q{quota}", remain_quota=quota)
    create(alice, name="unlimited", unlimited_quota=True)

    default_order = alice.get("/api/token/").json
    assert default_order["total"] == 4
    assert [row["name"] for row in default_order["data"]] == ["unlimited", "q20", "q30", "q10"]
    by_quota = alice.get("/api/token/?order=remain_quota").json["data"]
    assert [row["name"] for row in by_quota] == ["unlimited", "q30", "q20", "q10"]
    second_page = alice.get("/api/token/?p=1&page_size=3").json["data"]
    assert [row["name"] for row in second_page] == ["q10"]


def test_search_matches_name_prefixes_literally(alice):
    create(alice, name="prod-1")
    create(alice, name="prod_2")
    create(alice, name="staging")
    assert {row["name"] for row in alice.get("/api/token/search?keyword=prod").json["data"]} == {"prod-1", "prod_2"}
    assert alice.get("/api/token/search?keyword=%25").json["data"] == []
    assert [row["name"] for row in alice.get("/api/token/search?keyword=prod_").json["data"]] == ["prod_2"]


def test_another_users_token_answers_like_a_missing_one(app, alice):
    mine = create(alice, name="alices")
    bob, _ = sign_in(app)
    missing = 999_999

    assert bob.get(f"/api/token/{mine['id']}").json == bob.get(f"/api/token/{missing}").json
    assert bob.delete(f"/api/token/{mine['id']}").json == bob.delete(f"/api/token/{missing}").json
    for query in ("", "?status_only=true"):
        theirs = bob.put(f"/api/token/{query}", json={"id": mine["id"], "name": "stolen", "status": 2}).json
        assert theirs == bob.put(f"/api/token/{query}", json={"id": missing, "name": "x", "status": 2}).json
        assert theirs["success"] is False
    assert bob.get("/api/token/search?keyword=alic").json["data"] == []
    assert alice.get(f"/api/token/{mine['id']}").json["data"]["name"] == "alices"
    assert stored_token(app, mine["id"]).status == TOKEN_ENABLED


@pytest.mark.parametrize("fields, message", [
    ({"subnet": "10.0.0.0/8,not-a-network"}, "Invalid subnet"),
    ({"subnet": "10.0.0.300/8"}, "Invalid subnet"),
    ({"name": "n" * 31}, "longer than 30"),
    ({"remain_quota": -1}, "remain_quota"),
    ({"remain_quota": "100"}, "remain_quota"),
    ({"remain_quota": 2**70}, "remain_quota"),
    ({"remain_quota": True}, "remain_quota"),
    ({"name": 5}, "'name' must be a string"),
    ({"unlimited_quota": "yes"}, "unlimited_quota"),
    ({"expired_time": 1_000}, "expired_time"),
    ({"expired_time": -2}, "expired_time"),
    ({"expired_time": 2**64}, "expired_time"),
    ({"expired_time": 1.5e12}, "expired_time"),
    ({"models": ["gpt-4o"]}, "'models' must be a string"),
])
def test_create_refuses_invalid_fields_with_a_message(alice, fields, message):
    response = alice.post("/api/token/", json={"name": "k", **fields})
    assert response.status_code == 200
    assert response.json["success"] is False and message in response.json["message"]
    assert alice.get("/api/token/").json["total"] == 0


@pytest.mark.parametrize("body", [[1, 2], "text", None, {"id": "1"}, {"id": 2**80}, {"id": None}])
def test_update_refuses_malformed_bodies(alice, body):
    response = alice.put("/api/token/", json=body)
    assert response.status_code == 200 and response.json["success"] is False


def test_huge_ids_are_simply_not_found(alice):
    for response in (alice.get(f"/api/token/{2**80}"), alice.delete(f"/api/token/{2**80}")):
        assert response.status_code == 200 and response.json["success"] is False


def test_full_update_rewrites_settings_and_keeps_status(app, alice):
    created = create(alice)
    alice.put("/api/token/?status_only=true", json={"id": created["id"], "status": TOKEN_DISABLED})
    future = int(time.time()) + 3600
    reply = alice.put("/api/token/", json={
        "id": created["id"], "name": "renamed", "remain_quota": 77, "unlimited_quota": False,
        "expired_time": future, "models": " a ,b", "subnet": "192.168.0.0/16", "used_quota": 5}).json
    assert reply["success"], reply
    assert reply["data"]["key"] != created["key"] and "…" in reply["data"]["key"]
    token = stored_token(app, created["id"])
    assert (token.name, token.remain_quota, token.expired_time, token.models, token.subnet) == \
        ("renamed", 77, future, "a,b", "192.168.0.0/16")
    assert token.status == TOKEN_DISABLED and token.used_quota == 0


def test_full_update_keeps_an_unchanged_past_expiry_and_an_unlimited_tokens_remain(app):
    # One API's default token is unlimited with remain_quota -1; the UI sends fields back unchanged.
    client, token_id, _ = own_token(app, expired_time=1_000, unlimited=True, remain_quota=-1)
    reply = client.put("/api/token/", json={"id": token_id, "name": "renamed", "expired_time": 1_000,
                                           "remain_quota": -1, "unlimited_quota": True}).json
    assert reply["success"], reply
    assert stored_token(app, token_id).name == "renamed"


def _enable(client, token_id: int) -> dict:
    return client.put("/api/token/?status_only=true", json={"id": token_id, "status": TOKEN_ENABLED}).json


def test_enabling_an_expired_token_is_refused_until_its_expiry_moves(app):
    client, token_id, _ = own_token(app, status=TOKEN_EXPIRED, expired_time=int(time.time()) - 10)
    refused = _enable(client, token_id)
    assert refused["success"] is False and "expired" in refused["message"]
    assert client.put("/api/token/", json={"id": token_id, "expired_time": -1}).json["success"]
    assert _enable(client, token_id)["success"]
    assert stored_token(app, token_id).status == TOKEN_ENABLED


def test_enabling_an_exhausted_token_is_refused_until_it_has_quota(app):
    client, token_id, _ = own_token(app, status=TOKEN_EXHAUSTED, remain_quota=0)
    refused = _enable(client, token_id)
    assert refused["success"] is False and "quota is used up" in refused["message"]
    assert client.put("/api/token/", json={"id": token_id, "remain_quota": 100}).json["success"]
    assert _enable(client, token_id)["success"]


def test_an_exhausted_unlimited_token_may_be_enabled(app):
    client, token_id, _ = own_token(app, status=TOKEN_EXHAUSTED, remain_quota=0, unlimited=True)
    assert _enable(client, token_id)["success"]


@pytest.mark.parametrize("status", [0, TOKEN_EXPIRED, TOKEN_EXHAUSTED, "1", None])
def test_status_only_accepts_only_enabled_or_disabled(app, status):
    client, token_id, _ = own_token(app)
    reply = client.put("/api/token/?status_only=true", json={"id": token_id, "status": status}).json
    assert reply["success"] is False and "status" in reply["message"]


def test_the_relay_refuses_a_key_as_soon_as_it_is_disabled(app):
    client, token_id, key = own_token(app)
    relay = app.test_client()
    assert relay.get("/v1/models", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.put("/api/token/?status_only=true", json={"id": token_id, "status": TOKEN_DISABLED}).json["success"]
    assert relay.get("/v1/models", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_the_relay_refuses_a_deleted_key_at_once(app):
    client, token_id, key = own_token(app)
    relay = app.test_client()
    assert relay.get("/v1/models", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.delete(f"/api/token/{token_id}").json["success"]
    assert relay.get("/v1/models", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert client.get(f"/api/token/{token_id}").json["success"] is False


def test_token_routes_need_a_signed_in_user(client):
    assert client.get("/api/token/").status_code == 401
    assert client.post("/api/token/", json={"name": "x"}).status_code == 401
