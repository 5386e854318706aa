"""Who gets what: every /api route, called by each kind of caller, answers by its declared access level."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import User
from app.models.user import ROLE_ADMIN, ROLE_COMMON
from tests import factories

LEVEL_RANK = {"public": 0, "user": 1, "admin": 2, "root": 3}
CALLER_RANK = {"anonymous": 0, "common": 1, "admin": 2, "root": 3}
# Routes whose side effects would end the caller's own session or start background work.
SKIPPED = {"/api/user/self": {"DELETE"}, "/api/user/logout": {"GET"}, "/api/user/token": {"GET"}}


def _routes(app) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        level = getattr(app.view_functions[rule.endpoint], "access_level", None)
        path = re.sub(r"<(?:\w+:)?\w+>", "nothing", re.sub(r"<int:\w+>", "999999", rule.rule))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method not in SKIPPED.get(rule.rule, set()):
                found.append((method, path, level))
    return found


def test_every_api_route_declares_an_access_level(app):
    undeclared = [(method, path) for method, path, level in _routes(app) if level not in LEVEL_RANK]
    assert undeclared == []


@pytest.fixture
def callers(app):
    """Clients for each kind of caller, logged in by session; root also by access token."""
    with app.app_context():
        common = factories.make_user(role=ROLE_COMMON, username="matrix_user")
        admin = factories.make_user(role=ROLE_ADMIN, username="matrix_admin")
        root_token = db.session.get(User, 1).access_token
    clients = {"anonymous": app.test_client()}
    for name, username in (("common", "matrix_user"), ("admin", "matrix_admin")):
        clients[name] = app.test_client()
        assert clients[name].post("/api/user/login", json={"username": username, "password": "password123"}).json["success"]
    clients["root"] = app.test_client()
    clients["root"].environ_base["HTTP_AUTHORIZATION"] = root_token
    del common, admin
    return clients


@pytest.mark.parametrize("caller", list(CALLER_RANK))
def test_each_caller_is_admitted_or_refused_by_level(app, callers, caller):
    client = callers[caller]
    wrong = []
    for method, path, level in _routes(app):
        response = client.open(path, method=method, json={})
        status = response.status_code
        if status >= 500:
            wrong.append((method, path, status, "server error"))
            continue
        admitted = CALLER_RANK[caller] >= LEVEL_RANK[level]
        if admitted and status in (401, 403):
            wrong.append((method, path, status, f"{caller} refused from a {level} route"))
        if not admitted and status not in (401, 403):
            wrong.append((method, path, status, f"{caller} admitted to a {level} route"))
        if not admitted:
            expected = 401 if caller == "anonymous" else 403
            if status != expected:
                wrong.append((method, path, status, f"expected {expected}"))
    assert wrong == []
