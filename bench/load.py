"""The scenarios, the load generators that drive them (wrk, bench.streams) and one measured run of each."""

from __future__ import annotations

import json
import math
import re
import resource
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.measure import RssSampler, cpu_seconds, machine_busy_seconds
from bench.servers import Processes, Target

SCRIPTS = Path(__file__).resolve().parent / "scripts"
# A reply slower than this counts as an error (wrk's "timeout"). At most half the run, or a connection
# that hangs in the second half would only show as lower throughput: wrk does not report unanswered requests.
WRK_TIMEOUT_SECONDS = 10
_WRK_LINE = re.compile(r"^WRK_RESULT (.*)$", re.MULTILINE)
_STREAM_LINE = re.compile(r"^STREAM_RESULT (.*)$", re.MULTILINE)


class LoadError(RuntimeError):
    """A load generator failed or printed no result."""


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    body: str  # file in bench/scripts/
    concurrency: int
    client: str  # "wrk", or "streams" for bench.streams (time to first token)
    about: str
    share: float = 1.0  # of the run's --duration; a serial stream takes ~110 ms, so few are needed


SCENARIOS = (
    Scenario("chat_c1", "/v1/chat/completions", "chat.json", 1, "wrk",
             "non-stream chat, one connection: latency the gateway adds"),
    Scenario("chat_c64", "/v1/chat/completions", "chat.json", 64, "wrk",
             "non-stream chat, 64 connections: throughput"),
    Scenario("stream_c32", "/v1/chat/completions", "stream.json", 32, "wrk",
             "streamed chat (20 chunks 5 ms apart), 32 connections: whole-stream time"),
    Scenario("stream_ttft_c1", "/v1/chat/completions", "stream.json", 1, "streams",
             "streamed chat, one connection: time to first token the gateway adds", share=0.5),
    Scenario("stream_ttft_c32", "/v1/chat/completions", "stream.json", 32, "streams",
             "streamed chat, 32 connections: time to first token under load"),
    Scenario("embed_c64", "/v1/embeddings", "embeddings.json", 64, "wrk",
             "embeddings, 64 connections: throughput"),
)


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit("bench: wrk is not installed. Install it with `apt-get install -y wrk` (see bench/README.md).")
    return path


def _wrk(processes: Processes, target: Target, scenario: Scenario, duration: float) -> dict:
    # One wrk thread drives far more than the ~11,000 req/s the mock can serve, and leaves CPUs to the
    # servers. wrk takes whole seconds only.
    seconds = max(1, round(duration))
    timeout = max(1, min(WRK_TIMEOUT_SECONDS, seconds // 2))
    argv = [require_wrk(), "-t1", f"-c{scenario.concurrency}", f"-d{seconds}s", f"--timeout={timeout}s",
            "--latency", "-s", str(SCRIPTS / "post.lua"), target.url + scenario.path, "--",
            str(SCRIPTS / scenario.body), target.api_key]
    code, stdout, stderr = processes.run(argv, timeout=duration + 60)
    match = _WRK_LINE.search(stdout)
    if code != 0 or match is None:
        raise LoadError(f"wrk exited with {code} and no result:\n{stdout}\n{stderr}")
    raw = {key: float(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    elapsed = raw["duration_us"] / 1e6
    completed = int(raw["requests"])
    return {
        "requests": completed,
        "errors": int(sum(raw[kind] for kind in ("connect", "read", "write", "status", "timeout"))),
        "timeouts": int(raw["timeout"]),
        "rps": completed / elapsed,
        # wrk reports 0 ms percentiles when nothing completed; that is no measurement, not a fast one.
        "p50_ms": raw["p50_us"] / 1000 if completed else math.nan,
        "p99_ms": raw["p99_us"] / 1000 if completed else math.nan,
        "duration_s": elapsed,
    }


def _streams(processes: Processes, target: Target, scenario: Scenario, duration: float) -> dict:
    argv = [sys.executable, "-m", "bench.streams", target.url + scenario.path, target.api_key,
            str(SCRIPTS / scenario.body), f"--concurrency={scenario.concurrency}", f"--duration={duration:g}"]
    code, stdout, stderr = processes.run(argv, timeout=duration + 60)
    match = _STREAM_LINE.search(stdout)
    if code != 0 or match is None:
        raise LoadError(f"bench.streams exited with {code} and no result:\n{stdout}\n{stderr}")
    return json.loads(match.group(1))


def _cpu_of(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _cpu_snapshot(target: Target, mock_pid: int) -> dict[str, float]:
    return {
        "server": cpu_seconds(target.pid),
        "mock": cpu_seconds(mock_pid) if mock_pid != target.pid else 0.0,
        # Load generators are the bench's only reaped children, so this delta is theirs alone.
        "loader": _cpu_of(resource.RUSAGE_CHILDREN),
        "bench": _cpu_of(resource.RUSAGE_SELF),
        "machine": machine_busy_seconds(),
    }


def measure(processes: Processes, target: Target, scenario: Scenario, duration: float, mock_pid: int) -> dict:
    """One run of a scenario with the server's CPU, its peak RSS and the mock's and loader's CPU share."""
    generate = _wrk if scenario.client == "wrk" else _streams
    before = _cpu_snapshot(target, mock_pid)
    started = time.monotonic()
    with RssSampler(target.pid, include_root=not target.is_gateway) as sampler:
        figures = generate(processes, target, scenario, duration * scenario.share)
    wall = time.monotonic() - started
    used = {key: value - before[key] for key, value in _cpu_snapshot(target, mock_pid).items()}
    server_cpu = used["server"]
    if figures["requests"] == 0:
        # Every connection hung for the whole run: count each as a failure rather than report nothing.
        figures["errors"] = max(figures["errors"], scenario.concurrency)
        figures["timeouts"] = max(figures["timeouts"], scenario.concurrency)
    figures.update(
        cpu_ms_per_req=server_cpu * 1000 / figures["requests"] if figures["requests"] else math.nan,
        server_cpu_pct=server_cpu / wall * 100,
        mock_cpu_pct=(used["mock"] if mock_pid != target.pid else server_cpu) / wall * 100,
        loadgen_cpu_pct=used["loader"] / wall * 100,
        # Whatever else ran on the machine meanwhile (other people's tests, say): noise in every figure.
        other_cpu_pct=max(0.0, used["machine"] - sum(used[key] for key in ("server", "mock", "loader", "bench")))
        / wall * 100,
        rss_mb_peak=sampler.peaks.worker_max,
        rss_mb_total=sampler.peaks.total,
        workers=len(sampler.peaks.per_process),
    )
    return figures


def warm_up(processes: Processes, target: Target, seconds: float) -> None:
    """Touch every path once under light load so lazy imports and pools are not in the figures."""
    for body, path in (("chat.json", "/v1/chat/completions"), ("stream.json", "/v1/chat/completions"),
                       ("embeddings.json", "/v1/embeddings")):
        scenario = Scenario("warm_up", path, body, 8, "wrk", "")
        _wrk(processes, target, scenario, seconds / 3)
