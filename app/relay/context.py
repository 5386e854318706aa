"""RelayContext: everything one relay request carries from authentication to the log row."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from app.billing.ledger import Balances
from app.cache.channels import ChannelSnapshot
from app.cache.tokens import TokenSnapshot
from app.cache.users import UserSnapshot
from app.relay.modes import RelayMode
from app.relay.schemas import OpenAIRequest


@dataclass(slots=True)
class RelayContext:
    request_id: str
    path: str  # the client's path after /v1, with its query string: "/chat/completions"
    request: OpenAIRequest
    token: TokenSnapshot
    user: UserSnapshot
    pinned_channel_id: int | None = None
    enforce_usage: bool = False  # ENFORCE_INCLUDE_USAGE: pass usage chunks to every streaming client
    balances: Balances | None = None  # read by admission before the body, for large requests only
    started_at: float = field(default_factory=time.monotonic)
    # Set for each attempt by use_channel():
    channel: ChannelSnapshot | None = None
    upstream_model: str = ""
    system_prompt_reset: bool = False
    # Set by the reservation (app.relay.metering):
    completion_budget: int | None = None  # completion tokens, all choices together, the reservation covers
    reply_limit: int | None = None  # max_tokens per choice the upstream must be sent; None keeps the client's

    @property
    def mode(self) -> RelayMode:
        return self.request.mode

    @property
    def group(self) -> str:
        return self.user.group

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started_at) * 1000)

    def use_channel(self, channel: ChannelSnapshot) -> None:
        """Aim the request at ``channel``: its model mapping and forced system prompt apply from here."""
        self.channel = channel
        self.upstream_model = channel.model_mapping.get(self.request.model) or self.request.model
        self.system_prompt_reset = bool(channel.system_prompt) and self.mode == RelayMode.CHAT

    @property
    def body_changed(self) -> bool:
        """Whether the client's body can no longer be forwarded byte for byte."""
        return self.upstream_model != self.request.model or self.system_prompt_reset or self.reply_limit is not None
