"""Email codes end to end: the mails a real SMTP server receives are followed to register, reset and bind."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.auth import email_codes
from app.extensions import db
from app.models import User
from app.models.user import USER_DISABLED
from tests import factories
from tests.auth.test_register import account, refusal, set_options
from tests.conftest import build_app, dispose
from tests.smtp_server import configure_smtp, find, smtp_server

CODE = r"verification code is: ([A-Z0-9]{6})"
NEWCOMER = {"username": "newcomer", "password": "password123"}


@pytest.fixture
def inbox(app):
    with smtp_server() as (server, received):
        configure_smtp(app, server.port, ServerAddress="https://gate.example.com")
        yield received


def user_with_email(app, email: str, **fields) -> int:
    with app.app_context():
        user = factories.make_user(**fields)
        user.email = email
        db.session.commit()
        return user.id


def mailed_code(client, inbox, email: str) -> str:
    reply = client.get("/api/verification", query_string={"email": email})
    assert reply.json["success"], reply.json
    return find(CODE, inbox.last_html())


def test_registration_with_the_mailed_code_stores_the_email(app, client, inbox):
    set_options(app, EmailVerificationEnabled="true")
    code = mailed_code(client, inbox, "new@example.com")
    assert inbox.messages[-1]["To"] == "new@example.com"
    reply = client.post("/api/user/register",
                        json={**NEWCOMER, "email": "new@example.com", "verification_code": code.lower()})
    assert reply.json == {"success": True, "message": ""}
    assert account(app, "newcomer").email == "new@example.com"
    again = {"username": "second", "password": "password123", "email": "new@example.com", "verification_code": code}
    assert "already belongs" in refusal(client.post("/api/user/register", json=again))


def test_a_mailed_code_works_only_once(app, client, inbox):
    set_options(app, EmailVerificationEnabled="true")
    code = mailed_code(client, inbox, "once@example.com")
    with app.app_context():
        assert email_codes.consume(email_codes.VERIFY, "once@example.com", code)
    body = {**NEWCOMER, "email": "once@example.com", "verification_code": code}
    assert "wrong or has expired" in refusal(client.post("/api/user/register", json=body))


def test_a_refused_registration_keeps_the_code(app, client, inbox):
    set_options(app, EmailVerificationEnabled="true")
    code = mailed_code(client, inbox, "new@example.com")
    body = {"email": "new@example.com", "verification_code": code, "password": "password123"}
    assert "already taken" in refusal(client.post("/api/user/register", json={**body, "username": "root"}))
    assert client.post("/api/user/register", json={**body, "username": "newcomer"}).json["success"]


@pytest.mark.parametrize("body, message", [
    ({}, "Email verification is required"),
    ({"email": "new@example.com", "verification_code": "ZZZZZZ"}, "wrong or has expired"),
    ({"email": "other@example.com", "verification_code": "FROM-MAIL"}, "wrong or has expired"),
    ({"email": "not-an-address", "verification_code": "ABCDEF"}, "not a valid email address"),
])
def test_registration_without_a_valid_code_is_refused(app, client, inbox, body, message):
    set_options(app, EmailVerificationEnabled="true")
    code = mailed_code(client, inbox, "new@example.com")
    body = {key: code if value == "FROM-MAIL" else value for key, value in body.items()}
    assert message in refusal(client.post("/api/user/register", json={**NEWCOMER, **body}))
    with app.app_context():
        assert db.session.execute(select(User).where(User.username == "newcomer")).first() is None


def test_an_expired_code_is_refused(app, client, inbox, monkeypatch):
    monkeypatch.setattr(email_codes, "CODE_TTL_SECONDS", 0.2)
    set_options(app, EmailVerificationEnabled="true")
    code = mailed_code(client, inbox, "late@example.com")
    time.sleep(0.3)
    body = {**NEWCOMER, "email": "late@example.com", "verification_code": code}
    assert "wrong or has expired" in refusal(client.post("/api/user/register", json=body))


def test_a_domain_outside_the_allow_list_is_refused(app, client, inbox):
    set_options(app, EmailDomainRestrictionEnabled="true", EmailDomainWhitelist="example.com, corp.test")
    assert "certain domains" in refusal(client.get("/api/verification?email=eve@elsewhere.test"))
    assert client.get("/api/verification?email=bob@CORP.test").json["success"]
    assert [message["To"] for message in inbox.messages] == ["bob@CORP.test"]


def test_verification_answers_alike_for_a_taken_address(app, client, inbox):
    user_with_email(app, "taken@example.com")
    free = client.get("/api/verification?email=free@example.com").json
    taken = client.get("/api/verification?email=taken@example.com").json
    assert free == taken and free["success"]
    notice = inbox.last_html()
    assert "already belongs to an account" in notice and "verification code is" not in notice


def test_malformed_address_and_missing_smtp_are_clear_refusals(app, client):
    assert "not set up SMTP" in refusal(client.get("/api/verification?email=a@example.com"))
    with smtp_server() as (server, _):
        configure_smtp(app, server.port)
        assert "not a valid email address" in refusal(client.get("/api/verification?email=a@b"))


def test_reset_link_gives_a_new_password_once(app, client, inbox):
    user_with_email(app, "alice@example.com", username="alice")
    assert client.get("/api/reset_password?email=alice@example.com").json["success"]
    link = find(r'href="([^"]+)"', inbox.last_html()).replace("&amp;", "&")
    assert link.startswith("https://gate.example.com/user/reset?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}
    assert query["email"] == "alice@example.com" and len(query["token"]) == 32
    reply = client.post("/api/user/reset", json=query).json
    assert reply["success"] and len(reply["data"]) >= 12
    assert client.post("/api/user/login", json={"username": "alice", "password": reply["data"]}).json["success"]
    assert "already used" in refusal(client.post("/api/user/reset", json=query))


@pytest.mark.parametrize("body", [
    {"email": "alice@example.com", "token": "0" * 32}, {"email": "alice@example.com"}, {"token": "x"},
    {"email": "alice@example.com", "token": 5},
])
def test_reset_with_a_bad_token_is_refused(app, client, body):
    user_with_email(app, "alice@example.com")
    assert "invalid, has expired" in refusal(client.post("/api/user/reset", json=body))


def test_reset_answers_alike_for_unknown_and_disabled_accounts(app, client, inbox):
    user_with_email(app, "known@example.com")
    user_with_email(app, "banned@example.com", status=USER_DISABLED)
    replies = [client.get(f"/api/reset_password?email={email}@example.com").json
               for email in ("known", "nobody", "banned")]
    assert replies[0] == replies[1] == replies[2] and replies[0]["success"]
    assert [message["To"] for message in inbox.messages] == ["known@example.com"]


def test_a_reset_link_stops_working_when_the_account_is_disabled(app, client, inbox):
    user_id = user_with_email(app, "alice@example.com")
    client.get("/api/reset_password?email=alice@example.com")
    token = find(r"token=([0-9a-f]{32})", inbox.last_html())
    with app.app_context():
        db.session.get(User, user_id).status = USER_DISABLED
        db.session.commit()
    reply = client.post("/api/user/reset", json={"email": "alice@example.com", "token": token})
    assert "invalid, has expired" in refusal(reply)


def login(client, username: str) -> None:
    assert client.post("/api/user/login", json={"username": username, "password": "password123"}).json["success"]


def test_binding_an_email_with_its_code(app, client, inbox):
    user_id = user_with_email(app, "", username="binder")
    login(client, "binder")
    code = mailed_code(client, inbox, "mine@example.com")
    assert "wrong or has expired" in refusal(
        client.get("/api/oauth/email/bind", query_string={"email": "other@example.com", "code": code}))
    reply = client.get("/api/oauth/email/bind", query_string={"email": "mine@example.com", "code": code})
    assert reply.json == {"success": True, "message": ""}
    with app.app_context():
        assert db.session.get(User, user_id).email == "mine@example.com"
    assert "wrong or has expired" in refusal(
        client.get("/api/oauth/email/bind", query_string={"email": "mine@example.com", "code": code}))


def test_binding_refuses_an_address_of_another_account(app, client):
    user_with_email(app, "", username="binder")
    user_with_email(app, "theirs@example.com")
    login(client, "binder")
    with app.app_context():
        code = email_codes.issue(email_codes.VERIFY, "theirs@example.com")
    reply = client.get("/api/oauth/email/bind", query_string={"email": "theirs@example.com", "code": code})
    assert "already belongs to another account" in refusal(reply)


def test_binding_needs_a_session(client):
    assert client.get("/api/oauth/email/bind?email=a@example.com&code=ABCDEF").status_code == 401


def test_codes_in_redis_are_shared_between_nodes_and_used_once(tmp_path, redis_url):
    settings = {"SQLITE_PATH": str(tmp_path / "shared.db"), "REDIS_CONN_STRING": redis_url}
    first, second = build_app(settings), build_app(settings)
    try:
        with first.app_context():
            code = email_codes.issue(email_codes.RESET, "alice@example.com")
        with second.app_context():
            assert email_codes.matches(email_codes.RESET, "alice@example.com", code)
            assert email_codes.consume(email_codes.RESET, "alice@example.com", code)
        with first.app_context():
            assert not email_codes.consume(email_codes.RESET, "alice@example.com", code)
    finally:
        dispose(first)
        dispose(second)
