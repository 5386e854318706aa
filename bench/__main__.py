"""One command: ``python -m bench [--quick] [--config embedded,production] [--repeat N] [--workers N]``.

Measures the mock upstream alone (`direct`, the baseline), then the gateway under Gunicorn in each
configuration asked for, scenario by scenario; prints BENCH lines and a Markdown table and writes
bench/results/latest.{md,json}. Every process it starts is ended on exit, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import configs, load, report, servers

SEED_SETTLE_SECONDS = 1.5  # the gateway's caches (channel pool, tokens) refresh within about a second
STALLED_RUNS = 2  # runs in a row that complete nothing before a config is given up as hung


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="4 s per scenario, 1 repeat: about a minute")
    parser.add_argument("--config", default="embedded",
                        help="comma-separated: embedded, production, or all (default: embedded)")
    parser.add_argument("--repeat", type=int, help="runs per scenario; the median is reported (default 3, quick 1)")
    parser.add_argument("--duration", type=float, help="seconds per scenario run (default 10, quick 4)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per server (default 3, quick 1.5)")
    parser.add_argument("--workers", type=int, help="Gunicorn workers (default: gunicorn.conf.py, min(4, CPUs))")
    parser.add_argument("--scenarios", help="comma-separated subset of: " + ", ".join(s.name for s in load.SCENARIOS))
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.duration = args.duration or (4.0 if args.quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (1.5 if args.quick else 3.0)
    args.configs = configs.CONFIGS if args.config == "all" else tuple(args.config.split(","))
    unknown = set(args.configs) - set(configs.CONFIGS)
    if unknown:
        parser.error(f"unknown config {', '.join(sorted(unknown))}; choose from {', '.join(configs.CONFIGS)}")
    wanted = args.scenarios.split(",") if args.scenarios else [s.name for s in load.SCENARIOS]
    args.scenario_list = [s for s in load.SCENARIOS if s.name in wanted]
    if len(args.scenario_list) != len(wanted):
        parser.error(f"unknown scenario in {args.scenarios}")
    return args


def machine_header(args: argparse.Namespace) -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}, "
                   f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM",
        "software": f"Python {platform.python_version()}, {_wrk_version()}, Linux {platform.release()}",
        "load average at start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "commit": _git_commit(),
        "run": f"{'quick' if args.quick else 'full'}: {args.duration:g} s per scenario, median of {args.repeat}, "
               f"warm-up {args.warmup:g} s, Gunicorn workers {args.workers or 'from gunicorn.conf.py'}",
        "mock": f"tests.mock_upstream in its own process, streams of {servers.CHUNK_COUNT} chunks "
                f"{servers.CHUNK_INTERVAL * 1000:g} ms apart",
    }


def _wrk_version() -> str:
    done = subprocess.run([load.require_wrk(), "--version"], capture_output=True, text=True)
    return (done.stdout or done.stderr).split(" Copyright")[0].strip()


def _git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=servers.ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=servers.ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + (" with uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def measure_target(processes: servers.Processes, target: servers.Target, mock_pid: int,
                   args: argparse.Namespace, runs: dict) -> None:
    """Warm up, then every scenario once per repeat (interleaved, so drift spreads over all of them)."""
    _progress(f"{target.name}: warming up {args.warmup:g} s")
    load.warm_up(processes, target, args.warmup)
    results = runs.setdefault(target.name, {})
    idle_runs = 0
    for repeat in range(1, args.repeat + 1):
        for scenario in args.scenario_list:
            figures = load.measure(processes, target, scenario, args.duration, mock_pid)
            results.setdefault(scenario.name, []).append(figures)
            _progress(f"{target.name} {scenario.name} run {repeat}/{args.repeat}: {figures['rps']:.0f} req/s, "
                      f"p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms, "
                      f"{figures['cpu_ms_per_req']:.3f} CPU ms/req, errors {figures['errors']}")
            idle_runs = 0 if figures["requests"] else idle_runs + 1
            if idle_runs == STALLED_RUNS:
                raise load.LoadError(f"{target.name} stopped answering: nothing completed in {STALLED_RUNS} runs "
                                     "in a row; the remaining scenarios are skipped")


def measure_gateway(processes: servers.Processes, mock: servers.Target, name: str, workdir: Path,
                    args: argparse.Namespace, runs: dict) -> None:
    with configs.environment(name, workdir) as settings:
        _progress(f"{name}: starting the gateway")
        process, url = servers.start_gateway(processes, workdir, name, settings, args.workers)
        try:
            key = configs.seed(settings, mock.url)
            time.sleep(SEED_SETTLE_SECONDS)
            target = servers.Target(name, url, process.pid, key, is_gateway=True)
            measure_target(processes, target, mock.pid, args, runs)
        finally:
            processes.stop(process)


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _end_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through every `with` as Ctrl-C does, so the servers are ended too


def run_all(args: argparse.Namespace, workdir: Path) -> tuple[dict, list[str], bool]:
    """The mock alone, then each config; returns (runs, notes, whether a config failed)."""
    runs: dict = {}
    notes: list[str] = []
    failed = False
    with servers.Processes() as processes:
        mock = servers.start_mock(processes, workdir)
        measure_target(processes, mock, mock.pid, args, runs)
        for name in args.configs:
            missing = configs.check_services(name)
            if missing:
                notes.append(f"{name} skipped: {missing}")
                _progress(notes[-1])
                continue
            try:
                measure_gateway(processes, mock, name, workdir, args, runs)
            except (servers.StartupError, load.LoadError) as error:
                failed = True
                notes.append(f"{name} failed: {str(error).splitlines()[0]} (logs in {workdir})")
                _progress(f"{name} failed: {error}")
    return runs, notes, failed


def print_results(rows: list[dict], notes: list[str]) -> None:
    for row in rows:
        print(report.bench_line(row))
    print(f"\n{report.table(rows)}\n\n{report.target_checks(rows)}")
    for note in notes:
        print(f"note: {note}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load.require_wrk()
    signal.signal(signal.SIGTERM, _end_on_sigterm)
    header = machine_header(args)
    print("\n".join(f"# {key}: {value}" for key, value in header.items()), flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="tollgate-bench-"))
    try:
        runs, notes, failed = run_all(args, workdir)
    except KeyboardInterrupt:
        _progress(f"interrupted; every server has been stopped (logs in {workdir})")
        return 130
    rows = report.summarize(runs)
    notes = report.bottleneck_notes(rows, len(os.sched_getaffinity(0))) + notes
    print_results(rows, notes)
    path = report.write(header, rows, runs, notes, {s.name: s.about for s in args.scenario_list})
    print(f"\nwritten: {path} and {path.with_suffix('.json')}")
    if failed or any(row["errors"] for row in rows):
        print(f"server logs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
