"""Relay errors in OpenAI's shape, with the request id, and with upstream secrets and URLs redacted."""

from __future__ import annotations

import logging
import re

import orjson
from flask import Response
from werkzeug.exceptions import HTTPException

from app.cache.channels import ChannelSnapshot
from app.errors import STORAGE_OUTAGE_MESSAGE, AppError, is_storage_outage
from app.redaction import redact
from app.relay.adaptors.base import UpstreamError
from app.request_ids import current_request_id

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://\S+")


class RelayError(AppError):
    """An error from the relay; ``type`` and ``code`` go to the client as they are."""

    def __init__(self, message: str, *, status: int, type: str, code: str | None) -> None:
        super().__init__(message, status=status, code=code)
        self.type = type


def quota_error(holder: str) -> RelayError:
    who = "API key" if holder == "token" else "account"
    return RelayError(f"The {who}'s quota is not enough for this request.", status=403,
                      type="insufficient_quota", code="insufficient_quota")


def upstream_failure(error: UpstreamError | None, channel: ChannelSnapshot | None) -> RelayError:
    """The client's view of a failed upstream call: never a channel key, never an upstream URL."""
    if error is None:
        return RelayError("No channel could serve the request.", status=503, type="service_unavailable",
                          code="model_not_available")
    if error.disables_channel or error.status in (401, 403):
        # The channel's credentials were refused; the upstream's words may quote part of the key.
        return RelayError("The upstream refused this gateway's credentials; try again later.", status=503,
                          type="upstream_error", code="channel_unavailable")
    if error.status == 429:
        return RelayError("The upstream is overloaded; try again shortly.", status=429,
                          type="rate_limit_error", code="rate_limit_exceeded")
    status = error.status if 400 <= error.status < 600 else 502
    return RelayError(client_message(error.message, channel), status=status, type=error.type, code=error.code)


def client_message(message: str, channel: ChannelSnapshot | None) -> str:
    """Upstream words as a client may read them: no channel key in any form, no key shapes, no upstream URL."""
    if channel is not None and channel.base_url:
        message = message.replace(channel.base_url, "[upstream]")
    message = redact(message, channel.key if channel is not None else "")
    return _URL.sub("[upstream]", message)[:1000]


def render_relay_error(error: Exception) -> Response:
    if isinstance(error, AppError):
        status, type_, code, message = error.status, error.type, error.code, error.message
    elif isinstance(error, HTTPException):
        status, type_, code, message = error.code or 500, "invalid_request_error", None, _http_message(error)
    elif is_storage_outage(error):
        log.error("Storage unavailable during a relay request: %s", error)
        status, type_, code, message = 503, "server_error", "storage_unavailable", STORAGE_OUTAGE_MESSAGE
    else:
        log.exception("Unhandled relay error")
        status, type_, code, message = 500, "server_error", "internal_error", "The gateway failed unexpectedly."
    body = {"error": {"message": f"{message} (request id: {current_request_id()})", "type": type_,
                      "param": "", "code": code}}
    return Response(orjson.dumps(body), status=status, mimetype="application/json")


def _http_message(error: HTTPException) -> str:
    if error.code == 413:
        return "The request body is too large."
    if error.code == 405:
        return "Method not allowed."
    return error.description or error.name
