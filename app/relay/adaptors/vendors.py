"""OpenAI-compatible vendors as data: type id, name, default base URL, default models, path prefix.

Each row is an OpenAICompatibleAdaptor configured with One API's default base URL
(relay/channeltype/url.go) and the model list from the provider's constants.go in One API. The URL of
a request is ``base URL + path prefix + the client's path after /v1``. The three vendors whose requests
differ by more than that get a subclass here that overrides one method, and so do the vendors whose
balance can be queried (One API's controller/channel-billing.go).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from app.models.channel import ChannelType
from app.relay.adaptors.base import UpstreamRequest
from app.relay.adaptors.openai import ALL_MODES, OpenAIAdaptor, OpenAICompatibleAdaptor
from app.relay.modes import RelayMode

if TYPE_CHECKING:
    from app.cache.channels import ChannelSnapshot
    from app.relay.context import RelayContext

CHAT_ONLY = frozenset({RelayMode.CHAT})
CHAT_AND_EMBEDDINGS = frozenset({RelayMode.CHAT, RelayMode.EMBEDDINGS})
OPENAI_DOCS = "https://platform.openai.com/docs/api-reference"

# Resellers of OpenAI's own API relay OpenAI's models, and OpenAI's reference is theirs (One API gives
# them openai.ModelList too).
RESOLD_OPENAI_MODELS = OpenAIAdaptor.default_models


class BaichuanAdaptor(OpenAICompatibleAdaptor):
    def request_body(self, ctx: "RelayContext") -> bytes:
        # Baichuan rejects "frequency_penalty": 0, which some OpenAI clients always send. One API meant to
        # drop it by always re-serialising the body, but its nullable field now re-emits the explicit 0.
        body = super().request_body(ctx)
        penalty = ctx.request.payload.get("frequency_penalty")
        if penalty != 0 or isinstance(penalty, bool):
            return body
        payload = orjson.loads(body)
        payload.pop("frequency_penalty", None)
        return orjson.dumps(payload)


class MinimaxAdaptor(OpenAICompatibleAdaptor):
    def request_url(self, ctx: "RelayContext") -> str:
        # MiniMax's OpenAI-shaped chat lives at a fixed path of its own, not under /v1/chat/completions.
        return self.base_url(ctx.channel) + "/v1/text/chatcompletion_v2"


class OpenRouterAdaptor(OpenAICompatibleAdaptor):
    def request_headers(self, ctx: "RelayContext") -> dict[str, str]:
        # OpenRouter attributes traffic to an app by these optional headers. One API sends its GitHub URL
        # and "One API"; Tollgate has no public homepage to name, so it sends only its title rather than a
        # Referer that would point somewhere that is not us.
        return {**super().request_headers(ctx), "X-Title": "Tollgate"}

    def balance_request(self, channel: "ChannelSnapshot", replies: tuple[bytes, ...] = ()) -> UpstreamRequest | None:
        return None if replies else _balance_get(f"{self.base_url(channel)}/v1/credits", channel)

    def parse_balance(self, body: bytes, earlier: tuple[bytes, ...] = ()) -> float:
        credits = orjson.loads(body)["data"]
        return float(credits["total_credits"]) - float(credits["total_usage"])


class CustomAdaptor(OpenAICompatibleAdaptor):
    # One API's Custom type is OpenAI's own API at the admin's host, legacy billing dashboard included.
    balance_request = OpenAIAdaptor.balance_request
    parse_balance = OpenAIAdaptor.parse_balance


class CreditGrantsAdaptor(OpenAICompatibleAdaptor):
    """Resellers that kept OpenAI's retired credit_grants endpoint; they name the remaining amount differently."""

    balance_field = "total_available"

    def balance_request(self, channel: "ChannelSnapshot", replies: tuple[bytes, ...] = ()) -> UpstreamRequest | None:
        return None if replies else _balance_get(f"{self.base_url(channel)}/dashboard/billing/credit_grants", channel)

    def parse_balance(self, body: bytes, earlier: tuple[bytes, ...] = ()) -> float:
        return float(orjson.loads(body)[self.balance_field])


class API2GPTAdaptor(CreditGrantsAdaptor):
    balance_field = "total_remaining"


class DeepSeekAdaptor(OpenAICompatibleAdaptor):
    def balance_request(self, channel: "ChannelSnapshot", replies: tuple[bytes, ...] = ()) -> UpstreamRequest | None:
        return None if replies else _balance_get(f"{self.base_url(channel)}/user/balance", channel)

    def parse_balance(self, body: bytes, earlier: tuple[bytes, ...] = ()) -> float:
        # One entry per currency, amounts as strings; One API reports the CNY one.
        for entry in orjson.loads(body)["balance_infos"]:
            if entry.get("currency") == "CNY":
                return float(entry["total_balance"])
        raise ValueError("DeepSeek reported no CNY balance.")


class SiliconFlowAdaptor(OpenAICompatibleAdaptor):
    def balance_request(self, channel: "ChannelSnapshot", replies: tuple[bytes, ...] = ()) -> UpstreamRequest | None:
        return None if replies else _balance_get(f"{self.base_url(channel)}/v1/user/info", channel)

    def parse_balance(self, body: bytes, earlier: tuple[bytes, ...] = ()) -> float:
        reply = orjson.loads(body)
        if reply.get("code") != 20000:  # SiliconFlow reports failures with HTTP 200 and its own code
            raise ValueError(f"SiliconFlow answered: {reply.get('message') or reply.get('code')}")
        return float(reply["data"]["totalBalance"])


def _balance_get(url: str, channel: "ChannelSnapshot") -> UpstreamRequest:
    return UpstreamRequest("GET", url, {"Authorization": f"Bearer {channel.key}"}, None, False)


def _vendor(channel_type: ChannelType, display_name: str, default_base_url: str, default_models: tuple[str, ...],
            docs_url: str, *, path_prefix: str = "/v1", supported_modes: frozenset[RelayMode] = ALL_MODES,
            kind: type[OpenAICompatibleAdaptor] = OpenAICompatibleAdaptor) -> OpenAICompatibleAdaptor:
    return kind(channel_type, display_name, default_base_url, default_models,
                path_prefix=path_prefix, supported_modes=supported_modes, docs_url=docs_url)


OPENAI_COMPATIBLE_VENDORS: tuple[OpenAICompatibleAdaptor, ...] = (
    _vendor(ChannelType.AI360, "360 Zhinao", "https://ai.360.cn",
            ("360GPT_S2_V9", "embedding-bert-512-v1", "embedding_s1_v1", "semantic_similarity_s1_v1"),
            "https://ai.360.com"),
    _vendor(ChannelType.AIGC2D, "AIGC2D", "https://api.aigc2d.com", RESOLD_OPENAI_MODELS, OPENAI_DOCS,
            kind=CreditGrantsAdaptor),
    _vendor(ChannelType.AILS, "AI.LS", "https://api.caipacity.com", RESOLD_OPENAI_MODELS, OPENAI_DOCS),
    _vendor(ChannelType.AIPROXY, "AI Proxy", "https://api.aiproxy.io", RESOLD_OPENAI_MODELS, OPENAI_DOCS),
    _vendor(ChannelType.ALI_BAILIAN, "Alibaba Cloud Bailian", "https://dashscope.aliyuncs.com",
            ("qwen-turbo", "qwen-plus", "qwen-long", "qwen-max", "qwen-coder-plus", "qwen-coder-turbo",
             "qwen-mt-plus", "qwen-mt-turbo", "qwq-32b-preview", "deepseek-r1", "deepseek-v3"),
            "https://help.aliyun.com/zh/model-studio/getting-started/models",
            path_prefix="/compatible-mode/v1", supported_modes=CHAT_AND_EMBEDDINGS),
    _vendor(ChannelType.API2D, "API2D", "https://oa.api2d.net", RESOLD_OPENAI_MODELS, OPENAI_DOCS),
    _vendor(ChannelType.API2GPT, "API2GPT", "https://api.api2gpt.com", RESOLD_OPENAI_MODELS, OPENAI_DOCS,
            kind=API2GPTAdaptor),
    _vendor(ChannelType.BAICHUAN, "Baichuan", "https://api.baichuan-ai.com",
            ("Baichuan2-Turbo", "Baichuan2-Turbo-192k", "Baichuan-Text-Embedding"),
            "https://platform.baichuan-ai.com/docs/api", kind=BaichuanAdaptor),
    _vendor(ChannelType.BAIDU_V2, "Baidu Qianfan V2", "https://qianfan.baidubce.com",
            ("ernie-4.0-8k", "ernie-4.0-8k-latest", "ernie-4.0-turbo-8k", "ernie-4.0-turbo-128k",
             "ernie-3.5-8k", "ernie-3.5-128k", "ernie-speed-8k", "ernie-speed-128k", "ernie-lite-8k",
             "ernie-tiny-8k", "ernie-char-8k", "deepseek-v3", "deepseek-r1"),
            "https://cloud.baidu.com/doc/WENXINWORKSHOP/s/em4tsqo3v",
            path_prefix="/v2", supported_modes=CHAT_ONLY),
    _vendor(ChannelType.CLOSEAI, "CloseAI", "https://api.closeai-proxy.xyz", RESOLD_OPENAI_MODELS, OPENAI_DOCS,
            kind=CreditGrantsAdaptor),
    # Deprecated in One API's UI: the user's base URL is a host, and /v1/... is appended to it.
    _vendor(ChannelType.CUSTOM, "Custom", "", (), OPENAI_DOCS, kind=CustomAdaptor),
    _vendor(ChannelType.DEEPSEEK, "DeepSeek", "https://api.deepseek.com", ("deepseek-chat", "deepseek-reasoner"),
            "https://api-docs.deepseek.com", kind=DeepSeekAdaptor),
    # Volcengine Ark; the model is an endpoint id (ep-…) or a model id.
    _vendor(ChannelType.DOUBAO, "Doubao (Volcengine Ark)", "https://ark.cn-beijing.volces.com",
            ("Doubao-pro-128k", "Doubao-pro-32k", "Doubao-pro-4k", "Doubao-lite-128k", "Doubao-lite-32k",
             "Doubao-lite-4k", "Doubao-embedding"),
            "https://www.volcengine.com/docs/82379", path_prefix="/api/v3", supported_modes=CHAT_AND_EMBEDDINGS),
    # A knowledge-base app: the key is "APIKey-AppId" and the model name is whatever the app answers to.
    _vendor(ChannelType.FASTGPT, "FastGPT", "https://fastgpt.run/api/openapi", (),
            "https://doc.fastgpt.in/docs/development/openapi/"),
    _vendor(ChannelType.GEMINI_OPENAI_COMPATIBLE, "Gemini (OpenAI compatible)",
            "https://generativelanguage.googleapis.com/v1beta/openai",
            ("gemini-1.5-flash", "gemini-1.5-flash-8b", "gemini-1.5-pro", "gemini-2.0-flash",
             "gemini-2.0-flash-lite-preview-02-05", "gemini-2.0-flash-thinking-exp-01-21",
             "gemini-2.0-pro-exp-02-05", "text-embedding-004"),
            "https://ai.google.dev/gemini-api/docs/openai", path_prefix=""),
    _vendor(ChannelType.GROQ, "Groq", "https://api.groq.com/openai",
            ("llama-3.1-8b-instant", "llama3-70b-8192", "llama3-8b-8192", "gemma2-9b-it", "mixtral-8x7b-32768",
             "llama-guard-3-8b", "deepseek-r1-distill-llama-70b", "whisper-large-v3", "whisper-large-v3-turbo",
             "distil-whisper-large-v3-en"),
            "https://console.groq.com/docs/api-reference"),
    _vendor(ChannelType.LINGYIWANWU, "01.AI (LingYiWanWu)", "https://api.lingyiwanwu.com",
            ("yi-34b-chat-0205", "yi-34b-chat-200k", "yi-vl-plus"), "https://platform.lingyiwanwu.com/docs"),
    _vendor(ChannelType.MINIMAX, "MiniMax", "https://api.minimax.chat",
            ("abab6.5-chat", "abab6.5s-chat", "abab6-chat", "abab5.5-chat", "abab5.5s-chat", "MiniMax-VL-01",
             "MiniMax-Text-01"),
            "https://www.minimaxi.com/document/guides/chat-model/V2?id=65e0736ab2845de20908e2dd",
            supported_modes=CHAT_ONLY, kind=MinimaxAdaptor),
    _vendor(ChannelType.MISTRAL, "Mistral AI", "https://api.mistral.ai",
            ("open-mistral-7b", "open-mixtral-8x7b", "mistral-small-latest", "mistral-medium-latest",
             "mistral-large-latest", "mistral-embed"),
            "https://docs.mistral.ai/api/"),
    _vendor(ChannelType.MOONSHOT, "Moonshot AI", "https://api.moonshot.cn",
            ("moonshot-v1-8k", "moonshot-v1-32k", "moonshot-v1-128k"), "https://platform.moonshot.cn/docs"),
    _vendor(ChannelType.NOVITA, "Novita", "https://api.novita.ai/v3/openai",
            ("meta-llama/llama-3-8b-instruct", "meta-llama/llama-3-70b-instruct", "mistralai/mistral-7b-instruct",
             "nousresearch/hermes-2-pro-llama-3-8b", "gryphe/mythomax-l2-13b", "microsoft/wizardlm-2-8x22b"),
            "https://novita.ai/llm-api", path_prefix="", supported_modes=CHAT_ONLY),
    _vendor(ChannelType.OHMYGPT, "OhMyGPT", "https://api.ohmygpt.com", RESOLD_OPENAI_MODELS, OPENAI_DOCS),
    # The user's base URL carries its own version segment ("https://host/v1"), so no prefix is added.
    _vendor(ChannelType.OPENAI_COMPATIBLE, "OpenAI compatible", "", (), OPENAI_DOCS, path_prefix=""),
    _vendor(ChannelType.OPENAI_MAX, "OpenAI Max", "https://api.openaimax.com", RESOLD_OPENAI_MODELS, OPENAI_DOCS),
    _vendor(ChannelType.OPENAI_SB, "OpenAI-SB", "https://api.openai-sb.com", RESOLD_OPENAI_MODELS, OPENAI_DOCS),
    # One API lists some 250 OpenRouter models; these are a few common ones, and channels name their own.
    _vendor(ChannelType.OPENROUTER, "OpenRouter", "https://openrouter.ai/api",
            ("openrouter/auto", "openai/gpt-4o", "openai/gpt-4o-mini", "openai/o3-mini",
             "anthropic/claude-3.5-sonnet", "anthropic/claude-3.5-haiku", "google/gemini-2.0-flash-001",
             "deepseek/deepseek-chat", "deepseek/deepseek-r1", "meta-llama/llama-3.3-70b-instruct",
             "mistralai/mistral-large", "qwen/qwen-2.5-72b-instruct", "x-ai/grok-2-1212"),
            "https://openrouter.ai/docs", kind=OpenRouterAdaptor),
    _vendor(ChannelType.SILICONFLOW, "SiliconFlow", "https://api.siliconflow.cn",
            ("deepseek-ai/DeepSeek-V2-Chat", "deepseek-ai/DeepSeek-Coder-V2-Instruct", "Qwen/Qwen2-72B-Instruct",
             "Qwen/Qwen2-7B-Instruct", "THUDM/glm-4-9b-chat", "01-ai/Yi-1.5-34B-Chat-16K",
             "internlm/internlm2_5-7b-chat", "BAAI/bge-large-en-v1.5", "BAAI/bge-large-zh-v1.5"),
            "https://docs.siliconflow.cn", kind=SiliconFlowAdaptor),
    _vendor(ChannelType.STEPFUN, "StepFun", "https://api.stepfun.com",
            ("step-1-8k", "step-1-32k", "step-1-128k", "step-1-256k", "step-1-flash", "step-2-16k", "step-1v-8k",
             "step-1v-32k", "step-1x-medium"),
            "https://platform.stepfun.com/docs"),
    _vendor(ChannelType.TOGETHER_AI, "together.ai", "https://api.together.xyz",
            ("meta-llama/Llama-3-70b-chat-hf", "deepseek-ai/deepseek-coder-33b-instruct",
             "mistralai/Mixtral-8x22B-Instruct-v0.1", "Qwen/Qwen1.5-72B-Chat"),
            "https://docs.together.ai"),
    _vendor(ChannelType.XAI, "xAI", "https://api.x.ai",
            ("grok-2", "grok-2-latest", "grok-2-1212", "grok-2-vision", "grok-2-vision-latest",
             "grok-2-vision-1212", "grok-beta", "grok-vision-beta"),
            "https://docs.x.ai/api"),
    # Spark's HTTP API: model names are Spark "domains" and the key is the APIPassword.
    _vendor(ChannelType.XUNFEI_V2, "iFlytek Spark V2", "https://spark-api-open.xf-yun.com",
            ("lite", "generalv3", "pro-128k", "generalv3.5", "max-32k", "4.0Ultra"),
            "https://www.xfyun.cn/doc/spark/HTTP%E8%B0%83%E7%94%A8%E6%96%87%E6%A1%A3.html"),
)
