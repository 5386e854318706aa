"""Where the gateway's CPU goes: the app called in-process, without Gunicorn, against the mock upstream.

    .venv/bin/python -m bench.profile [--config embedded|production] [--requests N] [--top N] [--stream]

Prints the process CPU time per request (which other load on the machine barely disturbs, unlike
wall-clock latency) and the functions that take most of it (cProfile, cumulative and own time).
The WSGI environ is built once, so the figure is the app's own cost: Gunicorn's HTTP parsing and
the socket writes come on top of it in bench/run.sh.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

from bench import configs
from bench.servers import Processes, start_mock

CHAT = (Path(__file__).parent / "scripts" / "chat.json").read_bytes()
STREAM = (Path(__file__).parent / "scripts" / "stream.json").read_bytes()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", choices=("embedded", "production"), default="embedded")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30, help="functions listed (0: no profile, timing only)")
    parser.add_argument("--stream", action="store_true", help="streamed chat instead of a JSON reply")
    return parser.parse_args(argv)


def environ(body: bytes, key: str) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/v1/chat/completions", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "3000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_HOST": "127.0.0.1:3000", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0)}


def call(app, body: bytes, key: str) -> None:
    statuses = []
    chunks = app(environ(body, key), lambda status, headers, exc_info=None: statuses.append(status))
    for _ in chunks:
        pass
    if hasattr(chunks, "close"):
        chunks.close()
    if not statuses[0].startswith("200"):
        raise SystemExit(f"the gateway answered {statuses[0]}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from app import create_app
    from app.schema import upgrade_databases

    body = STREAM if args.stream else CHAT
    with tempfile.TemporaryDirectory(prefix="tollgate-profile-") as workdir, Processes() as processes:
        mock = start_mock(processes, Path(workdir))
        with configs.environment(args.config, Path(workdir)) as settings:
            app = create_app(settings)
            upgrade_databases(app)
            key = configs.seed(settings, mock.url)
            for _ in range(200):  # warm: caches, pools, tokenizer
                call(app, body, key)
            profiler = cProfile.Profile(time.process_time) if args.top else None
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            for _ in range(args.requests):
                call(app, body, key)
            if profiler:
                profiler.disable()
            cpu_ms = (time.process_time() - started_cpu) * 1000 / args.requests
            wall_ms = (time.perf_counter() - started_wall) * 1000 / args.requests
            label = "stream" if args.stream else "chat"
            print(f"PROFILE config={args.config} scenario={label} requests={args.requests} "
                  f"cpu_ms_per_request={cpu_ms:.3f} wall_ms_per_request={wall_ms:.3f} profiled={bool(profiler)}")
            if profiler:
                for order in ("cumulative", "tottime"):
                    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(order)
                    stats.print_stats(args.top)


if __name__ == "__main__":
    main()
