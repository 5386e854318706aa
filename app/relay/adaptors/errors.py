"""Reading upstream error bodies: the generic OpenAI-style parsing every adaptor starts from."""

from __future__ import annotations

from typing import Any

import orjson

from app.relay.adaptors.base import UpstreamError

# Signs that the channel itself is dead (its key revoked, its account closed or out of credit). One API
# also matches the bare words "credit" and "balance", which disables channels on harmless messages.
_FATAL_TYPES = frozenset({"insufficient_quota", "authentication_error", "permission_error", "forbidden",
                          "billing_not_active", "invalid_api_key"})
_FATAL_CODES = frozenset({"invalid_api_key", "account_deactivated", "insufficient_quota", "billing_not_active"})
_FATAL_PHRASES = (
    "your access was terminated", "violation of our policies", "your credit balance is too low",
    "organization has been disabled", "organization has been restricted", "api key not valid",
    "api key expired", "incorrect api key", "invalid api key", "account is not active",
    "exceeded your current quota", "insufficient balance", "已欠费", "余额不足",
)
# Errors caused by the request itself: another channel would refuse it the same way.
_REQUEST_FAULT_STATUSES = frozenset({400, 404, 405, 413, 415, 422})


def _lookup(data: Any, *path: str) -> Any:
    """Case-insensitive nested lookup (Tencent writes Response.Error.Message)."""
    for name in path:
        if not isinstance(data, dict):
            return None
        data = next((value for key, value in data.items() if isinstance(key, str) and key.lower() == name), None)
    return data


def error_fields(body: bytes) -> tuple[str, str | None, str | None]:
    """(message, type, code) from an upstream error body of any common shape; never raises."""
    try:
        data = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        return body[:200].decode("utf-8", "replace").strip(), None, None
    error = _lookup(data, "error")
    if isinstance(error, str):
        return error, None, None
    if isinstance(error, dict) and error.get("message"):
        code = error.get("code")
        return str(error["message"]), _text(error.get("type")), _text(code)
    for path in (("message",), ("msg",), ("err",), ("error_msg",), ("header", "message"),
                 ("response", "error", "message")):
        value = _lookup(data, *path)
        if isinstance(value, str) and value:
            return value, None, _text(_lookup(data, "code"))
    return "", None, None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def classify(status: int, message: str, type_: str | None, code: str | None) -> UpstreamError:
    lowered = message.lower()
    fatal = (status == 401 or (type_ or "") in _FATAL_TYPES or (code or "") in _FATAL_CODES
             or any(phrase in lowered for phrase in _FATAL_PHRASES))
    retryable = fatal or status not in _REQUEST_FAULT_STATUSES
    return UpstreamError(
        status=status, type=type_ or "upstream_error", code=code or "bad_response_status_code",
        message=message or f"bad response status code {status}", retryable=retryable, disables_channel=fatal,
    )


def parse_openai_error(status: int, body: bytes) -> UpstreamError:
    message, type_, code = error_fields(body)
    return classify(status, message, type_, code)
