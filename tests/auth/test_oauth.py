"""OAuth and WeChat sign-in, sign-up and binding, end to end against a real local provider."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Token, User
from app.models.user import USER_DISABLED
from tests import factories
from tests.auth.oauth_provider import CLIENT_ID, CLIENT_SECRET, WECHAT_SERVER_TOKEN, OAuthProvider
from tests.conftest import build_app, dispose, set_options

SERVER_ADDRESS = "http://tollgate.test"
# provider → (authorize path at the local provider, redirect_uri the SPA sends, the users column)
FLOWS = {
    "github": ("/login/oauth/authorize", None, "github_id"),
    "lark": ("/authorize", f"{SERVER_ADDRESS}/oauth/lark", "lark_id"),
    "oidc": ("/authorize", f"{SERVER_ADDRESS}/oauth/oidc", "oidc_id"),
}
STATE_MISMATCH = {"success": False, "message": "state is empty or not same"}


@pytest.fixture
def provider():
    with OAuthProvider([f"{SERVER_ADDRESS}/oauth/github", f"{SERVER_ADDRESS}/oauth/lark",
                        f"{SERVER_ADDRESS}/oauth/oidc"]) as server:
        server.add_account("octocat", name="The Octocat", email="octo@example.com")
        server.add_account("hubot")
        yield server


@pytest.fixture
def app(tmp_path, provider):
    application = build_app({"SQLITE_PATH": str(tmp_path / "tollgate.db")}, GITHUB_OAUTH_URL=provider.url,
                            GITHUB_API_URL=provider.url, FEISHU_OPEN_URL=provider.url)
    set_options(application, ServerAddress=SERVER_ADDRESS, GitHubOAuthEnabled="true", GitHubClientId=CLIENT_ID,
                GitHubClientSecret=CLIENT_SECRET, LarkClientId=CLIENT_ID, LarkClientSecret=CLIENT_SECRET,
                OidcEnabled="true", OidcClientId=CLIENT_ID, OidcClientSecret=CLIENT_SECRET,
                OidcWellKnown=f"{provider.url}/.well-known/openid-configuration", WeChatAuthEnabled="true",
                WeChatServerAddress=provider.url, WeChatServerToken=WECHAT_SERVER_TOKEN)
    yield application
    dispose(application)


def sign_in(client, provider, name: str, login: str):
    """The browser's part: fetch a state, approve at the provider, bring the code back to Tollgate."""
    authorize_path, redirect_uri, _ = FLOWS[name]
    state = client.get("/api/oauth/state").json["data"]
    code = provider.authorize(authorize_path, state, login, redirect_uri)
    return client.get(f"/api/oauth/{name}", query_string={"code": code, "state": state})


def users_with(app, column: str, value: str) -> list[User]:
    with app.app_context():
        users = db.session.execute(select(User).where(getattr(User, column) == value)).scalars().all()
        db.session.expunge_all()
        return users


def login_as_new_user(app, client) -> int:
    with app.app_context():
        user_id = factories.make_user().id
        username = db.session.get(User, user_id).username
    assert client.post("/api/user/login", json={"username": username, "password": "password123"}).json["success"]
    return user_id


def provider_id(name: str, login: str) -> str:
    return f"sub-{login}" if name == "oidc" else login


@pytest.mark.parametrize("name", list(FLOWS))
def test_first_sign_in_creates_the_user_with_new_user_quota(app, client, provider, name):
    set_options(app, QuotaForNewUser="12345")
    response = sign_in(client, provider, name, "octocat")
    assert response.status_code == 200 and response.json["success"], response.json
    [user] = users_with(app, FLOWS[name][2], provider_id(name, "octocat"))
    assert response.json["data"]["id"] == user.id and response.json["data"]["role"] == 1
    assert user.display_name == "The Octocat" and user.email == "octo@example.com"
    assert user.username == ("octocat" if name == "oidc" else f"{name}_{user.id}")
    with app.app_context():
        assert db.session.get(User, user.id).quota == 12345
        assert db.session.execute(select(Token.name).where(Token.user_id == user.id)).scalars().all() == ["default"]
    assert client.get("/api/user/self").json["data"]["id"] == user.id


@pytest.mark.parametrize("name", list(FLOWS))
def test_second_sign_in_finds_the_same_user(app, client, provider, name):
    first = sign_in(client, provider, name, "hubot").json["data"]["id"]
    client.get("/api/user/logout")
    again = sign_in(client, provider, name, "hubot")
    assert again.json["success"] and again.json["data"]["id"] == first
    [user] = users_with(app, FLOWS[name][2], provider_id(name, "hubot"))
    assert user.display_name == {"github": "GitHub User", "lark": "Lark User", "oidc": "OIDC User"}[name]


def test_feishu_alias_reaches_the_lark_provider(app, client, provider):
    state = client.get("/api/oauth/state").json["data"]
    code = provider.authorize("/authorize", state, "hubot", f"{SERVER_ADDRESS}/oauth/lark")
    assert client.get("/api/oauth/feishu", query_string={"code": code, "state": state}).json["success"]
    assert len(users_with(app, "lark_id", "hubot")) == 1


@pytest.mark.parametrize("name", list(FLOWS))
def test_signed_in_user_binds_the_identity(app, client, provider, name):
    user_id = login_as_new_user(app, client)
    response = sign_in(client, provider, name, "octocat")
    assert response.json == {"success": True, "message": "bind"}
    assert [user.id for user in users_with(app, FLOWS[name][2], provider_id(name, "octocat"))] == [user_id]


def test_binding_an_identity_of_another_account_is_refused(app, provider):
    owner = app.test_client()
    assert sign_in(owner, provider, "github", "octocat").json["success"]
    other = app.test_client()
    other_id = login_as_new_user(app, other)
    response = sign_in(other, provider, "github", "octocat")
    assert response.status_code == 200 and response.json["success"] is False
    assert "already bound" in response.json["message"]
    assert other_id not in [user.id for user in users_with(app, "github_id", "octocat")]


@pytest.mark.parametrize("state", [None, "", "forged-state"])
def test_forged_or_missing_state_is_403(client, provider, state):
    real = client.get("/api/oauth/state").json["data"]
    code = provider.authorize("/login/oauth/authorize", real, "octocat")
    query = {"code": code} if state is None else {"code": code, "state": state}
    response = client.get("/api/oauth/github", query_string=query)
    assert response.status_code == 403 and response.json == STATE_MISMATCH


def test_state_without_a_session_is_403(app, provider):
    response = app.test_client().get("/api/oauth/github", query_string={"code": "x", "state": "anything"})
    assert response.status_code == 403 and response.json == STATE_MISMATCH


def test_state_is_long_and_random(client):
    first, second = (client.get("/api/oauth/state").json["data"] for _ in range(2))
    assert len(first) >= 12 and first.isalnum() and first != second


def test_disabled_user_is_refused(app, client, provider):
    [user_id] = [sign_in(client, provider, "github", "octocat").json["data"]["id"]]
    client.get("/api/user/logout")
    with app.app_context():
        db.session.get(User, user_id).status = USER_DISABLED
        db.session.commit()
    response = sign_in(client, provider, "github", "octocat")
    assert response.json == {"success": False, "message": "This account is disabled."}
    assert client.get("/api/user/self").status_code == 401


def test_closed_registration_refuses_new_users_but_admits_existing_ones(app, client, provider):
    assert sign_in(client, provider, "oidc", "octocat").json["success"]
    client.get("/api/user/logout")
    set_options(app, RegisterEnabled="false")
    refused = sign_in(client, provider, "oidc", "hubot")
    assert refused.json["success"] is False and "registration" in refused.json["message"].lower()
    assert users_with(app, "oidc_id", "sub-hubot") == []
    assert sign_in(client, provider, "oidc", "octocat").json["success"]


@pytest.mark.parametrize("name, switch", [("github", {"GitHubOAuthEnabled": "false"}),
                                          ("lark", {"LarkClientId": ""}), ("oidc", {"OidcEnabled": "false"})])
def test_disabled_provider_gives_a_clear_message(app, client, name, switch):
    set_options(app, **switch)
    state = client.get("/api/oauth/state").json["data"]
    response = client.get(f"/api/oauth/{name}", query_string={"code": "whatever", "state": state})
    assert response.status_code == 200 and response.json["success"] is False
    assert "turned off by the administrator" in response.json["message"]


def test_unknown_provider_is_a_clear_failure(client):
    response = client.get("/api/oauth/myspace", query_string={"code": "x", "state": "y"})
    assert response.status_code == 200 and response.json["success"] is False


@pytest.mark.parametrize("name", list(FLOWS))
def test_bad_code_is_a_clear_failure(client, name):
    state = client.get("/api/oauth/state").json["data"]
    for code in ("not-a-real-code", ""):
        response = client.get(f"/api/oauth/{name}", query_string={"code": code, "state": state})
        assert response.status_code == 200 and response.json["success"] is False and response.json["message"]


@pytest.mark.parametrize("name, broken", [
    ("github", "/login/oauth/access_token"), ("github", "/user"),
    ("lark", "/open-apis/authen/v2/oauth/token"), ("lark", "/open-apis/authen/v1/user_info"),
    ("oidc", "/.well-known/openid-configuration"), ("oidc", "/token"), ("oidc", "/userinfo"),
])
def test_provider_server_error_is_a_clear_failure(app, client, provider, name, broken):
    provider.broken_paths.add(broken)
    response = sign_in(client, provider, name, "octocat")
    assert response.status_code == 200 and response.json["success"] is False
    assert {"github": "GitHub", "lark": "Feishu", "oidc": "OIDC"}[name] in response.json["message"]
    assert CLIENT_SECRET not in response.json["message"]
    assert users_with(app, FLOWS[name][2], provider_id(name, "octocat")) == []


def test_unreachable_provider_is_a_clear_failure(app, client):
    set_options(app, OidcWellKnown="http://127.0.0.1:9/.well-known/openid-configuration")
    state = client.get("/api/oauth/state").json["data"]
    response = client.get("/api/oauth/oidc", query_string={"code": "abc", "state": state})
    assert response.json["success"] is False and "OIDC" in response.json["message"]


def test_explicit_oidc_endpoints_win_over_discovery(app, client, provider):
    set_options(app, OidcWellKnown="", OidcTokenEndpoint=f"{provider.url}/token",
                OidcUserinfoEndpoint=f"{provider.url}/userinfo")
    assert sign_in(client, provider, "oidc", "hubot").json["success"]


def test_wechat_code_signs_in_and_again_finds_the_user(app, client, provider):
    provider.wechat_codes.update({"123456": "wx-openid-1", "654321": "wx-openid-1"})
    first = client.get("/api/oauth/wechat", query_string={"code": "123456"})
    assert first.json["success"], first.json
    [user] = users_with(app, "wechat_id", "wx-openid-1")
    assert user.username == f"wechat_{user.id}" and user.display_name == "WeChat User"
    client.get("/api/user/logout")
    assert client.get("/api/oauth/wechat", query_string={"code": "654321"}).json["data"]["id"] == user.id


def test_wechat_refusals_are_clear(app, client, provider):
    wrong = client.get("/api/oauth/wechat", query_string={"code": "000000"})
    assert wrong.json["success"] is False and "invalid or expired" in wrong.json["message"]
    set_options(app, WeChatServerToken="not-the-token")
    provider.wechat_codes["111111"] = "wx-x"
    assert client.get("/api/oauth/wechat", query_string={"code": "111111"}).json["success"] is False
    set_options(app, WeChatAuthEnabled="false")
    off = client.get("/api/oauth/wechat", query_string={"code": "111111"})
    assert "turned off" in off.json["message"]


def test_wechat_bind_needs_a_user_and_refuses_a_taken_id(app, client, provider):
    provider.wechat_codes.update({"111111": "wx-taken", "222222": "wx-mine", "333333": "wx-taken"})
    assert client.get("/api/oauth/wechat/bind", query_string={"code": "222222"}).status_code == 401
    assert client.get("/api/oauth/wechat", query_string={"code": "111111"}).json["success"]
    client.get("/api/user/logout")
    user_id = login_as_new_user(app, client)
    assert client.get("/api/oauth/wechat/bind", query_string={"code": "222222"}).json == {
        "success": True, "message": "bind"}
    assert [user.id for user in users_with(app, "wechat_id", "wx-mine")] == [user_id]
    taken = client.get("/api/oauth/wechat/bind", query_string={"code": "333333"})
    assert taken.json["success"] is False and "already bound" in taken.json["message"]


def test_generated_usernames_stay_within_the_username_limit():
    from app.auth.oauth_routes import _generated_username

    assert _generated_username("github_", 42) == "github_42"
    assert _generated_username("wechat_", 99999) == "wechat_99999"
    long_name = _generated_username("wechat_", 100_000)
    assert len(long_name) <= 12 and long_name == "wechat_255s"
    assert len(_generated_username("github_", 60_000_000)) <= 12
