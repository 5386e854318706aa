"""A local OAuth 2 / OIDC provider on 127.0.0.1 for the sign-in tests, built on Authlib's server side.

One authorization-code core; thin route adapters give it GitHub's, Feishu's and OIDC's shapes. The
same server also stands in for a WeChat Server. Consent is automatic: ``?login=`` names the account.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from flask import Flask, abort, jsonify, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.serving import make_server

CLIENT_ID, CLIENT_SECRET = "tollgate-client", "tollgate-client-secret"
WECHAT_SERVER_TOKEN = "wechat-server-token"


@dataclass(frozen=True)
class Account:
    login: str
    name: str = ""
    email: str = ""


class Client(ClientMixin):
    def __init__(self, redirect_uris: list[str]) -> None:
        self.redirect_uris = redirect_uris

    def get_client_id(self):
        return CLIENT_ID

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return scope or ""

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, CLIENT_SECRET)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    redirect_uri: str | None
    scope: str
    account: Account

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code, request):
        self.server.codes[code] = AuthorizationCode(code, request.payload.redirect_uri, request.scope or "",
                                                    request.user)

    def query_authorization_code(self, code, client):
        return self.server.codes.get(code)

    def delete_authorization_code(self, authorization_code):
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.account


class OAuthProvider:
    """The provider running in a thread; ``accounts``, ``wechat_codes`` and ``broken_paths`` steer it."""

    def __init__(self, redirect_uris: list[str]) -> None:
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, Account] = {}
        self.wechat_codes: dict[str, str] = {}
        self.broken_paths: set[str] = set()  # these answer HTTP 500
        client = Client(redirect_uris)
        self.server = AuthorizationServer(query_client=lambda client_id: client if client_id == CLIENT_ID else None,
                                          save_token=lambda token, req: self.tokens.__setitem__(
                                              token["access_token"], req.user))
        self.server.codes = {}
        self.server.register_grant(CodeGrant)
        self.app = self._build_app()
        self.http = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.http.server_port}"

    def __enter__(self) -> "OAuthProvider":
        threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.http.shutdown()
        self.http.server_close()

    def add_account(self, login: str, name: str = "", email: str = "") -> Account:
        self.accounts[login] = Account(login, name, email)
        return self.accounts[login]

    def authorize(self, path: str, state: str, login: str, redirect_uri: str | None = None) -> str:
        """Walk the authorize page as ``login`` and return the code it redirects back with."""
        params = {"response_type": "code", "client_id": CLIENT_ID, "state": state, "login": login}
        if redirect_uri:
            params["redirect_uri"] = redirect_uri
        response = requests.get(f"{self.url}{path}", params=params, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        query = parse_qs(urlsplit(response.headers["Location"]).query)
        assert query["state"] == [state]
        return query["code"][0]

    def _build_app(self) -> Flask:
        app = Flask(__name__)
        self.server.init_app(app)
        app.before_request(self._fail_if_broken)
        app.add_url_rule("/login/oauth/authorize", "github_authorize", self._authorize)
        app.add_url_rule("/authorize", "authorize", self._authorize)
        app.add_url_rule("/login/oauth/access_token", "github_token", self.server.create_token_response,
                         methods=["POST"])
        app.add_url_rule("/token", "token", self.server.create_token_response, methods=["POST"])
        app.add_url_rule("/open-apis/authen/v2/oauth/token", "feishu_token", self._feishu_token, methods=["POST"])
        app.add_url_rule("/user", "github_user", self._github_user)
        app.add_url_rule("/open-apis/authen/v1/user_info", "feishu_user", self._feishu_user)
        app.add_url_rule("/userinfo", "userinfo", self._oidc_userinfo)
        app.add_url_rule("/.well-known/openid-configuration", "discovery", self._discovery)
        app.add_url_rule("/api/wechat/user", "wechat_user", self._wechat_user)
        return app

    def _fail_if_broken(self):
        if request.path in self.broken_paths:
            return "provider exploded", 500
        return None

    def _authorize(self):
        account = self.accounts.get(request.args.get("login", ""))
        if account is None:
            abort(404)
        grant = self.server.get_consent_grant(end_user=account)
        return self.server.create_authorization_response(grant=grant, grant_user=account)

    def _feishu_token(self):
        # Feishu takes JSON, not a form; hand its fields to the shared core as a form.
        if not request.is_json:
            return jsonify(code=20001, error="invalid_request", error_description="JSON body expected"), 400
        request.form = ImmutableMultiDict(request.get_json())
        response = self.server.create_token_response()
        body = response.get_json()
        return jsonify(code=0 if response.status_code == 200 else 20003, **body), response.status_code

    def _account_for_bearer(self) -> Account:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        account = self.tokens.get(token) if scheme.lower() == "bearer" else None
        if account is None:
            abort(401)
        return account

    def _github_user(self):
        account = self._account_for_bearer()
        return jsonify(login=account.login, id=list(self.accounts).index(account.login) + 1, name=account.name or None,
                       email=account.email or None)

    def _feishu_user(self):
        account = self._account_for_bearer()
        return jsonify(code=0, msg="success", data={"open_id": account.login, "name": account.name,
                                                    "email": account.email})

    def _oidc_userinfo(self):
        account = self._account_for_bearer()
        return jsonify(sub=f"sub-{account.login}", preferred_username=account.login, name=account.name,
                       email=account.email)

    def _discovery(self):
        return jsonify(issuer=self.url, authorization_endpoint=f"{self.url}/authorize",
                       token_endpoint=f"{self.url}/token", userinfo_endpoint=f"{self.url}/userinfo",
                       response_types_supported=["code"], subject_types_supported=["public"],
                       id_token_signing_alg_values_supported=["RS256"])

    def _wechat_user(self):
        if request.headers.get("Authorization") != WECHAT_SERVER_TOKEN:
            return jsonify(success=False, message="unauthorized", data="")
        wechat_id = self.wechat_codes.get(request.args.get("code", ""))
        if wechat_id is None:
            return jsonify(success=False, message="invalid or expired verification code", data="")
        return jsonify(success=True, message="", data=wechat_id)
