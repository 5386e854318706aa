"""Public system status (``GET /api/status``): what the UI needs before login; also the health check."""

from __future__ import annotations

from flask import current_app

from app.api import bp
from app.api.guards import public
from app.envelope import ok
from app.options import current as current_options
from app.version import VERSION


@bp.get("/status")
@public
def get_status():
    options = current_options()
    return ok({
        "version": VERSION,
        "start_time": current_app.extensions["tollgate.start_time"],
        "email_verification": options.get_bool("EmailVerificationEnabled"),
        "github_oauth": options.get_bool("GitHubOAuthEnabled"),
        "github_client_id": options.get("GitHubClientId"),
        "lark_client_id": options.get("LarkClientId"),
        "system_name": options.get("SystemName"),
        "logo": options.get("Logo"),
        "footer_html": options.get("Footer"),
        "wechat_qrcode": options.get("WeChatAccountQRCodeImageURL"),
        "wechat_login": options.get_bool("WeChatAuthEnabled"),
        "server_address": options.get("ServerAddress"),
        "turnstile_check": options.get_bool("TurnstileCheckEnabled"),
        "turnstile_site_key": options.get("TurnstileSiteKey"),
        "top_up_link": options.get("TopUpLink"),
        "chat_link": options.get("ChatLink"),
        "quota_per_unit": options.get_float("QuotaPerUnit"),
        "display_in_currency": options.get_bool("DisplayInCurrencyEnabled"),
        "oidc": options.get_bool("OidcEnabled"),
        "oidc_client_id": options.get("OidcClientId"),
        "oidc_well_known": options.get("OidcWellKnown"),
        "oidc_authorization_endpoint": options.get("OidcAuthorizationEndpoint"),
        "oidc_token_endpoint": options.get("OidcTokenEndpoint"),
        "oidc_userinfo_endpoint": options.get("OidcUserinfoEndpoint"),
    })
