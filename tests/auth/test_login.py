"""Password login, logout and the session, plus the system access token for scripts."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User
from app.models.user import USER_DISABLED
from tests.conftest import ROOT_PASSWORD


def test_root_logs_in_and_sees_itself(client):
    login = client.post("/api/user/login", json={"username": "root", "password": ROOT_PASSWORD})
    assert login.status_code == 200 and login.json["success"]
    assert login.json["data"]["role"] == 100 and login.json["data"]["username"] == "root"
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    me = client.get("/api/user/self").json["data"]
    assert me["username"] == "root" and me["password"] == "" and me["access_token"] == ""


@pytest.mark.parametrize("body", [
    {"username": "root", "password": "wrong"},
    {"username": "nobody", "password": ROOT_PASSWORD},
    {"username": "", "password": ""},
    {"username": 5, "password": ["x"]},
    "not an object",
    None,
])
def test_bad_login_is_a_clear_failure(client, body):
    response = client.post("/api/user/login", json=body) if body is not None else \
        client.post("/api/user/login", data="{broken", content_type="application/json")
    assert response.status_code == 200
    assert response.json["success"] is False and response.json["message"]
    assert client.get("/api/user/self").status_code == 401


def test_logout_ends_the_session(root_client):
    assert root_client.get("/api/user/logout").json["success"]
    response = root_client.get("/api/user/self")
    assert response.status_code == 401 and response.json["success"] is False


def test_access_token_header_works_with_and_without_bearer(app, client):
    with app.app_context():
        token = db.session.get(User, 1).access_token
    assert client.get("/api/user/self", headers={"Authorization": token}).json["data"]["id"] == 1
    assert client.get("/api/user/self", headers={"Authorization": f"Bearer {token}"}).json["success"]
    wrong = client.get("/api/user/self", headers={"Authorization": "f" * 32})
    assert wrong.status_code == 401 and wrong.json["success"] is False


def test_disabled_user_loses_the_session_at_once(app, root_client):
    with app.app_context():
        db.session.get(User, 1).status = USER_DISABLED
        db.session.commit()
    assert root_client.get("/api/user/self").status_code == 401
