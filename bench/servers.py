"""The processes under test: the mock upstream and the gateway under Gunicorn, each in its own session.

`Processes` owns every process the bench starts and ends each one's whole session on exit, on
Ctrl-C and on an exception alike. `Target` is what a scenario is pointed at: a URL, the pid whose
process tree is measured, and the key to send.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHUNK_COUNT = 20
CHUNK_INTERVAL = 0.005
STARTUP_SECONDS = 90  # the master migrates an empty database before it binds


class StartupError(RuntimeError):
    """A server did not come up; the message carries the tail of its log."""


@dataclass(frozen=True)
class Target:
    name: str  # "direct" (the mock alone), "embedded" or "production"
    url: str  # base URL without /v1
    pid: int  # root of the measured process tree (the mock, or the Gunicorn master)
    api_key: str
    is_gateway: bool


class Processes:
    """Every process the bench started; leaving the `with` block ends them all, newest first."""

    def __init__(self) -> None:
        self._running: list[subprocess.Popen] = []

    def __enter__(self) -> "Processes":
        return self

    def __exit__(self, *exc_info: object) -> None:
        for process in reversed(list(self._running)):
            self.stop(process)

    def start(self, argv: list[str], log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
        with open(log_path, "ab") as log:
            # A session of its own: Ctrl-C reaches only the bench, which then ends the whole group itself.
            process = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self._running.append(process)
        return process

    def run(self, argv: list[str], timeout: float) -> tuple[int, str, str]:
        """Run a load generator to completion; returns (exit code, stdout, stderr)."""
        process = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        self._running.append(process)
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        finally:
            self.stop(process)
        return process.returncode, stdout, stderr

    def stop(self, process: subprocess.Popen, grace: float = 10.0) -> None:
        if process in self._running:
            self._running.remove(process)
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # Also after the leader exits: a Gunicorn worker can outlive its master for a moment.
        _signal_group(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.wait(timeout=5)


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _log_tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until(is_ready, process: subprocess.Popen, log_path: Path, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartupError(f"{what} exited with code {process.returncode}; log {log_path}:\n{_log_tail(log_path)}")
        if is_ready():
            return
        time.sleep(0.1)
    raise StartupError(f"{what} did not answer within {seconds:.0f} s; log {log_path}:\n{_log_tail(log_path)}")


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_mock(processes: Processes, workdir: Path, chunk_count: int = CHUNK_COUNT,
               chunk_interval: float = CHUNK_INTERVAL) -> Target:
    """The mock upstream in its own process, so it never shares a GIL with a load generator."""
    port = free_port()
    log_path = workdir / "mock.log"
    argv = [PYTHON, "-m", "tests.mock_upstream", "--port", str(port), "--chunk-count", str(chunk_count),
            "--chunk-interval", str(chunk_interval)]
    process = processes.start(argv, log_path)
    _wait_until(lambda: _accepts(port), process, log_path, "the mock upstream", 30)
    return Target("direct", f"http://127.0.0.1:{port}", process.pid, "sk-direct", is_gateway=False)


def start_gateway(processes: Processes, workdir: Path, name: str, settings: dict[str, str],
                  workers: int | None) -> tuple[subprocess.Popen, str]:
    """Gunicorn with gevent workers as deployed (gunicorn.conf.py), bound to loopback only."""
    port = free_port()
    log_path = workdir / f"gateway-{name}.log"
    env = {**os.environ, **settings, "PORT": str(port)}
    argv = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}"]
    if workers:
        argv += ["-w", str(workers)]
    process = processes.start(argv + ["wsgi:app"], log_path, env)
    url = f"http://127.0.0.1:{port}"
    _wait_until(lambda: _answers(f"{url}/api/status"), process, log_path, f"the gateway ({name})",
                STARTUP_SECONDS)
    return process, url
