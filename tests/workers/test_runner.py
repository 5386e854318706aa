"""The embedded mode's timers: jobs repeat, survive failures, and run in one process only."""

from __future__ import annotations

import threading
import time

from app.extensions import db
from app.models import Log, Option
from workers.runner import default_lock_path, run_every, start_embedded_jobs

DAY = 86_400


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_a_job_repeats_and_survives_an_exception(app, caplog):
    calls, contexts, stopping = [], [], threading.Event()

    def job():
        from flask import current_app

        contexts.append(current_app._get_current_object())
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise RuntimeError("upstream exploded")

    thread = threading.Thread(target=run_every, args=(app, "flaky", 0.01, job, stopping), daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: len(calls) >= 4)
    finally:
        stopping.set()
        thread.join(2)
    assert not thread.is_alive()
    assert set(contexts) == {app}
    assert "Periodic job flaky failed" in caplog.text and "upstream exploded" in caplog.text


def test_the_embedded_runner_runs_the_real_task_on_its_timer(app, tmp_path):
    with app.app_context():
        db.session.add(Log(user_id=1, created_at=int(time.time()) - 10 * DAY, type=2, content="old"))
        db.session.merge(Option(key="LogRetentionDays", value="1"))
        db.session.commit()
    schedule = {"purge-old-logs": {"task": "workers.logs.purge_old_logs", "schedule": 0.02}}
    jobs = start_embedded_jobs(app, schedule=schedule, lock_path=tmp_path / "jobs.lock")

    def purged() -> bool:
        with app.app_context():
            return db.session.query(Log).count() == 0

    try:
        assert jobs.elected.is_set()
        assert wait_until(purged)
    finally:
        jobs.stop()
    assert all(not thread.is_alive() for thread in jobs.threads)


def test_only_the_lock_holder_runs_the_jobs_and_a_stand_by_takes_over(app, tmp_path):
    lock = tmp_path / "jobs.lock"
    first = start_embedded_jobs(app, schedule={}, lock_path=lock, retry_seconds=0.02)
    second = start_embedded_jobs(app, schedule={}, lock_path=lock, retry_seconds=0.02)
    try:
        assert first.elected.is_set() and not second.elected.is_set()
        time.sleep(0.1)
        assert not second.elected.is_set()  # still standing by while the holder lives
        first.stop()  # as when the holding worker dies: the OS releases its flock
        assert second.elected.wait(2)
    finally:
        first.stop()
        second.stop()


def test_the_default_lock_lives_next_to_the_sqlite_database(app, tmp_path):
    assert default_lock_path(app.config["TOLLGATE"]) == tmp_path.resolve() / ".tollgate-jobs.lock"


def test_the_holder_keeps_its_lock_though_gunicorns_hook_drops_the_returned_object(app, tmp_path):
    import gc

    from tests.conftest import build_app, dispose

    lock = tmp_path / "jobs.lock"
    start_embedded_jobs(app, schedule={}, lock_path=lock)  # post_worker_init ignores the result
    gc.collect()
    other_worker = build_app({"SQLITE_PATH": str(tmp_path / "t.db")})
    second = start_embedded_jobs(other_worker, schedule={}, lock_path=lock, retry_seconds=10)
    try:
        assert not second.elected.is_set(), "the first worker's lock must outlive the dropped object"
    finally:
        second.stop()
        app.extensions["tollgate.embedded_jobs"].stop()
        dispose(other_worker)
