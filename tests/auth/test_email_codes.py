"""One-time email codes without Redis: every worker sees them, and each is used once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from app.auth import email_codes
from tests.conftest import build_app, dispose


def test_a_code_issued_by_one_worker_is_used_up_by_another(empty_database):
    # Two apps on one database stand for two Gunicorn workers (or two nodes) with no Redis.
    first, second = build_app(empty_database), build_app(empty_database)
    with first.app_context():
        code = email_codes.issue(email_codes.VERIFY, "Ann@Example.com")
    with second.app_context():
        assert email_codes.matches(email_codes.VERIFY, "ann@example.com", code.lower())
        assert email_codes.consume(email_codes.VERIFY, "ann@example.com", code)
        assert not email_codes.consume(email_codes.VERIFY, "ann@example.com", code)
    dispose(first)
    dispose(second)


def test_concurrent_consumers_of_one_code_get_exactly_one_success(empty_database):
    app = build_app(empty_database)
    with app.app_context():
        token = email_codes.issue(email_codes.RESET, "bob@example.com")

    def consume(_):
        with app.app_context():
            return email_codes.consume(email_codes.RESET, "bob@example.com", token)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(consume, range(20)))
    assert results.count(True) == 1
    dispose(app)
