"""The real server: `python -m app.server` under Gunicorn with gevent workers, on the embedded default."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_status(url: str, process: subprocess.Popen, deadline: float) -> dict:
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited during start-up"
        try:
            return requests.get(url, timeout=1).json()
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError("the server did not answer /api/status in time")


def test_first_start_serves_status_and_root_logs_in_with_the_printed_password(tmp_path):
    port = _free_port()
    log_dir = tmp_path / "logs"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SQL_", "REDIS_", "INITIAL_"))}
    env.update(SQLITE_PATH=str(tmp_path / "data" / "tollgate.db"), PORT=str(port))
    output = tmp_path / "server.out"
    with output.open("w") as sink:
        process = subprocess.Popen([sys.executable, "-m", "app.server", "--log-dir", str(log_dir)],
                                   cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        status = _wait_for_status(f"http://127.0.0.1:{port}/api/status", process, time.monotonic() + 60)
        assert status["success"] is True
        password = re.search(r"Password: (\S+)", output.read_text()).group(1)
        session = requests.Session()
        login = session.post(f"http://127.0.0.1:{port}/api/user/login",
                             json={"username": "root", "password": password}, timeout=5).json()
        assert login["success"] and login["data"]["role"] == 100
        assert session.get(f"http://127.0.0.1:{port}/api/user/self", timeout=5).json()["data"]["username"] == "root"
        session.close()
        assert "Password:" in "".join(path.read_text() for path in log_dir.glob("tollgate.log*"))
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert output.read_text().count("Password:") == 1


def test_a_slave_node_never_migrates_or_creates_root(tmp_path):
    from app.config import Config
    from app.server import prepare

    database = tmp_path / "slave.db"
    prepare(Config.from_env({"NODE_TYPE": "slave", "SQLITE_PATH": str(database), "SESSION_SECRET": "x"}))
    assert not database.exists() or database.stat().st_size == 0
