"""/api/openapi.json documents every management route, and schemathesis finds no server error in any."""

from __future__ import annotations

import re

import schemathesis
from hypothesis import HealthCheck, given, settings

from app.extensions import db
from app.models import User


# Operations that would end the run's own identity: root deleting itself, or rotating its access token.
SKIPPED = {("DELETE", "/api/user/self"), ("GET", "/api/user/token"), ("GET", "/api/user/logout")}


def _api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_document_describes_every_route_with_its_access_level(client, app):
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert _api_routes(app) - documented == set()
    for operations in document["paths"].values():
        for operation in operations.values():
            assert operation["summary"] and operation["x-access-level"] in ("public", "user", "admin", "root")


def test_no_input_makes_a_server_error(app):
    """Schemathesis generates requests from the document, valid and not, for every operation, as root."""
    with app.app_context():
        token = db.session.get(User, 1).access_token
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case):
            response = case.call(headers={"Authorization": token})
            if response.status_code >= 500:
                failures.append((case.method, case.path, case.formatted_path, response.text[:200]))

        call()
    assert failures == []
