"""Azure OpenAI: deployment URLs, api-version and the api-key header."""

from __future__ import annotations

from app.models.channel import ChannelType
from app.relay.adaptors import get_adaptor
from app.relay.adaptors.azure import DEFAULT_API_VERSION
from app.relay.modes import RelayMode
from tests.relay.adaptors.conftest import fixture_bytes, make_ctx

AZURE = get_adaptor(ChannelType.AZURE)
BASE = "https://my-resource.openai.azure.com"
CHAT_35 = {"model": "gpt-3.5-turbo", "messages": [{"role": "user", "content": "hi"}]}


def test_url_uses_configured_api_version_and_deployment_without_dots():
    ctx = make_ctx(ChannelType.AZURE, body=CHAT_35, base_url=BASE, config={"api_version": "2024-10-21"})
    assert AZURE.request_url(ctx) == (
        f"{BASE}/openai/deployments/gpt-35-turbo/chat/completions?api-version=2024-10-21")


def test_url_falls_back_to_legacy_other_field():
    ctx = make_ctx(ChannelType.AZURE, body=CHAT_35, base_url=BASE + "/", other="2023-05-15")
    assert AZURE.request_url(ctx) == (
        f"{BASE}/openai/deployments/gpt-35-turbo/chat/completions?api-version=2023-05-15")


def test_url_config_wins_over_legacy_other_field():
    ctx = make_ctx(ChannelType.AZURE, body=CHAT_35, base_url=BASE, config={"api_version": "2024-10-21"},
                   other="2023-05-15")
    assert AZURE.request_url(ctx).endswith("?api-version=2024-10-21")


def test_url_defaults_api_version():
    ctx = make_ctx(ChannelType.AZURE, body=CHAT_35, base_url=BASE)
    assert DEFAULT_API_VERSION == "2024-03-01-preview"
    assert AZURE.request_url(ctx) == (
        f"{BASE}/openai/deployments/gpt-35-turbo/chat/completions?api-version={DEFAULT_API_VERSION}")


def test_url_discards_client_api_version():
    ctx = make_ctx(ChannelType.AZURE, path="/chat/completions?api-version=2099-01-01", body=CHAT_35,
                   base_url=BASE, config={"api_version": "2024-10-21"})
    assert AZURE.request_url(ctx) == (
        f"{BASE}/openai/deployments/gpt-35-turbo/chat/completions?api-version=2024-10-21")


def test_url_uses_mapped_model_as_deployment():
    ctx = make_ctx(ChannelType.AZURE, body=CHAT_35, base_url=BASE, model_mapping={"gpt-3.5-turbo": "gpt-4o"})
    assert "/openai/deployments/gpt-4o/chat/completions?" in AZURE.request_url(ctx)


def test_url_images_keep_dots_in_deployment():
    ctx = make_ctx(ChannelType.AZURE, mode=RelayMode.IMAGES_GENERATIONS, base_url=BASE,
                   model_mapping={"dall-e-3": "dall-e-3.0"}, config={"api_version": "2024-02-01"})
    assert AZURE.request_url(ctx) == (
        f"{BASE}/openai/deployments/dall-e-3.0/images/generations?api-version=2024-02-01")


def test_url_embeddings():
    ctx = make_ctx(ChannelType.AZURE, mode=RelayMode.EMBEDDINGS, base_url=BASE,
                   body={"model": "text-embedding-3-small", "input": ["a", "b"]})
    assert AZURE.request_url(ctx) == (
        f"{BASE}/openai/deployments/text-embedding-3-small/embeddings?api-version={DEFAULT_API_VERSION}")


def test_url_cloudflare_gateway_drops_openai_deployments():
    gateway = "https://gateway.ai.cloudflare.com/v1/0123abcd/my-gateway/azure-openai/my-resource"
    ctx = make_ctx(ChannelType.AZURE, body=CHAT_35, base_url=gateway, config={"api_version": "2024-10-21"})
    assert AZURE.request_url(ctx) == f"{gateway}/gpt-35-turbo/chat/completions?api-version=2024-10-21"


def test_headers_carry_api_key_and_no_authorization():
    request = AZURE.build_request(make_ctx(ChannelType.AZURE, body=CHAT_35, base_url=BASE, key="azure-key",
                                           stream=True))
    assert request.headers["api-key"] == "azure-key"
    assert "Authorization" not in request.headers
    assert request.headers["Accept"] == "text/event-stream"


def test_error_reads_azure_envelope():
    body = (b'{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API '
            b'endpoint. Make sure to provide a valid key for an active subscription and use a correct regional '
            b'API endpoint for your resource."}}')
    error = AZURE.parse_error(401, body)
    assert error.message.startswith("Access denied") and error.disables_channel is True


def test_stream_fixture_drops_prompt_filter_chunk():
    parser = AZURE.stream_parser(make_ctx(ChannelType.AZURE, base_url=BASE, stream=True))
    first = fixture_bytes("azure", "stream.sse").split(b"\n\n")[0].removeprefix(b"data: ")
    assert parser.feed(first).chunks == []
