"""Public system status and site texts: what the UI needs before login; the status is also the health check."""

from __future__ import annotations

from flask import current_app

from app.api import bp
from app.api.guards import public
from app.api.openapi import describe
from app.envelope import ok
from app.options import current as current_options
from app.version import VERSION


STATUS_SCHEMA = {"type": "object", "properties": {
    "version": {"type": "string"}, "start_time": {"type": "integer"}, "system_name": {"type": "string"},
    "quota_per_unit": {"type": "number"}, "display_in_currency": {"type": "boolean"}}}
TEXT_SCHEMA = {"type": "string"}


@bp.get("/status")
@describe("System status and the settings the UI needs before login", data=STATUS_SCHEMA)
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


@bp.get("/notice")
@describe("The Notice option (Markdown shown on the home page)", data=TEXT_SCHEMA)
@public
def get_notice():
    return ok(current_options().get("Notice"))


@bp.get("/about")
@describe("The About option (Markdown, HTML, or an https:// URL the UI shows in a frame)", data=TEXT_SCHEMA)
@public
def get_about():
    return ok(current_options().get("About"))


@bp.get("/home_page_content")
@describe("The HomePageContent option (same forms as About)", data=TEXT_SCHEMA)
@public
def get_home_page_content():
    return ok(current_options().get("HomePageContent"))
