"""The one outbound HTTP client: pooled connections, timeouts, proxy, and incremental streaming reads."""

from __future__ import annotations

import urllib.request
from functools import lru_cache
from typing import Iterator
from urllib.parse import urlsplit

import urllib3
from flask import Flask, current_app
from urllib3.exceptions import HTTPError as Urllib3Error

from app.config import Config
from app.relay.adaptors.base import UpstreamRequest

CONNECT_TIMEOUT_SECONDS = 15.0
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

    __slots__ = ("raw", "status_code", "headers")

    def __init__(self, raw: urllib3.BaseHTTPResponse) -> None:
        self.raw = raw
        self.status_code = raw.status
        self.headers = raw.headers  # case-insensitive

    def close(self) -> None:
        if not self.raw.isclosed():  # the body was not read to the end: the connection cannot be reused
            self.raw.close()
        self.raw.release_conn()


class UpstreamClient:
    """urllib3 pools, used directly: ``requests`` spent about a millisecond per call on work the relay
    never needs (reading proxy variables from the environment, merging settings, cookies, hooks)."""

    def __init__(self, config: Config) -> None:
        read = config.relay_timeout or None
        self.timeout = urllib3.Timeout(connect=min(CONNECT_TIMEOUT_SECONDS, read or CONNECT_TIMEOUT_SECONDS),
                                       read=read)
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
                preload_content=False, decode_content=True, timeout=self.timeout, redirect=False)
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


def read_body(response: UpstreamResponse) -> bytes:
    """The whole body, bounded; timeouts and cut connections become UpstreamUnavailable."""
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


def iter_stream(response: UpstreamResponse) -> Iterator[bytes]:
    """Raw bytes as they arrive, without waiting to fill a buffer. Errors become UpstreamUnavailable."""
    raw = response.raw
    try:
        if raw.chunked and raw.supports_chunked_reads():
            yield from raw.read_chunked(decode_content=True)
            return
        while data := raw.read1(65536):
            yield data
    except (Urllib3Error, OSError, ValueError) as exc:
        if _is_timeout(exc):
            raise UpstreamUnavailable("The upstream stopped sending for longer than RELAY_TIMEOUT.",
                                      timed_out=True) from exc
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
