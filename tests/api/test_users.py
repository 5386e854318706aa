"""User routes as callers see them: self-service, admin management and its role rules, and what is never shown."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app.billing.ledger import Account, Settlement, current_ledger
from app.extensions import db
from app.models import Log, Token, User
from app.models.log import LOG_MANAGE
from app.models.user import ROLE_ADMIN, ROLE_COMMON, ROLE_ROOT, USER_DELETED, USER_DISABLED, USER_ENABLED
from tests import factories
from tests.conftest import ROOT_PASSWORD, set_options

ROOT_ID = 1


def new_user(app, **fields) -> tuple[int, str, str]:
    """(id, username, access token) of a new user."""
    with app.app_context():
        user = factories.make_user(**fields)
        return user.id, user.username, user.access_token


def login(app, username: str, password: str = "password123"):
    client = app.test_client()
    response = client.post("/api/user/login", json={"username": username, "password": password})
    assert response.json["success"], response.json
    return client


def logged_in(app, role: int = ROLE_COMMON, **fields):
    """A client with a session for a new user of ``role``, and that user's id."""
    user_id, username, _ = new_user(app, role=role, **fields)
    return login(app, username), user_id


def row(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def refused(response) -> bool:
    return response.status_code == 200 and response.json["success"] is False and bool(response.json["message"])


# Role rules

ADMIN_ROUTES = [
    ("GET", "/api/user/", None), ("GET", "/api/user/search?keyword=a", None), ("GET", f"/api/user/{ROOT_ID}", None),
    ("POST", "/api/user/", {"username": "newbie", "password": "password123"}),
    ("PUT", "/api/user/", {"id": ROOT_ID, "display_name": "x"}),
    ("POST", "/api/user/manage", {"username": "root", "action": "disable"}),
    ("DELETE", f"/api/user/{ROOT_ID}", None),
]


@pytest.mark.parametrize("method, path, body", ADMIN_ROUTES)
def test_admin_routes_refuse_common_users_with_403(app, method, path, body):
    client, _ = logged_in(app)
    response = client.open(path, method=method, json=body)
    assert response.status_code == 403 and response.json["success"] is False


@pytest.fixture
def admin_and_peers(app):
    """A logged-in admin, another admin, and root, as (client, other admin id, other admin name)."""
    client, _ = logged_in(app, ROLE_ADMIN)
    other_id, other_name, _ = new_user(app, role=ROLE_ADMIN)
    return client, other_id, other_name


@pytest.mark.parametrize("target", ["other admin", "root"])
@pytest.mark.parametrize("operation", ["get", "edit", "disable", "delete"])
def test_admin_cannot_touch_an_equal_or_higher_role(app, admin_and_peers, target, operation):
    client, other_id, other_name = admin_and_peers
    target_id, target_name = (other_id, other_name) if target == "other admin" else (ROOT_ID, "root")
    before = row(app, target_id)
    response = {
        "get": lambda: client.get(f"/api/user/{target_id}"),
        "edit": lambda: client.put("/api/user/", json={"id": target_id, "display_name": "hacked", "quota": 1}),
        "disable": lambda: client.post("/api/user/manage", json={"username": target_name, "action": "disable"}),
        "delete": lambda: client.delete(f"/api/user/{target_id}"),
    }[operation]()
    assert refused(response) and "role" in response.json["message"]
    after = row(app, target_id)
    assert (after.display_name, after.quota, after.status, after.username) == \
        (before.display_name, before.quota, before.status, before.username)


def test_admin_manages_common_users(app):
    client, _ = logged_in(app, ROLE_ADMIN)
    user_id, username, _ = new_user(app)
    assert client.get(f"/api/user/{user_id}").json["data"]["username"] == username
    assert client.put("/api/user/", json={"id": user_id, "display_name": "Renamed"}).json["success"]
    reply = client.post("/api/user/manage", json={"username": username, "action": "disable"}).json
    assert reply == {"success": True, "message": "", "data": {"role": ROLE_COMMON, "status": USER_DISABLED}}
    assert row(app, user_id).display_name == "Renamed"


def test_root_reads_and_edits_admins(app, root_client):
    admin_id, admin_name, _ = new_user(app, role=ROLE_ADMIN)
    assert root_client.get(f"/api/user/{admin_id}").json["data"]["role"] == ROLE_ADMIN
    assert root_client.put("/api/user/", json={"id": admin_id, "role": ROLE_COMMON}).json["success"]
    assert row(app, admin_id).role == ROLE_COMMON


def test_admin_lists_only_users_below_their_role(app):
    client, admin_id = logged_in(app, ROLE_ADMIN)
    common_id, _, _ = new_user(app)
    listed = {user["id"] for user in client.get("/api/user/").json["data"]}
    assert common_id in listed and admin_id not in listed and ROOT_ID not in listed
    assert client.get("/api/user/search?keyword=root").json["data"] == []


# Secrets never leave

def test_no_user_response_contains_an_access_token_or_password_hash(app, root_client):
    admin_client, _ = logged_in(app, ROLE_ADMIN)
    user_id, _, _ = new_user(app)
    with app.app_context():
        tokens = [token for token in db.session.execute(select(User.access_token)).scalars() if token]
    responses = [root_client.get(path) for path in (
        "/api/user/", "/api/user/?order=quota", "/api/user/search?keyword=", "/api/user/search?keyword=root",
        f"/api/user/{ROOT_ID}", f"/api/user/{user_id}", "/api/user/self")]
    responses += [admin_client.get(path) for path in ("/api/user/", "/api/user/search?keyword=", "/api/user/self")]
    for response in responses:
        text = response.get_data(as_text=True)
        assert response.json["success"], text
        assert "$2" not in text
        assert not [token for token in tokens if token in text]


# Admin edits

def test_admin_edit_ignores_fields_outside_the_allow_list(app, root_client):
    user_id, _, _ = new_user(app)
    before = row(app, user_id)
    response = root_client.put("/api/user/", json={
        "id": user_id, "access_token": "a" * 32, "aff_code": "MINE", "used_quota": 99, "request_count": 99,
        "github_id": "gh-123", "status": USER_DISABLED, "inviter_id": 7, "display_name": "Allowed"})
    assert response.json["success"]
    after = row(app, user_id)
    assert after.display_name == "Allowed"
    assert (after.access_token, after.aff_code, after.used_quota, after.request_count, after.github_id,
            after.status, after.inviter_id) == (before.access_token, before.aff_code, before.used_quota,
                                                before.request_count, before.github_id, before.status,
                                                before.inviter_id)


def test_admin_edit_changes_profile_group_and_email(app, root_client):
    user_id, _, _ = new_user(app)
    assert root_client.put("/api/user/", json={
        "id": user_id, "username": "renamed", "display_name": "New Name", "password": "fresh-pass-1",
        "group": "vip", "email": "someone@example.com"}).json["success"]
    after = row(app, user_id)
    assert (after.username, after.display_name, after.group, after.email) == \
        ("renamed", "New Name", "vip", "someone@example.com")
    login(app, "renamed", "fresh-pass-1")


def test_admin_edit_with_empty_password_keeps_the_password(app, root_client):
    user_id, username, _ = new_user(app)
    assert root_client.put("/api/user/", json={"id": user_id, "password": ""}).json["success"]
    login(app, username)


def test_admin_edit_refuses_a_taken_username(app, root_client):
    user_id, _, _ = new_user(app)
    response = root_client.put("/api/user/", json={"id": user_id, "username": "root"})
    assert refused(response) and "taken" in response.json["message"]


def test_quota_edit_sets_the_quota_and_writes_a_manage_log(app, root_client):
    user_id, _, _ = new_user(app, quota=1000)
    assert root_client.put("/api/user/", json={"id": user_id, "quota": 0}).json["success"]
    assert row(app, user_id).quota == 0
    with app.app_context():
        logs = db.session.execute(select(Log).where(Log.user_id == user_id, Log.type == LOG_MANAGE)).scalars().all()
    assert len(logs) == 1


@pytest.mark.parametrize("body, message", [
    ({"role": ROLE_ROOT}, "role"), ({"role": 5}, "role"), ({"quota": -1}, "quota"), ({"group": ""}, "group"),
])
def test_admin_edit_refuses_bad_values_and_changes_nothing(app, root_client, body, message):
    user_id, _, _ = new_user(app)
    before = row(app, user_id)
    response = root_client.put("/api/user/", json={"id": user_id, "display_name": "Changed", **body})
    assert refused(response) and message in response.json["message"]
    after = row(app, user_id)
    assert (after.display_name, after.role, after.quota, after.group) == \
        (before.display_name, before.role, before.quota, before.group)


def test_only_root_changes_roles(app):
    client, _ = logged_in(app, ROLE_ADMIN)
    user_id, _, _ = new_user(app)
    response = client.put("/api/user/", json={"id": user_id, "role": ROLE_ADMIN})
    assert refused(response) and row(app, user_id).role == ROLE_COMMON
    assert client.put("/api/user/", json={"id": user_id, "role": ROLE_COMMON}).json["success"]  # unchanged: fine


def test_roots_own_role_cannot_be_edited(root_client):
    response = root_client.put("/api/user/", json={"id": ROOT_ID, "role": ROLE_ADMIN})
    assert refused(response)
    assert root_client.get("/api/user/self").json["data"]["role"] == ROLE_ROOT


def test_quota_edit_racing_relay_debits_ends_as_some_serial_order(app_on):
    """Debits through the ledger run while an admin sets the quota: no debit and no edit may be lost."""
    debits, amount, new_quota = 200, 7, 5_000_000
    root = login(app_on, "root", ROOT_PASSWORD)
    user_id, _, _ = new_user(app_on, quota=1_000_000)
    with app_on.app_context():
        token, _ = factories.make_token(db.session.get(User, user_id), unlimited=True)
        account = Account(user_id=user_id, token_id=token.id, token_unlimited=True)
    started = threading.Event()

    def debit_repeatedly():
        with app_on.app_context():
            for count in range(debits):
                hold = factories.make_hold(account, amount)
                current_ledger().reserve(hold)
                current_ledger().settle(Settlement(hold.request_id, account, 0, amount, amount, None))
                if count == debits // 4:
                    started.set()
            db.session.remove()

    worker = threading.Thread(target=debit_repeatedly)
    worker.start()
    started.wait(timeout=30)
    reply = root.put("/api/user/", json={"id": user_id, "quota": new_quota})
    worker.join(timeout=60)
    assert reply.json["success"], reply.json
    after = row(app_on, user_id)
    debits_after_edit, remainder = divmod(new_quota - after.quota, amount)
    assert remainder == 0 and 0 <= debits_after_edit < debits
    assert (after.used_quota, after.request_count) == (debits * amount, debits)


# Manage actions

@pytest.mark.parametrize("action, start_role, start_status, role, status", [
    ("disable", ROLE_COMMON, USER_ENABLED, ROLE_COMMON, USER_DISABLED),
    ("enable", ROLE_COMMON, USER_DISABLED, ROLE_COMMON, USER_ENABLED),
    ("promote", ROLE_COMMON, USER_ENABLED, ROLE_ADMIN, USER_ENABLED),
    ("demote", ROLE_ADMIN, USER_ENABLED, ROLE_COMMON, USER_ENABLED),
    ("delete", ROLE_COMMON, USER_ENABLED, ROLE_COMMON, USER_DELETED),
])
def test_root_manage_actions_change_role_and_status(app, root_client, action, start_role, start_status, role, status):
    user_id, username, _ = new_user(app, role=start_role, status=start_status)
    reply = root_client.post("/api/user/manage", json={"username": username, "action": action}).json
    assert reply["success"] and reply["data"] == {"role": role, "status": status}
    after = row(app, user_id)
    assert (after.role, after.status) == (role, status)


@pytest.mark.parametrize("username, action, message", [
    ("root", "disable", "cannot be disabled"), ("root", "delete", "cannot be deleted"),
    ("root", "demote", "cannot be demoted"), ("root", "promote", "already an admin"),
    ("nobody-here", "disable", "does not exist"), ("root", "explode", "Unknown action"),
])
def test_root_manage_refusals(root_client, username, action, message):
    response = root_client.post("/api/user/manage", json={"username": username, "action": action})
    assert refused(response) and message in response.json["message"]


def test_promote_is_root_only(app):
    client, _ = logged_in(app, ROLE_ADMIN)
    user_id, username, _ = new_user(app)
    response = client.post("/api/user/manage", json={"username": username, "action": "promote"})
    assert refused(response) and "root" in response.json["message"]
    assert row(app, user_id).role == ROLE_COMMON


def test_demoting_a_common_user_is_refused(app, root_client):
    _, username, _ = new_user(app)
    response = root_client.post("/api/user/manage", json={"username": username, "action": "demote"})
    assert refused(response) and "already a common user" in response.json["message"]


def cut_off(root_client, how: str, user: User):
    if how == "disable":
        return root_client.post("/api/user/manage", json={"username": user.username, "action": "disable"})
    if how == "manage-delete":
        return root_client.post("/api/user/manage", json={"username": user.username, "action": "delete"})
    return root_client.delete(f"/api/user/{user.id}")


@pytest.mark.parametrize("how", ["disable", "manage-delete", "delete"])
def test_disable_or_delete_cuts_session_access_token_and_relay_keys_at_once(app, root_client, how):
    user_client, user_id = logged_in(app)
    user = row(app, user_id)
    with app.app_context():
        _, relay_key = factories.make_token(db.session.get(User, user_id))
    relay_auth = {"Authorization": f"Bearer {relay_key}"}
    assert user_client.get("/api/user/self").status_code == 200
    assert app.test_client().get("/v1/models", headers=relay_auth).status_code == 200  # caches the user as enabled
    assert cut_off(root_client, how, user).json["success"]
    assert user_client.get("/api/user/self").status_code == 401
    by_token = app.test_client().get("/api/user/self", headers={"Authorization": user.access_token})
    assert by_token.status_code in (401, 403) and by_token.json["success"] is False
    assert app.test_client().get("/v1/models", headers=relay_auth).status_code == 403


def test_delete_soft_deletes_and_hides_the_user(app, root_client):
    user_id, username, _ = new_user(app)
    reply = root_client.delete(f"/api/user/{user_id}")
    assert reply.status_code == 200 and reply.json == {"success": True, "message": ""}
    after = row(app, user_id)
    assert after.status == USER_DELETED and after.username.startswith("deleted_")
    assert user_id not in {user["id"] for user in root_client.get("/api/user/").json["data"]}
    assert refused(app.test_client().post("/api/user/login", json={"username": username, "password": "password123"}))
    assert refused(root_client.delete(f"/api/user/{user_id}"))
    assert refused(root_client.delete(f"/api/user/{ROOT_ID}"))


# Listing, searching, creating

def test_list_orders_by_the_requested_column_and_pages(app, root_client):
    ids = [new_user(app, quota=quota)[0] for quota in (30, 10, 20)]
    by_quota = [user["id"] for user in root_client.get("/api/user/?order=quota&page_size=100").json["data"]]
    assert [user_id for user_id in by_quota if user_id in ids] == [ids[0], ids[2], ids[1]]
    newest_first = root_client.get("/api/user/?p=0&page_size=2").json
    assert [user["id"] for user in newest_first["data"]] == [ids[2], ids[1]] and newest_first["total"] == 4
    assert [user["id"] for user in root_client.get("/api/user/?p=1&page_size=2").json["data"]] == [ids[0], ROOT_ID]


def test_search_matches_id_and_prefixes_literally(app, root_client):
    user_id, _, _ = new_user(app, username="alice_1")
    new_user(app, username="alicex1")
    by_prefix = {user["username"] for user in root_client.get("/api/user/search?keyword=alice").json["data"]}
    assert by_prefix == {"alice_1", "alicex1"}
    literal = root_client.get("/api/user/search?keyword=alice_").json["data"]
    assert [user["username"] for user in literal] == ["alice_1"]
    assert [user["id"] for user in root_client.get(f"/api/user/search?keyword={user_id}").json["data"]] == [user_id]


def test_admin_creates_a_common_user_with_the_new_user_quota(app, root_client):
    set_options(app, QuotaForNewUser=1234)
    reply = root_client.post("/api/user/", json={"username": "created", "password": "password123", "role": 10})
    assert reply.json["success"]
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "created")).scalar_one()
        tokens = db.session.execute(select(Token).where(Token.user_id == user.id)).scalars().all()
        assert (user.role, user.quota, user.display_name, user.group) == (ROLE_COMMON, 1234, "created", "default")
        assert [token.name for token in tokens] == ["default"]
    login(app, "created")


@pytest.mark.parametrize("body, message", [
    ({"username": "root", "password": "password123"}, "taken"),
    ({"username": "x", "password": "short"}, "password"),
    ({"username": "waytoolongname", "password": "password123"}, "username"),
    ({"username": "fine", "password": "password123", "role": ROLE_ROOT}, "role"),
])
def test_admin_create_refusals(root_client, body, message):
    response = root_client.post("/api/user/", json=body)
    assert refused(response) and message in response.json["message"]


def test_admin_cannot_create_an_admin(app):
    client, _ = logged_in(app, ROLE_ADMIN)
    response = client.post("/api/user/", json={"username": "peer", "password": "password123", "role": ROLE_ADMIN})
    assert refused(response)


# Self-service

def test_self_edit_changes_profile_and_password(app):
    client, user_id = logged_in(app)
    assert client.put("/api/user/self", json={"username": "me2", "display_name": "Me", "password": "another-pw"}
                      ).json["success"]
    me = client.get("/api/user/self").json["data"]
    assert (me["username"], me["display_name"]) == ("me2", "Me")
    login(app, "me2", "another-pw")


def test_self_edit_ignores_everything_but_the_profile(app):
    client, user_id = logged_in(app)
    before = row(app, user_id)
    assert client.put("/api/user/self", json={"role": ROLE_ROOT, "quota": 10**12, "group": "vip", "status": 1,
                                              "access_token": "b" * 32}).json["success"]
    after = row(app, user_id)
    assert (after.role, after.quota, after.group, after.access_token) == \
        (before.role, before.quota, before.group, before.access_token)


@pytest.mark.parametrize("body, message", [
    ({"username": "root"}, "taken"), ({"username": ""}, "username"), ({"password": "short"}, "password"),
    ({"display_name": "x" * 21}, "display name"),
])
def test_self_edit_refusals(app, body, message):
    client, _ = logged_in(app)
    response = client.put("/api/user/self", json=body)
    assert refused(response) and message in response.json["message"]


def test_self_delete_ends_the_account(app):
    client, user_id = logged_in(app)
    username = row(app, user_id).username
    assert client.delete("/api/user/self").json["success"]
    assert client.get("/api/user/self").status_code == 401
    assert row(app, user_id).status == USER_DELETED
    assert refused(app.test_client().post("/api/user/login", json={"username": username, "password": "password123"}))


def test_root_cannot_delete_itself(root_client):
    response = root_client.delete("/api/user/self")
    assert refused(response) and root_client.get("/api/user/self").json["data"]["status"] == USER_ENABLED


def test_new_access_token_replaces_the_old_one(app):
    client, user_id = logged_in(app)
    old = row(app, user_id).access_token
    new = client.get("/api/user/token").json["data"]
    assert len(new) == 32 and new != old
    assert app.test_client().get("/api/user/self", headers={"Authorization": old}).status_code == 401
    assert app.test_client().get("/api/user/self", headers={"Authorization": new}).json["data"]["id"] == user_id


def test_aff_code_is_kept_and_created_when_missing(app):
    client, user_id = logged_in(app)
    existing = row(app, user_id).aff_code
    assert client.get("/api/user/aff").json["data"] == existing
    with app.app_context():
        db.session.get(User, user_id).aff_code = ""
        db.session.commit()
    created = client.get("/api/user/aff").json["data"]
    assert created and created == row(app, user_id).aff_code == client.get("/api/user/aff").json["data"]


def test_available_models_are_the_enabled_models_of_the_users_group(app):
    client, _ = logged_in(app, group="vip")
    with app.app_context():
        factories.make_channel("http://127.0.0.1:9", models="m-b,m-a", group="vip")
        factories.make_channel("http://127.0.0.1:9", models="m-a,m-c", group="default,vip")
        factories.make_channel("http://127.0.0.1:9", models="m-default", group="default")
        factories.make_channel("http://127.0.0.1:9", models="m-off", group="vip", status=2)
    assert client.get("/api/user/available_models").json["data"] == ["m-a", "m-b", "m-c"]


# Bad input

BAD_BODIES = [None, [], "text", 5, {"id": "1"}, {"id": None}, {"id": 2**70}, {"id": -1}, {"id": True},
              {"id": ROOT_ID, "quota": "many"}, {"id": ROOT_ID, "quota": 10**30}, {"id": ROOT_ID, "username": 5},
              {"id": ROOT_ID, "password": ["x"]}, {"id": ROOT_ID, "email": {}}, {"id": ROOT_ID, "group": 1},
              {"id": ROOT_ID, "role": "admin"}, {"id": ROOT_ID, "display_name": "\u0000"},
              {"username": None, "action": []}, {"username": "root", "action": None}, {"username": "\ud800"},
              {"username": "ok", "password": "pass\u0000word"}, {"username": "ok", "password": "password123",
                                                                    "display_name": 3}]


@pytest.mark.parametrize("method, path", [
    ("PUT", "/api/user/"), ("POST", "/api/user/"), ("POST", "/api/user/manage"), ("PUT", "/api/user/self"),
])
def test_bad_bodies_are_refused_without_a_server_error(root_client, method, path):
    for body in BAD_BODIES:
        response = root_client.open(path, method=method, json=body)
        assert response.status_code == 200, (body, response.json)
        if path != "/api/user/self" or not isinstance(body, dict):  # the self edit ignores unknown fields
            assert response.json["success"] is False, (body, response.json)
    assert root_client.get("/api/user/self").json["data"]["username"] == "root"


@pytest.mark.parametrize("method, path", [
    ("GET", f"/api/user/{2**70}"), ("GET", "/api/user/0"), ("DELETE", f"/api/user/{2**70}"),
    ("GET", "/api/user/search?keyword=%00"), ("GET", f"/api/user/search?keyword={2**70}"),
    ("GET", "/api/user/?p=x"), ("GET", "/api/user/?order=password"),
])
def test_odd_path_and_query_values_never_cause_a_server_error(root_client, method, path):
    assert root_client.open(path, method=method).status_code == 200


def test_awkward_text_is_stored_or_refused_cleanly_on_every_database(app_on):
    client = login(app_on, "root", ROOT_PASSWORD)
    user_id, username, _ = new_user(app_on)
    for method, path, body in [
        ("GET", "/api/user/search?keyword=%00", None), ("GET", f"/api/user/{2**70}", None),
        ("POST", "/api/user/manage", {"username": "nul\u0000", "action": "disable"}),
        ("PUT", "/api/user/", {"id": user_id, "group": "g\u0000"}),
        ("PUT", "/api/user/", {"id": 2**63, "display_name": "x"}),
        ("POST", "/api/user/", {"username": "nul\u0000", "password": "password123"}),
    ]:
        response = client.open(path, method=method, json=body)
        assert refused(response) or response.json["data"] == [], (method, path, body)
    assert client.put("/api/user/", json={"id": user_id, "display_name": "名字🙂", "quota": 2**53 - 1}).json["success"]
    assert client.get(f"/api/user/search?keyword={username}").json["data"][0]["display_name"] == "名字🙂"
