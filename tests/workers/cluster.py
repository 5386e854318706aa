"""Real processes for the many-node tests: Gunicorn gateways, a Celery worker and Celery beat."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """A child process with its output in a file, printed when the test ends (pytest shows it on failure)."""

    def __init__(self, name: str, command: list[str], env: dict, log_dir: Path) -> None:
        self.name, self.command, self.env = name, command, env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Process":
        log_file = open(self.log_path, "a")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env={**os.environ, **self.env}, stdout=log_file,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log_file.close()
        return self

    def kill(self) -> None:
        """SIGKILL the whole process group: no handler runs, nothing is cleaned up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def gateway(name: str, env: dict, log_dir: Path) -> tuple[Process, str]:
    port = free_port()
    process = Process(name, [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                      {**env, "PORT": str(port), "LOG_DIR": str(log_dir / name)}, log_dir).start()
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _answers(url), timeout=40, what=f"{name} to serve", process=process)
    return process, url


def celery_worker(env: dict, log_dir: Path) -> Process:
    return Process("worker", [str(CELERY), "-A", "celery_app", "worker", "--pool=solo", "--concurrency=1",
                              "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
                   env, log_dir).start()


@contextmanager
def running_celery_worker(env: dict, log_dir: Path):
    """A Celery worker for the length of a test; its output is printed at the end (shown on failure)."""
    worker = celery_worker(env, log_dir)
    try:
        yield worker.process
    finally:
        worker.stop()
        print(worker.output())


def celery_beat(env: dict, log_dir: Path) -> Process:
    return Process("beat", [str(CELERY), "-A", "celery_app", "beat", "--loglevel=INFO",
                            "--schedule", str(log_dir / "beat-schedule")], env, log_dir).start()


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/api/status", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_until(check, *, timeout: float, what: str, process: Process | None = None, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if process is not None and process.process.poll() is not None:
            raise AssertionError(f"{process.name} exited while waiting for {what}:\n{process.output()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
