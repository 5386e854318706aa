"""Model catalogues: /api/models (any user), /api/channel/models and /api/channel/types (admins)."""

from __future__ import annotations

import pytest

from app.relay.adaptors import all_adaptors
from tests import factories

TYPE_FIELDS = {"id", "name", "display_name", "default_base_url", "default_models", "config_schema", "docs_url"}


@pytest.fixture
def user_client(app):
    with app.app_context():
        username = factories.make_user().username
    client = app.test_client()
    assert client.post("/api/user/login", json={"username": username, "password": "password123"}).json["success"]
    return client


def test_models_by_type_are_keyed_by_type_id_for_any_user(user_client):
    reply = user_client.get("/api/models").json
    assert reply["success"] is True
    data = reply["data"]
    assert set(data) == {str(int(adaptor.channel_type)) for adaptor in all_adaptors()}
    assert "gpt-4o-mini" in data["1"]
    assert data["36"] == ["deepseek-chat", "deepseek-reasoner"]


def test_models_by_type_needs_a_login(client):
    assert client.get("/api/models").status_code == 401


def test_all_models_is_an_openai_list_without_envelope(root_client):
    reply = root_client.get("/api/channel/models").json
    assert set(reply) == {"object", "data"} and reply["object"] == "list"
    ids = [model["id"] for model in reply["data"]]
    assert len(ids) == len(set(ids))
    expected = {model for adaptor in all_adaptors() for model in adaptor.default_models}
    assert set(ids) == expected
    gpt = next(model for model in reply["data"] if model["id"] == "gpt-4o")
    assert gpt["object"] == "model" and gpt["owned_by"] == "openai"


def test_channel_types_describe_every_adaptor_in_type_order(root_client):
    data = root_client.get("/api/channel/types").json["data"]
    assert [entry["id"] for entry in data] == sorted(int(adaptor.channel_type) for adaptor in all_adaptors())
    assert all(set(entry) == TYPE_FIELDS for entry in data)
    azure = next(entry for entry in data if entry["id"] == 3)
    assert azure["display_name"] == "Azure OpenAI" and "api_version" in azure["config_schema"]
    openai = next(entry for entry in data if entry["id"] == 1)
    assert openai["default_base_url"] == "https://api.openai.com" and "gpt-4o" in openai["default_models"]


@pytest.mark.parametrize("path", ["/api/channel/models", "/api/channel/types"])
def test_admin_catalogues_refuse_common_users(user_client, path):
    assert user_client.get(path).status_code == 403
