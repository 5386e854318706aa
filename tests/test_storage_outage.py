"""When the database cannot be reached, callers get a retryable 503 in their own error shape, never a 500."""

from app import create_app
from tests.workers.cluster import free_port


def unreachable_app():
    # Nothing listens on this port: every query fails to connect, as when the server is down or full.
    return create_app({"SQL_DSN": f"postgres://postgres@127.0.0.1:{free_port()}/tollgate",
                       "SESSION_SECRET": "test-secret"})


def test_the_relay_answers_503_in_the_openai_shape():
    response = unreachable_app().test_client().post(
        "/v1/chat/completions", headers={"Authorization": "Bearer sk-whatever"},
        json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})
    assert response.status_code == 503
    error = response.json["error"]
    assert error["type"] == "server_error" and error["code"] == "storage_unavailable"
    assert "retry" in error["message"]


def test_the_management_api_answers_503_in_its_envelope():
    response = unreachable_app().test_client().post("/api/user/login",
                                                    json={"username": "root", "password": "x"})
    assert response.status_code == 503
    assert response.json["success"] is False and "retry" in response.json["message"]
