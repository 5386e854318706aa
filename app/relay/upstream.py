"""The one outbound HTTP client: pooled connections, timeouts, proxy, and incremental streaming reads."""

from __future__ import annotations

from typing import Iterator

import requests
from flask import Flask, current_app
from requests.adapters import HTTPAdapter

from app.config import Config
from app.relay.adaptors.base import UpstreamRequest

CONNECT_TIMEOUT_SECONDS = 15.0
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # a non-stream reply larger than this is an upstream fault
_EXTENSION = "tollgate.upstream"


class UpstreamUnavailable(Exception):
    """The upstream could not be reached or did not answer in time (always worth another channel)."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class UpstreamClient:
    def __init__(self, config: Config) -> None:
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=64, pool_maxsize=1024, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.trust_env = not config.relay_proxy  # RELAY_PROXY wins over HTTPS_PROXY
        if config.relay_proxy:
            self.session.proxies = {"http": config.relay_proxy, "https": config.relay_proxy}
        read = config.relay_timeout or None
        self.timeout = (min(CONNECT_TIMEOUT_SECONDS, read or CONNECT_TIMEOUT_SECONDS), read)

    def send(self, upstream: UpstreamRequest) -> requests.Response:
        """Send and return once the status and headers are in; the body is read by the caller."""
        try:
            return self.session.request(upstream.method, upstream.url, headers=upstream.headers,
                                        data=upstream.body, stream=True, timeout=self.timeout)
        except requests.Timeout as exc:
            raise UpstreamUnavailable("The upstream did not answer in time.", timed_out=True) from exc
        except requests.RequestException as exc:
            raise UpstreamUnavailable(f"The upstream could not be reached ({type(exc).__name__}).") from exc


def read_body(response: requests.Response) -> bytes:
    """The whole body, bounded; timeouts and cut connections become UpstreamUnavailable."""
    try:
        chunks, size = [], 0
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise UpstreamUnavailable("The upstream reply is too large.")
            chunks.append(chunk)
        return b"".join(chunks)
    except requests.RequestException as exc:
        raise UpstreamUnavailable(f"The upstream reply was cut off ({type(exc).__name__}).",
                                  timed_out=_is_timeout(exc)) from exc
    finally:
        response.close()


def iter_stream(response: requests.Response) -> Iterator[bytes]:
    """Raw bytes as they arrive, without waiting to fill a buffer. Errors become UpstreamUnavailable."""
    raw = response.raw
    try:
        if raw.chunked and raw.supports_chunked_reads():
            yield from raw.read_chunked(decode_content=True)
            return
        while True:
            data = raw.read1(65536) if hasattr(raw, "read1") else raw.read(4096)
            if not data:
                return
            yield data
    except Exception as exc:
        # urllib3's ReadTimeoutError and ProtocolError are not OSErrors; anything else is a real bug.
        if not isinstance(exc, (requests.RequestException, OSError, ValueError)) and \
                not type(exc).__module__.startswith("urllib3"):
            raise
        if _is_timeout(exc):
            raise UpstreamUnavailable("The upstream stopped sending for longer than RELAY_TIMEOUT.",
                                      timed_out=True) from exc
        raise UpstreamUnavailable(f"The upstream stream was cut off ({type(exc).__name__}).") from exc


def _is_timeout(exc: BaseException) -> bool:
    # requests wraps urllib3's ReadTimeoutError in a ConnectionError while it reads a body.
    causes = (exc, *(arg for arg in exc.args if isinstance(arg, BaseException)))
    return any(isinstance(cause, TimeoutError) or "Timeout" in type(cause).__name__ for cause in causes)


def init_app(app: Flask, config: Config) -> None:
    app.extensions[_EXTENSION] = UpstreamClient(config)


def client() -> UpstreamClient:
    return current_app.extensions[_EXTENSION]
