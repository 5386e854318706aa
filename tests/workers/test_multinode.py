"""Two gateway nodes (Gunicorn, gevent workers) share PostgreSQL and Redis with batched quota writes;
a real Celery worker and beat flush the Redis ledger. Every quota unit is accounted for exactly, also
when the worker is SIGKILLed in the middle of a flush, and admin changes cross nodes within a second."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest
import redis as redis_lib
import requests
from sqlalchemy.engine import make_url

from app.billing.ledger_redis import INFLIGHT, PENDING, PENDING_LOGS, WATERMARK_OPTION
from tests import databases
from tests.conftest import ROOT_PASSWORD, build_app, dispose, require_service
from tests.relay.conftest import make_setup
from tests.workers.cluster import celery_beat, celery_worker, gateway, wait_until

CLUSTER_REDIS = "redis://127.0.0.1:6379/9"
PROMPT = [{"role": "user", "content": "Say something about quotas."}]


class Cluster:
    def __init__(self, dsn: str, env: dict, log_dir: Path, setup, app, master: str, slave: str) -> None:
        self.dsn, self.env, self.log_dir = dsn, env, log_dir
        self.setup, self.app, self.master, self.slave = setup, app, master, slave
        self.redis = redis_lib.Redis.from_url(CLUSTER_REDIS)
        self.worker = None
        self.processes = []
        self.start = self.balances()

    def balances(self) -> dict:
        return self.setup.balances()

    def send(self, count: int, in_flight: int) -> list[int]:
        """``count`` chat calls (every fifth streamed), alternating between the two nodes."""
        urls = [self.master, self.slave]
        with ThreadPoolExecutor(in_flight) as pool:
            return list(pool.map(lambda i: call(urls[i % 2], self.setup.key, stream=i % 5 == 0), range(count)))

    def drained(self) -> bool:
        return not any(self.redis.exists(key) for key in (PENDING, PENDING_LOGS, INFLIGHT))

    def restart_worker(self) -> None:
        self.worker = celery_worker(self.env, self.log_dir)
        self.processes.append(self.worker)


def call(url: str, key: str, *, stream: bool) -> int:
    body = {"model": "gpt-4o-mini", "messages": PROMPT, "stream": stream}
    if stream:
        body["stream_options"] = {"include_usage": True}
    with requests.post(f"{url}/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"},
                       timeout=60, stream=stream) as response:
        for _ in response.iter_content(chunk_size=None):
            pass
        return response.status_code


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, mock_upstream_server):
    require_service("postgresql")
    require_service("redis")
    log_dir = tmp_path_factory.mktemp("cluster")
    dsn = databases.create_database("postgresql")
    redis_lib.Redis.from_url(CLUSTER_REDIS).flushdb()
    env = {"SQL_DSN": dsn, "LOG_SQL_DSN": "", "REDIS_CONN_STRING": CLUSTER_REDIS, "BATCH_UPDATE_ENABLED": "true",
           "BATCH_UPDATE_INTERVAL": "1", "SESSION_SECRET": "cluster-secret", "INITIAL_ROOT_PASSWORD": ROOT_PASSWORD}
    app = build_app(env)  # migrated once here; the master's start-up finds nothing to do
    processes = []
    try:
        master, master_url = gateway("master", env, log_dir)
        processes.append(master)
        slave, slave_url = gateway("slave", {**env, "NODE_TYPE": "slave",
                                             "FRONTEND_BASE_URL": "https://console.example.com"}, log_dir)
        processes.append(slave)
        setup = make_setup(app, master_url, mock_upstream_server.url, user_quota=50_000_000,
                           token_quota=50_000_000, models="gpt-4o-mini")
        result = Cluster(dsn, env, log_dir, setup, app, master_url, slave_url)
        result.processes = processes
        result.restart_worker()
        processes.append(celery_beat(env, log_dir))
        yield result
    finally:
        for process in processes:
            process.stop()
        for process in processes:
            print(f"----- {process.name} -----\n{process.output()[-4000:]}")
        dispose(app)
        databases.drop_database("postgresql", dsn)
        redis_lib.Redis.from_url(CLUSTER_REDIS).flushdb()


def assert_exact(cluster: Cluster, calls: int) -> None:
    """Every unit the logs charged left the user and the key and reached the channel: nothing lost or doubled."""
    now, start = cluster.balances(), cluster.start
    charged = now["log_quota"] - start["log_quota"]
    assert now["log_count"] - start["log_count"] == calls
    assert now["requests"] - start["requests"] == calls
    assert charged > 0
    assert start["user_quota"] - now["user_quota"] == charged
    assert now["user_used"] - start["user_used"] == charged
    assert start["token_remain"] - now["token_remain"] == charged
    assert now["token_used"] - start["token_used"] == charged
    assert now["channel_used"] - start["channel_used"] == charged


def test_two_nodes_take_500_requests_and_the_flushed_ledger_matches_the_logs_exactly(cluster):
    statuses = cluster.send(500, in_flight=100)
    assert statuses.count(200) == 500, {status: statuses.count(status) for status in set(statuses)}
    wait_until(lambda: cluster.drained() and cluster.balances()["log_count"] - cluster.start["log_count"] == 500,
               timeout=60, what="the worker to flush every batch", process=cluster.worker)
    assert_exact(cluster, 500)


def test_a_worker_killed_mid_flush_loses_nothing_and_applies_nothing_twice(cluster):
    before = cluster.balances()["log_count"]
    blocker = psycopg2.connect(**_connect_args(cluster.dsn))
    try:
        # Hold the row every flush claims first: the next flush takes its batch out of the pending queue,
        # opens its transaction and waits here — squarely in the middle of a flush.
        with blocker.cursor() as cursor:
            cursor.execute("SELECT value FROM options WHERE key = %s FOR UPDATE", (WATERMARK_OPTION,))
        statuses = cluster.send(100, in_flight=50)
        assert statuses.count(200) == 100
        wait_until(lambda: _flush_is_waiting(cluster.dsn) and cluster.redis.exists(INFLIGHT), timeout=30,
                   what="a flush to block on the claimed row", process=cluster.worker)
        cluster.worker.kill()
    finally:
        blocker.rollback()
        blocker.close()
    time.sleep(0.5)
    assert cluster.balances()["log_count"] == before, "the killed flush must not have committed"
    assert cluster.redis.exists(INFLIGHT), "the killed flush's batch is still waiting in Redis"

    cluster.restart_worker()
    # The dead worker's flush lock expires first (LOCK_TTL_MS), then the new worker re-applies the batch.
    wait_until(lambda: cluster.drained() and cluster.balances()["log_count"] - before == 100, timeout=60,
               what="the restarted worker to apply the stranded batch", process=cluster.worker)
    total = cluster.balances()["log_count"] - cluster.start["log_count"]
    assert_exact(cluster, total)


def test_a_key_revoked_on_one_node_is_refused_by_the_other_within_a_second(cluster):
    client = cluster.app.test_client()
    with cluster.app.app_context():
        from tests import factories

        user = factories.make_user(quota=1_000_000)
        token, key = factories.make_token(user, remain_quota=1_000_000)
        username, token_id = user.username, token.id
    assert all(call(cluster.slave, key, stream=False) == 200 for _ in range(8))  # cached in the slave's workers
    session = requests.Session()
    assert session.post(f"{cluster.master}/api/user/login",
                        json={"username": username, "password": "password123"}).json()["success"]
    assert session.delete(f"{cluster.master}/api/token/{token_id}").json()["success"]
    revoked_at = time.monotonic()
    wait_until(lambda: all(call(cluster.slave, key, stream=False) == 401 for _ in range(4)), timeout=5,
               what="the slave to refuse the revoked key", interval=0.02)
    assert time.monotonic() - revoked_at < 1.0
    del client


def test_the_slave_serves_the_api_and_relay_but_sends_pages_to_the_frontend(cluster):
    page = requests.get(f"{cluster.slave}/login", allow_redirects=False, timeout=5)
    assert page.status_code == 301
    assert page.headers["Location"] == "https://console.example.com/login"
    assert requests.get(f"{cluster.slave}/api/status", timeout=5).json()["success"]
    assert requests.get(f"{cluster.master}/login", allow_redirects=False, timeout=5).status_code == 200


def _flush_is_waiting(dsn: str) -> bool:
    # Its own connection: inside the blocker's transaction PostgreSQL would answer from a snapshot of
    # pg_stat_activity taken at the first look, and never see the flush arrive.
    watcher = psycopg2.connect(**_connect_args(dsn))
    try:
        with watcher.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                           "AND query ILIKE 'UPDATE options%%'")
            return cursor.fetchone()[0] > 0
    finally:
        watcher.close()


def _connect_args(dsn: str) -> dict:
    url = make_url(dsn)
    return {"host": url.host, "port": url.port or 5432, "user": url.username, "dbname": url.database}
