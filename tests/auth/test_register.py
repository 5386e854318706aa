"""Password registration: the new account's defaults, invite rewards, and every way registration is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Log, Token, User
from app.models.log import LOG_SYSTEM
from app.models.user import ROLE_COMMON, USER_ENABLED
from tests import factories
from tests.conftest import set_options

VALID = {"username": "newcomer", "password": "password123"}


def account(app, username: str) -> User:
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == username)).scalar_one()
        db.session.expunge(user)
        return user


def system_logs(app, user_id: int) -> list[tuple[str, int]]:
    with app.app_context():
        logs = db.session.execute(select(Log).where(Log.user_id == user_id, Log.type == LOG_SYSTEM)
                                  .order_by(Log.id)).scalars()
        return [(log.content, log.quota) for log in logs]


def refusal(response) -> str:
    assert response.status_code == 200 and response.json["success"] is False
    return response.json["message"]


def test_registration_creates_a_common_account_that_can_log_in(app, client):
    reply = client.post("/api/user/register", json=VALID)
    assert reply.status_code == 200 and reply.json == {"success": True, "message": ""}
    user = account(app, "newcomer")
    assert (user.role, user.status, user.group, user.display_name, user.quota, user.inviter_id) == \
        (ROLE_COMMON, USER_ENABLED, "default", "newcomer", 0, 0)
    assert len(user.access_token) == 32 and user.aff_code and user.password.startswith("$2")
    with app.app_context():
        tokens = db.session.execute(select(Token).where(Token.user_id == user.id)).scalars().all()
        assert [(token.name, token.unlimited_quota, token.expired_time) for token in tokens] == [("default", True, -1)]
    assert system_logs(app, user.id) == []
    login = client.post("/api/user/login", json=VALID).json
    assert login["success"] and login["data"]["username"] == "newcomer"


def test_new_user_quota_is_credited_and_logged(app, client):
    set_options(app, QuotaForNewUser=500, DisplayInCurrencyEnabled="false")
    assert client.post("/api/user/register", json=VALID).json["success"]
    user = account(app, "newcomer")
    assert user.quota == 500
    assert system_logs(app, user.id) == [("New user bonus: 500 quota", 500)]


def test_invite_code_rewards_inviter_and_invitee(app, client):
    set_options(app, QuotaForNewUser=100, QuotaForInvitee=20, QuotaForInviter=30, DisplayInCurrencyEnabled="false")
    with app.app_context():
        inviter = factories.make_user(quota=1000)
        inviter_id, code = inviter.id, inviter.aff_code
    assert client.post("/api/user/register", json={**VALID, "aff_code": code}).json["success"]
    invitee = account(app, "newcomer")
    assert (invitee.quota, invitee.inviter_id) == (120, inviter_id)
    assert system_logs(app, invitee.id) == [("New user bonus: 100 quota", 100),
                                            ("Bonus for signing up with an invite code: 20 quota", 20)]
    with app.app_context():
        assert db.session.get(User, inviter_id).quota == 1030
    assert system_logs(app, inviter_id) == [("Bonus for inviting a user: 30 quota", 30)]


@pytest.mark.parametrize("aff_code", ["nope", "", 5, {"x": 1}, None])
def test_unknown_or_malformed_invite_code_is_quietly_ignored(app, client, aff_code):
    set_options(app, QuotaForInvitee=20, QuotaForInviter=30)
    assert client.post("/api/user/register", json={**VALID, "aff_code": aff_code}).json["success"]
    user = account(app, "newcomer")
    assert (user.quota, user.inviter_id) == (0, 0)


def test_invite_rewards_are_skipped_when_the_options_are_zero(app, client):
    with app.app_context():
        inviter = factories.make_user(quota=1000)
        inviter_id, code = inviter.id, inviter.aff_code
    assert client.post("/api/user/register", json={**VALID, "aff_code": code}).json["success"]
    assert account(app, "newcomer").inviter_id == inviter_id
    assert system_logs(app, inviter_id) == []


@pytest.mark.parametrize("options, message", [
    ({"RegisterEnabled": "false"}, "closed"),
    ({"PasswordRegisterEnabled": "false"}, "third-party"),
    ({"EmailVerificationEnabled": "true"}, "Email verification is required"),
])
def test_closed_registration_is_refused(app, client, options, message):
    set_options(app, **options)
    assert message in refusal(client.post("/api/user/register", json=VALID))
    with app.app_context():
        assert db.session.execute(select(User).where(User.username == "newcomer")).first() is None


def test_duplicate_username_is_refused(client):
    assert "already taken" in refusal(client.post("/api/user/register", json={**VALID, "username": "root"}))


@pytest.mark.parametrize("body", [
    {"username": "", "password": "password123"}, {"username": "thirteenchars", "password": "password123"},
    {"username": "ok", "password": "short"}, {"username": "ok", "password": "x" * 21},
    {"username": " padded", "password": "password123"}, {"username": "tab\there", "password": "password123"},
    {"username": 5, "password": "password123"}, {"username": "ok", "password": 12345678},
    {"username": "ok", "password": "nul\u0000byte1"}, {"username": "\ud800", "password": "password123"},
    {"username": ["ok"], "password": None}, {"password": "password123"}, {"username": "ok"}, [], "text", None,
])
def test_bad_input_is_refused_without_a_server_error(app, client, body):
    assert refusal(client.post("/api/user/register", json=body))
    with app.app_context():
        assert db.session.execute(select(User.id)).scalars().all() == [1]


def test_non_json_body_is_refused(client):
    assert refusal(client.post("/api/user/register", data="{oops", content_type="application/json"))


def test_awkward_text_is_stored_or_refused_cleanly_on_every_database(app_on):
    client = app_on.test_client()
    assert refusal(client.post("/api/user/register", json={**VALID, "username": "nul\u0000"}))
    assert "NUL" in refusal(client.post("/api/user/register", json={**VALID, "aff_code": "nul\u0000"}))
    assert client.post("/api/user/register", json={"username": "名字🙂", "password": "密码🙂密码🙂密码🙂"}).json["success"]
    assert client.post("/api/user/login", json={"username": "名字🙂", "password": "密码🙂密码🙂密码🙂"}).json["success"]
