"""Reading the client's HTTP request into a RelayContext: key, body (gzip allowed, size-bounded), model."""

from __future__ import annotations

import gzip
import zlib

import orjson
from flask import current_app, request

from app.client_ip import client_ip
from app.relay.admission import check_funded
from app.relay.auth import authenticate, check_model
from app.relay.context import RelayContext
from app.relay.errors import RelayError
from app.relay.modes import MODE_BY_PATH, MULTIPART_MODES, RelayMode
from app.relay.schemas import InvalidRequest, parse_request
from app.request_ids import current_request_id

MAX_BODY_BYTES = 32 * 1024 * 1024  # audio uploads are the largest (OpenAI takes up to 25 MB)
DISCARD_READ_BYTES = 1024 * 1024


def build_context(endpoint: str, path_model: str | None = None) -> RelayContext:
    """Authenticate, then parse and validate the body, in that order: strangers get no body parsing."""
    mode = MODE_BY_PATH[endpoint]
    try:
        token, user, pinned = authenticate(request.headers.get("Authorization", ""), client_ip())
        funds = check_funded(token, user, request.content_length)  # nothing left: no body parsing either
    except RelayError:
        _discard_body()
        raise
    raw = _body()
    content_type = request.headers.get("Content-Type", "application/json")
    form = request.form.to_dict() if mode in MULTIPART_MODES else None
    if path_model and mode == RelayMode.EMBEDDINGS:
        raw = _with_model(raw, path_model)
    relay_request = parse_request(mode, raw, content_type, form)
    check_model(token, relay_request.model)
    query = request.query_string.decode("latin-1")
    return RelayContext(
        request_id=current_request_id(), path=f"/{endpoint}" + (f"?{query}" if query else ""),
        request=relay_request, token=token, user=user, pinned_channel_id=pinned,
        enforce_usage=current_app.config["TOLLGATE"].enforce_include_usage, balances=funds,
    )


def _discard_body() -> None:
    """Read a refused request's body and drop it, in large reads. Left unread, Gunicorn drains it before the
    next request 1 KiB at a time, copying its read-ahead buffer on every read: seconds of CPU for 30 MB."""
    while request.stream.read(DISCARD_READ_BYTES):
        pass


def _body() -> bytes:
    raw = request.get_data(cache=True)
    encoding = request.headers.get("Content-Encoding", "").lower()
    if encoding in ("gzip", "deflate"):
        raw = _inflate(raw, encoding)
    return raw


def _inflate(raw: bytes, encoding: str) -> bytes:
    # Bounded, so a small compressed body cannot expand into gigabytes.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, MAX_BODY_BYTES + 1)
    except (zlib.error, gzip.BadGzipFile):
        raise InvalidRequest("The request body is not valid " + encoding + " data.", code="invalid_encoding") from None
    if len(data) > MAX_BODY_BYTES or inflater.unconsumed_tail:
        raise InvalidRequest("The request body is too large.", status=413, code="body_too_large")
    return data


def _with_model(raw: bytes, model: str) -> bytes:
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw
    if isinstance(payload, dict) and not payload.get("model"):
        payload["model"] = model
        return orjson.dumps(payload)
    return raw
