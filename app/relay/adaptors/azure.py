"""Azure OpenAI: deployment URLs, an api-version and the api-key header.
https://learn.microsoft.com/azure/ai-services/openai/reference"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from app.models.channel import ChannelType
from app.relay.adaptors.openai import CLOUDFLARE_GATEWAY, OpenAICompatibleAdaptor
from app.relay.modes import RelayMode

if TYPE_CHECKING:
    from app.relay.context import RelayContext

DEFAULT_API_VERSION = "2024-03-01-preview"  # One API's UI default when a channel names none


class AzureAdaptor(OpenAICompatibleAdaptor):
    channel_type = ChannelType.AZURE
    display_name = "Azure OpenAI"
    default_base_url = ""
    default_models = ("gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-35-turbo", "text-embedding-3-small", "dall-e-3",
                      "whisper", "tts")
    docs_url = "https://learn.microsoft.com/azure/ai-services/openai/reference"
    config_schema = {"api_version": {"label": "API version", "default": DEFAULT_API_VERSION}}

    def request_url(self, ctx: "RelayContext") -> str:
        base = self.base_url(ctx.channel)
        task = ctx.path.split("?", 1)[0].lstrip("/")
        version = ctx.channel.config.get("api_version") or ctx.channel.other or DEFAULT_API_VERSION
        deployment = ctx.upstream_model
        if ctx.mode != RelayMode.IMAGES_GENERATIONS:
            # Azure deployment names cannot contain dots; One API's convention is the model name without them.
            deployment = deployment.replace(".", "")
        root = base if base.startswith(CLOUDFLARE_GATEWAY) else f"{base}/openai/deployments"
        return f"{root}/{quote(deployment, safe='')}/{task}?api-version={quote(version, safe='')}"

    def request_headers(self, ctx: "RelayContext") -> dict[str, str]:
        headers = {"api-key": ctx.channel.key, "Content-Type": ctx.request.content_type}
        if ctx.request.stream:
            headers["Accept"] = "text/event-stream"
        return headers
