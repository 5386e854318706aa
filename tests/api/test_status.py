"""GET /api/status: One API's shape, which the SPA and health checks read before anyone logs in."""

import pytest

from app.request_ids import HEADER

STATUS_FIELDS = {
    "version", "start_time", "email_verification", "github_oauth", "github_client_id", "lark_client_id",
    "system_name", "logo", "footer_html", "wechat_qrcode", "wechat_login", "server_address",
    "turnstile_check", "turnstile_site_key", "top_up_link", "chat_link", "quota_per_unit",
    "display_in_currency", "oidc", "oidc_client_id", "oidc_well_known", "oidc_authorization_endpoint",
    "oidc_token_endpoint", "oidc_userinfo_endpoint",
}


def test_status_has_one_api_fields(client):
    response = client.get("/api/status")
    assert response.status_code == 200
    body = response.json
    assert body["success"] is True and body["message"] == ""
    assert set(body["data"]) == STATUS_FIELDS
    assert body["data"]["quota_per_unit"] == 500000
    assert body["data"]["display_in_currency"] is True
    assert isinstance(body["data"]["start_time"], int)


def test_status_reflects_stored_options(app):
    from app.extensions import db
    from app.models import Option
    from app.options import current

    with app.app_context():
        db.session.add(Option(key="SystemName", value="Acme AI"))
        db.session.commit()
        current().reload()
    assert app.test_client().get("/api/status").json["data"]["system_name"] == "Acme AI"


def test_every_response_carries_a_request_id(client):
    first = client.get("/api/status").headers[HEADER]
    second = client.get("/api/nowhere").headers[HEADER]
    assert len(first) == 28 and first.isdigit() and first != second


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/no/such/route")
    assert response.status_code == 404
    assert response.json["success"] is False


@pytest.mark.parametrize(("key", "path"), [
    ("Notice", "/api/notice"), ("About", "/api/about"), ("HomePageContent", "/api/home_page_content"),
])
def test_site_texts_round_trip_through_the_option_route(root_client, key, path):
    assert root_client.get(path).json == {"success": True, "message": "", "data": ""}
    text = f"# {key}\n\nSee https://example.com — 你好"
    assert root_client.put("/api/option/", json={"key": key, "value": text}).json["success"]
    anonymous = root_client.application.test_client()
    assert anonymous.get(path).json["data"] == text
