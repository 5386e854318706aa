"""First start: root exists with a password nobody else knows, and the initial keys are honoured."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select

from app import create_app
from app.auth.passwords import verify_password
from app.bootstrap import ROOT_QUOTA, ensure_root_account
from app.extensions import db
from app.models import Token, User
from app.schema import upgrade_databases
from tests.conftest import dispose


def _fresh_app(settings, **extra):
    app = create_app({**settings, **extra})
    upgrade_databases(app)
    return app


def test_root_gets_a_random_password_logged_once(empty_database, caplog):
    app = _fresh_app(empty_database)
    with app.app_context(), caplog.at_level(logging.WARNING):
        assert ensure_root_account(app.config["TOLLGATE"]) is True
        assert ensure_root_account(app.config["TOLLGATE"]) is False
        root = db.session.execute(select(User)).scalar_one()
    shown = [record.getMessage() for record in caplog.records if "Password:" in record.getMessage()]
    assert len(shown) == 1
    password = re.search(r"Password: (\S+)", shown[0]).group(1)
    assert len(password) >= 12 and password != "123456"
    assert verify_password(password, root.password)
    assert (root.username, root.role, root.status, root.quota) == ("root", 100, 1, ROOT_QUOTA)
    assert len(root.access_token) == 32 and root.aff_code
    dispose(app)


def test_initial_password_and_keys_are_honoured(tmp_path):
    app = _fresh_app({"SQLITE_PATH": str(tmp_path / "t.db")}, INITIAL_ROOT_PASSWORD="s3cret-pass",
                     INITIAL_ROOT_TOKEN="sk-" + "T" * 48, INITIAL_ROOT_ACCESS_TOKEN="A" * 32)
    with app.app_context():
        ensure_root_account(app.config["TOLLGATE"])
        root = db.session.execute(select(User)).scalar_one()
        token = db.session.execute(select(Token)).scalar_one()
    assert verify_password("s3cret-pass", root.password)
    assert root.access_token == "A" * 32
    assert (token.key, token.name, token.user_id) == ("T" * 48, "Initial Root Token", root.id)
    assert token.unlimited_quota and token.expired_time == -1 and token.remain_quota == ROOT_QUOTA
    dispose(app)


def test_existing_users_mean_no_bootstrap(app):
    with app.app_context():
        assert ensure_root_account(app.config["TOLLGATE"]) is False
        assert db.session.query(User).count() == 1
