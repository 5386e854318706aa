"""Without SESSION_SECRET, every worker of a node signs cookies with one key kept in the data directory:
a login made on one Gunicorn worker holds on the next, and across a restart."""

from app import create_app
from tests.conftest import ROOT_PASSWORD, build_app, dispose


def test_a_cookie_signed_by_one_worker_is_accepted_by_another(tmp_path):
    settings = {"SQLITE_PATH": str(tmp_path / "t.db"), "SESSION_SECRET": ""}
    first = build_app(settings)
    second = create_app(settings)  # another worker (or the same node after a restart)
    try:
        client = first.test_client()
        assert client.post("/api/user/login", json={"username": "root", "password": ROOT_PASSWORD}).json["success"]
        cookie = client.get_cookie("session")
        other = second.test_client()
        other.set_cookie("session", cookie.value)
        reply = other.get("/api/user/self")
        assert reply.status_code == 200 and reply.json["data"]["username"] == "root"
        assert (tmp_path / "session.secret").stat().st_mode & 0o777 == 0o600
    finally:
        dispose(first)
        dispose(second)


def test_an_explicit_secret_is_used_as_given_and_no_file_is_written(tmp_path):
    app = build_app({"SQLITE_PATH": str(tmp_path / "t.db"), "SESSION_SECRET": "a-long-explicit-secret-value"})
    dispose(app)
    assert app.config["SECRET_KEY"] == "a-long-explicit-secret-value"
    assert not (tmp_path / "session.secret").exists()
