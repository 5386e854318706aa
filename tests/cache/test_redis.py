"""The Redis connection: used for real when REDIS_CONN_STRING is set, absent in the embedded mode."""

from app import create_app
from app.cache import redis_client


def test_configured_redis_is_reachable_through_the_app(tmp_path, redis_url):
    app = create_app({"SQLITE_PATH": str(tmp_path / "t.db"), "REDIS_CONN_STRING": redis_url})
    with app.app_context():
        client = redis_client()
        assert client.ping()
        client.set("tollgate:probe", "1", ex=5)
        assert client.get("tollgate:probe") == b"1"
    celery = app.extensions["celery"]
    assert celery.conf.broker_url == redis_url and not celery.conf.task_always_eager


def test_embedded_mode_has_no_redis_and_runs_jobs_in_process(app):
    with app.app_context():
        assert redis_client() is None
    assert app.extensions["celery"].conf.task_always_eager
