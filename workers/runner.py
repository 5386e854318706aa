"""The embedded mode's clock: without Redis there is no Celery worker or beat, so one process of the
server runs the schedule's tasks itself, each on its own timer thread.

``start_embedded_jobs(app)`` is meant for every Gunicorn worker (``post_worker_init``), after fork,
with the worker's own app. A lock file next to the SQLite database elects one of them; the others
keep trying every LOCK_RETRY_SECONDS, so when the holder dies (the OS drops its lock) another worker
takes the jobs over. The threads are plain ``threading`` ones: under gevent's patching they are
greenlets, and their sleeps yield to the relay's requests.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

from flask import Flask

import workers.balances  # noqa: F401  the imports register the tasks the schedule names
import workers.channel_tests  # noqa: F401
import workers.logs  # noqa: F401
import workers.quota  # noqa: F401
from workers.schedule import beat_schedule

log = logging.getLogger(__name__)

LOCK_FILE_NAME = ".tollgate-jobs.lock"
LOCK_RETRY_SECONDS = 30.0


class EmbeddedJobs:
    """The running timers of one process; ``stop()`` ends them at their next wake-up."""

    def __init__(self, app: Flask, schedule: dict[str, dict], lock_path: Path | None,
                 retry_seconds: float) -> None:
        self.app = app
        self.schedule = schedule
        self.lock_path = lock_path
        self.retry_seconds = retry_seconds
        self.stopping = threading.Event()
        self.elected = threading.Event()  # set once this process holds the lock and runs the jobs
        self.threads: list[threading.Thread] = []
        self._lock_file = None

    def start(self) -> "EmbeddedJobs":
        if self._take_lock():
            self._start_jobs()
        else:
            log.info("Another process runs the periodic jobs; this one stands by")
            self._spawn("jobs-standby", self._stand_by)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        for thread in list(self.threads):
            if thread is not threading.current_thread():
                thread.join(timeout)
        if self._lock_file is not None:
            self._lock_file.close()  # releases the flock
            self._lock_file = None

    def _take_lock(self) -> bool:
        if self.lock_path is None:
            return True
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.lock_path, "a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # never blocks the gevent hub
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._lock_file = handle
        return True

    def _stand_by(self) -> None:
        while not self.stopping.wait(self.retry_seconds):
            if self._take_lock():
                log.info("Process %s took over the periodic jobs", os.getpid())
                self._start_jobs()
                return

    def _start_jobs(self) -> None:
        self.elected.set()
        celery = self.app.extensions["celery"]
        for name, entry in self.schedule.items():
            task = celery.tasks[entry["task"]]
            self._spawn(f"job-{name}", run_every, self.app, name, float(entry["schedule"]), task.run, self.stopping)
        log.info("Running the periodic jobs in process %s: %s", os.getpid(), ", ".join(self.schedule) or "none")

    def _spawn(self, name: str, target: Callable, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self.threads.append(thread)
        thread.start()


def start_embedded_jobs(app: Flask, *, schedule: dict[str, dict] | None = None,
                        lock_path: Path | str | None = "default",
                        retry_seconds: float = LOCK_RETRY_SECONDS) -> EmbeddedJobs:
    """Run ``schedule`` (default: ``beat_schedule`` of the app's config) on timers in this process,
    provided it wins the lock file (default: next to the SQLite database; None: no lock)."""
    config = app.config["TOLLGATE"]
    if schedule is None:
        schedule = beat_schedule(config)
    if lock_path == "default":
        lock_path = default_lock_path(config)
    jobs = EmbeddedJobs(app, schedule, Path(lock_path) if lock_path else None, retry_seconds)
    # Held by the app: were the object collected, its lock file would close and free the election.
    app.extensions["tollgate.embedded_jobs"] = jobs
    return jobs.start()


def default_lock_path(config) -> Path:
    """The data directory is where the SQLite file lives (data/ by default), also with SQL_DSN set."""
    return Path(config.sqlite_path).resolve().parent / LOCK_FILE_NAME


def run_every(app: Flask, name: str, interval: float, job: Callable[[], object],
              stopping: threading.Event) -> None:
    """Sleep ``interval`` seconds, run ``job`` in an app context, repeat until ``stopping`` is set.

    A failing run is logged and the next one happens on time: a timer must not die with its job.
    """
    while not stopping.wait(interval):
        started = time.monotonic()
        try:
            with app.app_context():
                result = job()
        except Exception:
            log.exception("Periodic job %s failed", name)
            continue
        log.debug("Periodic job %s took %.2fs: %s", name, time.monotonic() - started, result)
