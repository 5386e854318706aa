"""OpenAI-compatible vendor rows: the URLs One API builds for them, their auth and their few quirks."""

from __future__ import annotations

import orjson
import pytest

from app.models.channel import ChannelType
from app.relay.adaptors import get_adaptor
from app.relay.adaptors.vendors import OPENAI_COMPATIBLE_VENDORS
from app.relay.modes import RelayMode
from tests.relay.adaptors.conftest import make_ctx

T = ChannelType

# Every channel type One API serves with its OpenAI adaptor, less OpenAI (1) and Azure (3).
OPENAI_WIRE_TYPES = {
    T.API2D, T.CLOSEAI, T.OPENAI_SB, T.OPENAI_MAX, T.OHMYGPT, T.CUSTOM, T.AILS, T.AIPROXY, T.API2GPT, T.AIGC2D,
    T.AI360, T.OPENROUTER, T.FASTGPT, T.MOONSHOT, T.BAICHUAN, T.MINIMAX, T.MISTRAL, T.GROQ, T.LINGYIWANWU,
    T.STEPFUN, T.DEEPSEEK, T.TOGETHER_AI, T.DOUBAO, T.NOVITA, T.SILICONFLOW, T.XAI, T.BAIDU_V2, T.XUNFEI_V2,
    T.ALI_BAILIAN, T.OPENAI_COMPATIBLE, T.GEMINI_OPENAI_COMPATIBLE,
}

# The chat URL One API builds for each vendor from its default base URL (relay/channeltype/url.go and the
# per-vendor GetRequestURL functions).
CHAT_URLS = {
    T.API2D: "https://oa.api2d.net/v1/chat/completions",
    T.CLOSEAI: "https://api.closeai-proxy.xyz/v1/chat/completions",
    T.OPENAI_SB: "https://api.openai-sb.com/v1/chat/completions",
    T.OPENAI_MAX: "https://api.openaimax.com/v1/chat/completions",
    T.OHMYGPT: "https://api.ohmygpt.com/v1/chat/completions",
    T.AILS: "https://api.caipacity.com/v1/chat/completions",
    T.AIPROXY: "https://api.aiproxy.io/v1/chat/completions",
    T.API2GPT: "https://api.api2gpt.com/v1/chat/completions",
    T.AIGC2D: "https://api.aigc2d.com/v1/chat/completions",
    T.AI360: "https://ai.360.cn/v1/chat/completions",
    T.OPENROUTER: "https://openrouter.ai/api/v1/chat/completions",
    T.FASTGPT: "https://fastgpt.run/api/openapi/v1/chat/completions",
    T.MOONSHOT: "https://api.moonshot.cn/v1/chat/completions",
    T.BAICHUAN: "https://api.baichuan-ai.com/v1/chat/completions",
    T.MINIMAX: "https://api.minimax.chat/v1/text/chatcompletion_v2",
    T.MISTRAL: "https://api.mistral.ai/v1/chat/completions",
    T.GROQ: "https://api.groq.com/openai/v1/chat/completions",
    T.LINGYIWANWU: "https://api.lingyiwanwu.com/v1/chat/completions",
    T.STEPFUN: "https://api.stepfun.com/v1/chat/completions",
    T.DEEPSEEK: "https://api.deepseek.com/v1/chat/completions",
    T.TOGETHER_AI: "https://api.together.xyz/v1/chat/completions",
    T.DOUBAO: "https://ark.cn-beijing.volces.com/api/v3/chat/completions",
    T.NOVITA: "https://api.novita.ai/v3/openai/chat/completions",
    T.SILICONFLOW: "https://api.siliconflow.cn/v1/chat/completions",
    T.XAI: "https://api.x.ai/v1/chat/completions",
    T.BAIDU_V2: "https://qianfan.baidubce.com/v2/chat/completions",
    T.XUNFEI_V2: "https://spark-api-open.xf-yun.com/v1/chat/completions",
    T.ALI_BAILIAN: "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
    T.GEMINI_OPENAI_COMPATIBLE: "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
}
EMBEDDING_URLS = {
    T.DOUBAO: "https://ark.cn-beijing.volces.com/api/v3/embeddings",
    T.ALI_BAILIAN: "https://dashscope.aliyuncs.com/compatible-mode/v1/embeddings",
    T.GEMINI_OPENAI_COMPATIBLE: "https://generativelanguage.googleapis.com/v1beta/openai/embeddings",
    T.MISTRAL: "https://api.mistral.ai/v1/embeddings",
}
CHAT_ONLY = {T.MINIMAX, T.NOVITA, T.BAIDU_V2}
CHAT_AND_EMBEDDINGS = {T.DOUBAO, T.ALI_BAILIAN}
CHAT = {"model": "some-model", "messages": [{"role": "user", "content": "hi"}]}


def _vendor_id(adaptor) -> str:
    return adaptor.channel_type.name.lower()


def test_vendors_cover_every_openai_wire_channel_type():
    assert {adaptor.channel_type for adaptor in OPENAI_COMPATIBLE_VENDORS} == OPENAI_WIRE_TYPES
    assert len(OPENAI_COMPATIBLE_VENDORS) == len(OPENAI_WIRE_TYPES)


def test_vendor_rows_are_alphabetical():
    names = [adaptor.channel_type.name for adaptor in OPENAI_COMPATIBLE_VENDORS]
    assert names == sorted(names)


def test_vendors_are_registered():
    for adaptor in OPENAI_COMPATIBLE_VENDORS:
        assert get_adaptor(int(adaptor.channel_type)) is adaptor


def test_every_vendor_with_a_default_base_url_has_an_expected_chat_url():
    with_default = {adaptor.channel_type for adaptor in OPENAI_COMPATIBLE_VENDORS if adaptor.default_base_url}
    assert with_default == set(CHAT_URLS)


@pytest.mark.parametrize("channel_type", CHAT_URLS, ids=lambda t: t.name.lower())
def test_chat_url_matches_one_api(channel_type):
    request = get_adaptor(channel_type).build_request(make_ctx(channel_type, body=CHAT))
    assert request.url == CHAT_URLS[channel_type]


@pytest.mark.parametrize("channel_type", EMBEDDING_URLS, ids=lambda t: t.name.lower())
def test_embeddings_url_matches_one_api(channel_type):
    ctx = make_ctx(channel_type, mode=RelayMode.EMBEDDINGS)
    assert get_adaptor(channel_type).request_url(ctx) == EMBEDDING_URLS[channel_type]


@pytest.mark.parametrize("adaptor", OPENAI_COMPATIBLE_VENDORS, ids=_vendor_id)
def test_supported_modes_follow_one_api(adaptor):
    if adaptor.channel_type in CHAT_ONLY:
        assert adaptor.supported_modes == {RelayMode.CHAT}
    elif adaptor.channel_type in CHAT_AND_EMBEDDINGS:
        assert adaptor.supported_modes == {RelayMode.CHAT, RelayMode.EMBEDDINGS}
    else:
        assert adaptor.supported_modes == set(RelayMode)


@pytest.mark.parametrize("adaptor", OPENAI_COMPATIBLE_VENDORS, ids=_vendor_id)
def test_vendor_uses_bearer_key(adaptor):
    ctx = make_ctx(adaptor.channel_type, body=CHAT, base_url="https://x.test", key="vendor-key")
    headers = adaptor.build_request(ctx).headers
    assert headers["Authorization"] == "Bearer vendor-key"
    assert "api-key" not in headers


@pytest.mark.parametrize("adaptor", OPENAI_COMPATIBLE_VENDORS, ids=_vendor_id)
def test_vendor_channel_base_url_overrides_default(adaptor):
    url = adaptor.request_url(make_ctx(adaptor.channel_type, body=CHAT, base_url="https://relay.test/"))
    assert url.startswith("https://relay.test/") and "//" not in url.removeprefix("https://")


@pytest.mark.parametrize("adaptor", OPENAI_COMPATIBLE_VENDORS, ids=_vendor_id)
def test_vendor_has_default_models_unless_user_named(adaptor):
    if adaptor.channel_type in (T.CUSTOM, T.OPENAI_COMPATIBLE, T.FASTGPT):
        assert adaptor.default_models == ()
    else:
        assert adaptor.default_models


def test_openai_compatible_appends_path_to_versioned_base():
    ctx = make_ctx(T.OPENAI_COMPATIBLE, body=CHAT, base_url="https://x.test/v1")
    assert get_adaptor(T.OPENAI_COMPATIBLE).request_url(ctx) == "https://x.test/v1/chat/completions"


def test_openai_compatible_strips_trailing_slash_of_base():
    ctx = make_ctx(T.OPENAI_COMPATIBLE, mode=RelayMode.EMBEDDINGS, base_url="https://x.test/api/v3/")
    assert get_adaptor(T.OPENAI_COMPATIBLE).request_url(ctx) == "https://x.test/api/v3/embeddings"


def test_custom_appends_v1_path_to_host():
    ctx = make_ctx(T.CUSTOM, body=CHAT, base_url="https://x.test")
    assert get_adaptor(T.CUSTOM).request_url(ctx) == "https://x.test/v1/chat/completions"


def test_gemini_openai_accepts_one_api_default_with_trailing_slash():
    ctx = make_ctx(T.GEMINI_OPENAI_COMPATIBLE, body=CHAT,
                   base_url="https://generativelanguage.googleapis.com/v1beta/openai/")
    assert get_adaptor(T.GEMINI_OPENAI_COMPATIBLE).request_url(ctx) == CHAT_URLS[T.GEMINI_OPENAI_COMPATIBLE]


def test_cloudflare_gateway_rule_is_openai_only():
    # One API strips /v1 for Cloudflare's AI Gateway only on OpenAI and Azure channels.
    base = "https://gateway.ai.cloudflare.com/v1/0123abcd/my-gateway/deepseek"
    ctx = make_ctx(T.DEEPSEEK, body=CHAT, base_url=base)
    assert get_adaptor(T.DEEPSEEK).request_url(ctx) == base + "/v1/chat/completions"


def test_openrouter_sends_app_title():
    ctx = make_ctx(T.OPENROUTER, body=CHAT, stream=True)
    headers = get_adaptor(T.OPENROUTER).build_request(ctx).headers
    assert headers["X-Title"] == "Tollgate"
    assert "HTTP-Referer" not in headers
    assert headers["Authorization"] == "Bearer sk-up" and headers["Accept"] == "text/event-stream"


def test_baichuan_drops_zero_frequency_penalty():
    ctx = make_ctx(T.BAICHUAN, body={**CHAT, "frequency_penalty": 0, "temperature": 0.3})
    body = orjson.loads(get_adaptor(T.BAICHUAN).request_body(ctx))
    assert "frequency_penalty" not in body
    assert body["temperature"] == 0.3 and body["model"] == "some-model"


def test_baichuan_drops_zero_frequency_penalty_while_mapping_and_streaming():
    ctx = make_ctx(T.BAICHUAN, body={**CHAT, "frequency_penalty": 0.0}, stream=True,
                   model_mapping={"some-model": "Baichuan2-Turbo"})
    body = orjson.loads(get_adaptor(T.BAICHUAN).request_body(ctx))
    assert "frequency_penalty" not in body
    assert body["model"] == "Baichuan2-Turbo" and body["stream_options"] == {"include_usage": True}


def test_baichuan_keeps_nonzero_frequency_penalty_and_raw_body():
    ctx = make_ctx(T.BAICHUAN, body={**CHAT, "frequency_penalty": 0.5})
    assert get_adaptor(T.BAICHUAN).request_body(ctx) is ctx.request.raw_body


def test_minimax_refuses_other_modes():
    minimax = get_adaptor(T.MINIMAX)
    assert not minimax.supports(RelayMode.EMBEDDINGS)
    ctx = make_ctx(T.MINIMAX, body=CHAT, base_url="https://api.minimaxi.chat/")
    assert minimax.request_url(ctx) == "https://api.minimaxi.chat/v1/text/chatcompletion_v2"
