"""Streaming client: N keep-alive connections streaming chat replies, timing first token and whole stream.

Run as ``python -m bench.streams URL KEY BODY_FILE --concurrency 32 --duration 10``; prints one
``STREAM_RESULT {json}`` line. Time to first token is measured to the first SSE event whose
``choices[0].delta.content`` is non-empty (the role-only opening chunk does not count).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from urllib.parse import urlsplit

READ_TIMEOUT = 10.0  # a stream slower than this counts as an error, as wrk's --timeout does


class StreamFailed(Exception):
    """The stream did not end with [DONE] after a 200."""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..100) of unsorted values; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


def _has_content(payload: bytes) -> bool:
    try:
        choices = json.loads(payload).get("choices") or []
    except ValueError:
        return False
    return any((choice.get("delta") or {}).get("content") for choice in choices)


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("connection closed before the response")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            return status, headers
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()


async def _body_pieces(reader: asyncio.StreamReader, headers: dict[str, str]):
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            size = int((await reader.readline()).split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                return
            yield await reader.readexactly(size)
            await reader.readline()
    elif "content-length" in headers:
        yield await reader.readexactly(int(headers["content-length"]))
    else:
        while piece := await reader.read(65536):
            yield piece


async def _stream_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       request: bytes) -> tuple[float, float, bool]:
    """(seconds to first token, seconds to the end of the body, whether the server keeps the connection)."""
    started = time.perf_counter()
    writer.write(request)
    await writer.drain()
    status, headers = await _read_head(reader)
    first_token = None
    done = False
    buffer = b""
    async for piece in _body_pieces(reader, headers):
        buffer += piece
        *events, buffer = buffer.replace(b"\r\n", b"\n").split(b"\n\n")
        for event in events:
            for line in event.split(b"\n"):
                if not line.startswith(b"data:"):
                    continue
                payload = line[5:].strip()
                if payload == b"[DONE]":
                    done = True
                elif first_token is None and _has_content(payload):
                    first_token = time.perf_counter() - started
    total = time.perf_counter() - started
    if status != 200 or not done or first_token is None:
        raise StreamFailed(f"status {status}, [DONE] seen: {done}, content seen: {first_token is not None}")
    return first_token, total, headers.get("connection", "").lower() != "close"


async def _worker(host: str, port: int, request: bytes, deadline: float, results: dict) -> None:
    connection = None
    while time.perf_counter() < deadline:
        try:
            if connection is None:
                connection = await asyncio.open_connection(host, port)
            first_token, total, keep = await asyncio.wait_for(_stream_once(*connection, request), READ_TIMEOUT)
            results["ttft"].append(first_token)
            results["total"].append(total)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, StreamFailed, ValueError,
                IndexError) as error:
            results["errors"] += 1
            results["timeouts"] += isinstance(error, asyncio.TimeoutError)
            reason = f"{type(error).__name__}: {error}"[:120]
            results["error_kinds"][reason] = results["error_kinds"].get(reason, 0) + 1
            keep = False
        if not keep and connection is not None:
            connection[1].close()
            connection = None
    if connection is not None:
        connection[1].close()


async def run(url: str, api_key: str, body: bytes, concurrency: int, duration: float) -> dict:
    parts = urlsplit(url)
    request = (f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
               f"Authorization: Bearer {api_key}\r\nAccept: text/event-stream\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    results: dict = {"ttft": [], "total": [], "errors": 0, "timeouts": 0, "error_kinds": {}}
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(_worker(parts.hostname, parts.port or 80, request, deadline, results)
                           for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(results["total"]),
        "errors": results["errors"],
        "timeouts": results["timeouts"],
        "error_kinds": results["error_kinds"],
        "duration_s": elapsed,
        "rps": len(results["total"]) / elapsed,
        "ttft_p50_ms": percentile(results["ttft"], 50) * 1000,
        "ttft_p99_ms": percentile(results["ttft"], 99) * 1000,
        "p50_ms": percentile(results["total"], 50) * 1000,
        "p99_ms": percentile(results["total"], 99) * 1000,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.streams", description=__doc__)
    parser.add_argument("url", help="e.g. http://127.0.0.1:3000/v1/chat/completions")
    parser.add_argument("api_key")
    parser.add_argument("body_file")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args(argv)
    with open(args.body_file, "rb") as handle:
        body = handle.read()
    result = asyncio.run(run(args.url, args.api_key, body, args.concurrency, args.duration))
    print("STREAM_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
