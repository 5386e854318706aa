"""/api/redemption (admin), redeeming a code (/api/user/topup) and admin top-ups (/api/topup)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from app.extensions import db
from app.models import Log, Redemption, User
from app.models.log import LOG_TOPUP
from app.models.redemption import REDEMPTION_DISABLED, REDEMPTION_ENABLED, REDEMPTION_USED
from app.models.user import ROLE_ADMIN
from tests import factories
from tests.api.test_tokens import sign_in

USED_MESSAGE = "This redemption code has already been used."


def create_codes(client, *, name: str = "promo", quota: int = 1000, count: int = 1) -> list[str]:
    reply = client.post("/api/redemption/", json={"name": name, "quota": quota, "count": count}).json
    assert reply["success"], reply
    return reply["data"]


def code_row(app, key: str) -> Redemption:
    with app.app_context():
        row = db.session.execute(select(Redemption).where(Redemption.key == key)).scalar_one()
        db.session.expunge_all()
        return row


def user_quota(app, user_id: int) -> int:
    with app.app_context():
        return db.session.get(User, user_id).quota


def topup_logs(app, user_id: int) -> list[Log]:
    with app.app_context():
        rows = db.session.execute(select(Log).where(Log.user_id == user_id, Log.type == LOG_TOPUP)).scalars().all()
        db.session.expunge_all()
        return rows


def test_batch_create_list_search_get(root_client):
    keys = create_codes(root_client, name="spring", count=12)
    other = create_codes(root_client, name="autumn")
    assert len(set(keys)) == 12 and all(len(key) == 32 and int(key, 16) >= 0 for key in keys)

    first_page = root_client.get("/api/redemption/").json
    assert first_page["total"] == 13 and len(first_page["data"]) == 10
    assert first_page["data"][0]["key"] == other[0]  # newest first
    found = root_client.get("/api/redemption/search?keyword=spr").json["data"]
    assert sorted(row["key"] for row in found) == sorted(keys)
    code_id = found[0]["id"]
    assert [row["id"] for row in root_client.get(f"/api/redemption/search?keyword={code_id}").json["data"]] == \
        [code_id]
    one = root_client.get(f"/api/redemption/{code_id}").json["data"]
    assert one["name"] == "spring" and one["quota"] == 1000 and one["status"] == REDEMPTION_ENABLED


def test_edit_disable_and_delete(root_client):
    create_codes(root_client)
    code_id = root_client.get("/api/redemption/").json["data"][0]["id"]

    edited = root_client.put("/api/redemption/", json={"id": code_id, "name": "renamed", "quota": 5}).json
    assert edited["success"] and (edited["data"]["name"], edited["data"]["quota"]) == ("renamed", 5)
    disabled = root_client.put("/api/redemption/?status_only=true", json={"id": code_id, "status": 2}).json
    assert disabled["data"]["status"] == REDEMPTION_DISABLED and disabled["data"]["name"] == "renamed"
    assert root_client.delete(f"/api/redemption/{code_id}").json["success"]
    assert root_client.get(f"/api/redemption/{code_id}").json["success"] is False


@pytest.mark.parametrize("body, message", [
    ({"name": "", "quota": 1, "count": 1}, "name"),
    ({"name": "x" * 21, "quota": 1, "count": 1}, "name"),
    ({"name": "ok", "quota": 0, "count": 1}, "quota"),
    ({"name": "ok", "quota": "10", "count": 1}, "quota"),
    ({"name": "ok", "quota": 2**60, "count": 1}, "quota"),
    ({"name": "ok", "quota": 1, "count": 0}, "count"),
    ({"name": "ok", "quota": 1, "count": 101}, "100"),
    ({"name": "ok", "quota": 1}, "count"),
])
def test_create_refuses_invalid_batches(root_client, body, message):
    reply = root_client.post("/api/redemption/", json=body)
    assert reply.status_code == 200 and reply.json["success"] is False and message in reply.json["message"]
    assert root_client.get("/api/redemption/").json["total"] == 0


def test_redemption_management_is_for_admins(app):
    user, _ = sign_in(app)
    assert user.get("/api/redemption/").status_code == 403
    assert user.post("/api/redemption/", json={"name": "x", "quota": 1, "count": 1}).status_code == 403


def test_redeem_adds_quota_logs_the_amount_and_uses_up_the_code(app, root_client):
    [key] = create_codes(root_client, name="welcome", quota=2500)
    user, user_id = sign_in(app, quota=100)

    reply = user.post("/api/user/topup", json={"key": f"  {key} "}).json
    assert reply == {"success": True, "message": "", "data": 2500}
    assert user_quota(app, user_id) == 2600
    [log] = topup_logs(app, user_id)
    assert log.quota == 2500 and log.content.startswith("Redeemed code welcome for ")
    code = code_row(app, key)
    assert code.status == REDEMPTION_USED and code.redeemed_time > 0

    again = user.post("/api/user/topup", json={"key": key}).json
    assert again == {"success": False, "message": USED_MESSAGE}
    assert user_quota(app, user_id) == 2600 and len(topup_logs(app, user_id)) == 1


@pytest.mark.parametrize("body, message", [
    ({"key": "0" * 32}, "Invalid redemption code."),
    ({"key": "   "}, "Please enter a redemption code."),
    ({}, "Please enter a redemption code."),
    ({"key": 123}, "Invalid parameter: 'key' must be a string."),
])
def test_redeem_refuses_missing_or_unknown_codes(app, body, message):
    user, _ = sign_in(app)
    assert user.post("/api/user/topup", json=body).json == {"success": False, "message": message}


def test_a_disabled_code_cannot_be_redeemed(app, root_client):
    [key] = create_codes(root_client)
    code_id = code_row(app, key).id
    root_client.put("/api/redemption/?status_only=true", json={"id": code_id, "status": REDEMPTION_DISABLED})
    user, user_id = sign_in(app, quota=0)
    reply = user.post("/api/user/topup", json={"key": key}).json
    assert reply == {"success": False, "message": "This redemption code is disabled."}
    assert user_quota(app, user_id) == 0


def test_a_used_code_cannot_be_made_unused_again(app, root_client):
    [key] = create_codes(root_client)
    sign_in(app)[0].post("/api/user/topup", json={"key": key})
    code_id = code_row(app, key).id
    for status in (REDEMPTION_ENABLED, REDEMPTION_DISABLED):
        reply = root_client.put("/api/redemption/?status_only=true", json={"id": code_id, "status": status}).json
        assert reply["success"] is False and "already been redeemed" in reply["message"]
    assert root_client.put("/api/redemption/?status_only=true", json={"id": code_id, "status": 3}).json[
        "success"] is False
    assert code_row(app, key).status == REDEMPTION_USED


def _redeem_over_http(url: str, access_token: str, key: str) -> dict:
    return requests.post(f"{url}/api/user/topup", json={"key": key}, headers={"Authorization": access_token},
                         timeout=60).json()


def test_fifty_concurrent_redeemers_of_one_code_yield_one_credit(app_on, live_server_on, database_kind):
    with app_on.app_context():
        admin = factories.make_user(role=ROLE_ADMIN)
        code = Redemption(user_id=admin.id, key="f" * 32, name="race", quota=777, status=REDEMPTION_ENABLED)
        db.session.add(code)
        users = [factories.make_user(quota=0) for _ in range(50)]
        credentials = [(user.id, user.access_token) for user in users]

    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(lambda c: _redeem_over_http(live_server_on.url, c[1], "f" * 32), credentials))

    winners = [reply for reply in replies if reply["success"]]
    assert len(winners) == 1 and winners[0]["data"] == 777
    assert all(reply["message"] == USED_MESSAGE for reply in replies if not reply["success"]), database_kind
    with app_on.app_context():
        ids = [user_id for user_id, _ in credentials]
        quotas = db.session.execute(select(User.quota).where(User.id.in_(ids))).scalars().all()
        logs = db.session.execute(select(Log).where(Log.type == LOG_TOPUP)).scalars().all()
        assert sum(quotas) == 777 and len(logs) == 1 and logs[0].quota == 777


def test_admin_top_up_credits_and_logs(app, root_client):
    _, user_id = sign_in(app, quota=10)
    reply = root_client.post("/api/topup", json={"user_id": user_id, "quota": 90, "remark": "order #42"}).json
    assert reply["success"], reply
    assert root_client.post("/api/topup", json={"user_id": user_id, "quota": -50}).json["success"]
    assert user_quota(app, user_id) == 50
    assert [(log.quota, log.content) for log in topup_logs(app, user_id)] == \
        [(90, "order #42"), (-50, "Top-up by admin root")]


@pytest.mark.parametrize("body, message", [
    ({"user_id": 999_999, "quota": 10}, "User not found."),
    ({"user_id": 2**70, "quota": 10}, "User not found."),
    ({"quota": 10}, "user_id"),
    ({"user_id": "USER", "quota": 0}, "'quota' must not be zero"),
    ({"user_id": "USER", "quota": 1.5}, "quota"),
    ({"user_id": "USER", "quota": -11}, "below zero"),
    ({"user_id": "USER", "quota": 1, "remark": 7}, "remark"),
])
def test_admin_top_up_refuses_bad_requests(app, root_client, body, message):
    _, user_id = sign_in(app, quota=10)
    body = {name: user_id if value == "USER" else value for name, value in body.items()}
    reply = root_client.post("/api/topup", json=body).json
    assert reply["success"] is False and message in reply["message"]
    assert user_quota(app, user_id) == 10 and topup_logs(app, user_id) == []


def test_an_admin_cannot_top_up_another_admin(app):
    admin, _ = sign_in(app, role=ROLE_ADMIN)
    _, other_admin_id = sign_in(app, role=ROLE_ADMIN, quota=0)
    reply = admin.post("/api/topup", json={"user_id": other_admin_id, "quota": 1000}).json
    assert reply["success"] is False and user_quota(app, other_admin_id) == 0
