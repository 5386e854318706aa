"""API-key authentication for the relay: who is calling, with which key, and may they use this model."""

from __future__ import annotations

import ipaddress
import time

from app.cache.tokens import TokenSnapshot, token_by_key
from app.cache.users import UserSnapshot, user_by_id
from app.models.token import NEVER_EXPIRES, TOKEN_ENABLED, TOKEN_EXHAUSTED, TOKEN_EXPIRED
from app.models.user import ROLE_ADMIN, USER_ENABLED
from app.relay.errors import RelayError


def _denied(message: str, status: int, code: str, type_: str = "invalid_request_error") -> RelayError:
    return RelayError(message, status=status, type=type_, code=code)


def parse_key(header: str) -> tuple[str, int | None]:
    """``Bearer sk-KEY`` or ``Bearer sk-KEY-CHANNELID`` → (KEY, channel id or None)."""
    value = header.strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    value = value.removeprefix("sk-")
    key, _, channel = value.partition("-")
    if not key:
        raise _denied("You didn't provide an API key; send it as 'Authorization: Bearer sk-...'.", 401,
                      "missing_api_key")
    if not channel:
        return key, None
    if not channel.isdigit():
        raise _denied("The channel id after the API key must be a number.", 400, "invalid_channel_id")
    return key, int(channel)


def authenticate(header: str, ip: str) -> tuple[TokenSnapshot, UserSnapshot, int | None]:
    key, pinned_channel = parse_key(header)
    token = token_by_key(key)
    if token is None:
        raise _denied("Invalid API key.", 401, "invalid_api_key")
    check_token(token, ip)
    user = user_by_id(token.user_id)
    if user is None or user.status != USER_ENABLED:
        raise _denied("The account that owns this API key is disabled.", 403, "user_disabled", "permission_error")
    if pinned_channel is not None and user.role < ROLE_ADMIN:
        raise _denied("Only administrators' keys may choose a channel.", 403, "channel_pinning_not_allowed",
                      "permission_error")
    return token, user, pinned_channel


def check_token(token: TokenSnapshot, ip: str) -> None:
    if token.status == TOKEN_EXHAUSTED:
        raise _denied(f"The quota of API key {token.name} (#{token.id}) is used up.", 403, "insufficient_quota",
                      "insufficient_quota")
    if token.status == TOKEN_EXPIRED or (token.expired_time != NEVER_EXPIRES and token.expired_time < time.time()):
        raise _denied("This API key has expired.", 401, "token_expired")
    if token.status != TOKEN_ENABLED:
        raise _denied("This API key is disabled.", 401, "token_disabled")
    if token.subnets and not _ip_in(ip, token.subnets):
        raise _denied(f"This API key may only be used from {token.subnet_text}; this request came from {ip}.",
                      403, "ip_not_allowed", "permission_error")


def check_model(token: TokenSnapshot, model: str) -> None:
    if token.models and model not in token.models:
        raise _denied(f"This API key may not use the model {model}.", 403, "model_not_allowed", "permission_error")


def _ip_in(ip: str, networks: tuple) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in network for network in networks)
