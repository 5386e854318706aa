"""Long streams for minutes, watching the gateway workers' memory: does RSS keep growing?

    .venv/bin/python -m bench.soak [--config embedded|production] [--minutes 10] [--concurrency 32]

Streams of about 2 s each (the mock's reply in 29 pieces 70 ms apart) run back to back on every
connection. Each worker's RSS
is sampled every --interval seconds; the baseline is the first sample after --warmup seconds, and the
verdict compares the last sample with it (the issue's target: under 10% growth over 10 minutes).
Prints one SOAK line per sample and a final SOAK_RESULT line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from bench import configs, streams
from bench.measure import children_of, rss_mb
from bench.servers import Processes, start_gateway, start_mock

BODY = (Path(__file__).parent / "scripts" / "stream.json").read_bytes()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", choices=("embedded", "production"), default="embedded")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between RSS samples")
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before the baseline sample")
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args(argv)


def worker_rss(master_pid: int) -> dict[int, float]:
    return {pid: rss_mb(pid) for pid in children_of(master_pid) if pid != master_pid}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tollgate-soak-") as workdir, Processes() as processes:
        mock = start_mock(processes, Path(workdir), chunk_count=200, chunk_interval=0.07)
        with configs.environment(args.config, Path(workdir)) as settings:
            gateway, url = start_gateway(processes, Path(workdir), args.config, settings, args.workers)
            key = configs.seed(settings, mock.url)
            time.sleep(1.5)
            started, baseline, last, streams_done, errors = time.monotonic(), None, {}, 0, 0
            while time.monotonic() - started < args.minutes * 60:
                result = asyncio.run(streams.run(f"{url}/v1/chat/completions", key, BODY, args.concurrency,
                                                 args.interval))
                streams_done, errors = streams_done + result["requests"], errors + result["errors"]
                last = worker_rss(gateway.pid)
                elapsed = time.monotonic() - started
                if baseline is None and elapsed >= args.warmup:
                    baseline = dict(last)
                print(f"SOAK t={elapsed:.0f}s streams={streams_done} errors={errors} "
                      f"rss_mb={json.dumps({str(pid): round(mb, 1) for pid, mb in last.items()})}", flush=True)
            growth = max(((last[pid] - mb) / mb * 100 for pid, mb in (baseline or {}).items() if pid in last),
                         default=float("nan"))
            print("SOAK_RESULT " + json.dumps({
                "config": args.config, "minutes": args.minutes, "streams": streams_done, "errors": errors,
                "baseline_rss_mb": {str(pid): round(mb, 1) for pid, mb in (baseline or {}).items()},
                "final_rss_mb": {str(pid): round(mb, 1) for pid, mb in last.items()},
                "max_growth_pct": round(growth, 2), "target_met": growth < 10}), flush=True)


if __name__ == "__main__":
    main()
