"""Feishu (Lark) sign-in: the v2 OAuth token exchange and the v1 user_info lookup.

https://open.feishu.cn/document/authentication-management/access-token/get-user-access-token
"""

from __future__ import annotations

import json

from authlib.common.urls import url_decode
from flask import current_app

from app.auth import oauth
from app.auth.oauth import Identity, Provider, ProviderError
from app.options import current as current_options

LABEL = "Feishu"


def exchange_code(code: str) -> str:
    options = current_options()
    return oauth.exchange_code(LABEL, f"{_open_url()}/open-apis/authen/v2/oauth/token",
                               options.get("LarkClientId"), options.get("LarkClientSecret"), code,
                               redirect_to=oauth.redirect_uri("lark"), auth_method=_credentials_in_json_body)


def _credentials_in_json_body(client, method, uri, headers, body):
    """An Authlib client-auth method: Feishu's token endpoint takes a JSON body holding the client credentials."""
    fields = dict(url_decode(body or ""))
    payload = json.dumps({**fields, "client_id": client.client_id, "client_secret": client.client_secret})
    headers["Content-Type"] = "application/json; charset=utf-8"
    headers["Content-Length"] = str(len(payload.encode()))
    return uri, headers, payload


def fetch_identity(access_token: str) -> Identity:
    reply = oauth.get_json(LABEL, f"{_open_url()}/open-apis/authen/v1/user_info", headers=oauth.bearer(access_token))
    profile = reply.get("data")
    if reply.get("code") != 0 or not isinstance(profile, dict):
        raise ProviderError(f"{LABEL} would not share your account: {oauth.text(reply.get('msg'))[:100]}")
    return Identity(provider_id=oauth.text(profile.get("open_id")), display_name=oauth.text(profile.get("name")),
                    email=oauth.text(profile.get("email")))


def _open_url() -> str:
    return current_app.config["TOLLGATE"].feishu_open_url.rstrip("/")


# One API has no switch for Feishu: it is on whenever a client id is configured.
PROVIDER = Provider(name="lark", label=LABEL, column="lark_id", default_display_name="Lark User",
                    is_enabled=lambda: bool(current_options().get("LarkClientId")),
                    exchange_code=exchange_code, fetch_identity=fetch_identity)
