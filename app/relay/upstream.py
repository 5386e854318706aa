"""The one outbound HTTP client: pooled connections, timeouts, proxy, and incremental streaming reads."""

from __future__ import annotations

import itertools
import urllib.request
from functools import lru_cache
from typing import Iterator
from urllib.parse import urlsplit

import urllib3
from flask import Flask, current_app
from urllib3.exceptions import HTTPError as Urllib3Error

from app.config import Config
from app.relay.adaptors.base import UpstreamRequest

MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # a non-stream reply larger than this is an upstream fault
CONNECTIONS_PER_HOST = 1024
_EXTENSION = "tollgate.upstream"


class UpstreamUnavailable(Exception):
    """The upstream could not be reached or did not answer in time (always worth another channel)."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class UpstreamResponse:
    """Status and headers of an upstream reply whose body is still on the wire (``raw``)."""

    __slots__ = ("raw", "status_code", "headers", "chunks", "body")

    def __init__(self, raw: urllib3.BaseHTTPResponse) -> None:
        self.raw = raw
        self.status_code = raw.status
        self.headers = raw.headers  # case-insensitive
        self.chunks: Iterator[bytes] | None = None  # a stream whose first bytes were awaited (await_first_bytes)
        self.body: bytes | None = None  # a body read ahead (await_body)

    def close(self) -> None:
        if not self.raw.isclosed():  # the body was not read to the end: the connection cannot be reused
            self.raw.close()
        self.raw.release_conn()


class UpstreamClient:
    """urllib3 pools, used directly: ``requests`` spent about a millisecond per call on work the relay
    never needs (reading proxy variables from the environment, merging settings, cookies, hooks)."""

    def __init__(self, config: Config) -> None:
        connect = config.relay_connect_timeout or None  # 0 is One API's "no limit"
        self.timeout = urllib3.Timeout(connect=connect, read=config.relay_first_byte_timeout or None)
        self.stream_timeout = urllib3.Timeout(connect=connect, read=config.relay_first_event_timeout or None)
        self.idle_timeout = config.relay_stream_idle_timeout or None
        self.direct = urllib3.PoolManager(num_pools=64, maxsize=CONNECTIONS_PER_HOST, block=False, retries=False)
        # RELAY_PROXY wins over the environment's HTTP(S)_PROXY, which is read once, here.
        proxies = ({"http": config.relay_proxy, "https": config.relay_proxy} if config.relay_proxy
                   else urllib.request.getproxies_environment())
        self.proxied = {scheme: urllib3.ProxyManager(url, num_pools=64, maxsize=CONNECTIONS_PER_HOST,
                                                     retries=False)
                        for scheme, url in proxies.items() if scheme in ("http", "https")}
        # NO_PROXY applies to the environment's proxies only; decided once per host, as the variables are.
        self.bypasses = lru_cache(maxsize=1024)(
            (lambda host: False) if config.relay_proxy else
            (lambda host: bool(urllib.request.proxy_bypass_environment(host))))

    def send(self, upstream: UpstreamRequest) -> UpstreamResponse:
        """Send and return once the status and headers are in; the body is read by the caller."""
        try:
            raw = self._pool_for(upstream.url).urlopen(
                upstream.method, upstream.url, body=upstream.body, headers=upstream.headers,
                preload_content=False, decode_content=True, redirect=False,
                timeout=self.stream_timeout if upstream.stream else self.timeout)
        except (Urllib3Error, OSError) as exc:
            if _is_timeout(exc):
                raise UpstreamUnavailable("The upstream did not answer in time.", timed_out=True) from exc
            raise UpstreamUnavailable(f"The upstream could not be reached ({type(exc).__name__}).") from exc
        return UpstreamResponse(raw)

    def _pool_for(self, url: str) -> urllib3.PoolManager:
        if not self.proxied:
            return self.direct
        parts = urlsplit(url)
        proxy = self.proxied.get(parts.scheme)
        if proxy is None or self.bypasses(parts.hostname or ""):
            return self.direct
        return proxy


def await_body(response: UpstreamResponse) -> None:
    """Read the whole body now, before anything is relayed, so a silence within it can still be retried."""
    response.body = read_body(response)


def read_body(response: UpstreamResponse) -> bytes:
    """The whole body, bounded; timeouts and cut connections become UpstreamUnavailable."""
    if response.body is not None:
        return response.body
    try:
        chunks, size = [], 0
        while chunk := response.raw.read(65536):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise UpstreamUnavailable("The upstream reply is too large.")
            chunks.append(chunk)
        return b"".join(chunks)
    except (Urllib3Error, OSError) as exc:
        raise UpstreamUnavailable(f"The upstream reply was cut off ({type(exc).__name__}).",
                                  timed_out=_is_timeout(exc)) from exc
    finally:
        response.close()


def await_first_bytes(response: UpstreamResponse, idle_timeout: float | None) -> None:
    """Wait for a stream's first bytes now (RELAY_FIRST_EVENT_TIMEOUT), before anything is relayed, so an
    upstream that never starts can still be retried on another channel; later reads wait ``idle_timeout``."""
    chunks = _read_stream(response)
    first = next(chunks, b"")  # raises UpstreamUnavailable, timed out or cut off
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(idle_timeout)  # urllib3 sets it again when the connection is next used
    response.chunks = itertools.chain((first,), chunks)


def iter_stream(response: UpstreamResponse) -> Iterator[bytes]:
    """Raw bytes as they arrive, without waiting to fill a buffer. Errors become UpstreamUnavailable."""
    return response.chunks if response.chunks is not None else _read_stream(response)


def _read_stream(response: UpstreamResponse) -> Iterator[bytes]:
    raw = response.raw
    try:
        if raw.chunked and raw.supports_chunked_reads():
            yield from raw.read_chunked(decode_content=True)
            return
        while data := raw.read1(65536):
            yield data
    except (Urllib3Error, OSError, ValueError) as exc:
        if _is_timeout(exc):
            raise UpstreamUnavailable("The upstream stopped sending for too long.", timed_out=True) from exc
        raise UpstreamUnavailable(f"The upstream stream was cut off ({type(exc).__name__}).") from exc


def _is_timeout(exc: BaseException) -> bool:
    # urllib3 raises its own TimeoutError subclasses, sometimes wrapped in a ProtocolError's args; its
    # NewConnectionError (a refused connection) is one of them only for historical reasons.
    causes = (exc, exc.__context__, *(arg for arg in exc.args if isinstance(arg, BaseException)))
    return any(isinstance(cause, (TimeoutError, urllib3.exceptions.TimeoutError))
               and not isinstance(cause, urllib3.exceptions.NewConnectionError) for cause in causes if cause)


def init_app(app: Flask, config: Config) -> None:
    app.extensions[_EXTENSION] = UpstreamClient(config)


def client() -> UpstreamClient:
    return current_app.extensions[_EXTENSION]
