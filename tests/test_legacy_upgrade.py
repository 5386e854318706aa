"""Adopting a One API database in place: its tables, laid out by GORM, upgrade with every row intact."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.schema import upgrade_databases
from tests.conftest import dispose

FIXTURES = Path(__file__).parent / "fixtures" / "oneapi_schema"

# What a One API (Go bcrypt, cost 10) stored for the password "legacy-pass-123".
GO_BCRYPT_HASH = "$2a$10$0WX0KfuzJFGsrmJ59N2Ah.JiyYgt0Z2E0H4mGskKkNAABvGPgIl6u"

ROWS = {
    "users": [
        {"id": 1, "username": "root", "password": GO_BCRYPT_HASH, "display_name": "Root User", "role": 100,
         "status": 1, "access_token": "a" * 32, "quota": 500000000000000, "used_quota": 1234,
         "request_count": 7, "group": "default", "aff_code": "AbCd"},
        {"id": 2, "username": "alice", "password": GO_BCRYPT_HASH, "display_name": "Alice", "role": 1,
         "status": 2, "email": "alice@example.com", "access_token": "b" * 32, "quota": 42, "group": "vip",
         "aff_code": "EfGh", "inviter_id": 1},
    ],
    "tokens": [{"id": 1, "user_id": 2, "key": "k" * 48, "status": 1, "name": "alice key", "created_time": 1700000000,
                "accessed_time": 1700000100, "expired_time": -1, "remain_quota": 500, "unlimited_quota": False,
                "used_quota": 77, "models": "gpt-4o-mini,gpt-4o", "subnet": "10.0.0.0/8"}],
    "channels": [{"id": 3, "type": 1, "key": "sk-upstream", "status": 3, "name": "openai main", "weight": 5,
                  "created_time": 1700000000, "base_url": "", "balance": 12.5, "models": "gpt-4o-mini,gpt-4o",
                  "group": "default,vip", "used_quota": 99, "model_mapping": '{"gpt-4":"gpt-4o"}',
                  "priority": 10, "config": '{"region":""}', "system_prompt": "Be brief."}],
    "abilities": [{"group": "default", "model": "gpt-4o", "channel_id": 3, "enabled": False, "priority": 10},
                  {"group": "vip", "model": "gpt-4o-mini", "channel_id": 3, "enabled": False, "priority": 10}],
    "redemptions": [{"id": 1, "user_id": 1, "key": "r" * 32, "status": 3, "name": "promo", "quota": 100000,
                     "created_time": 1700000000, "redeemed_time": 1700000500}],
    "options": [{"key": "QuotaPerUnit", "value": "500000"}, {"key": "SystemName", "value": "Legacy Gateway"}],
    "logs": [{"id": 1, "user_id": 2, "created_at": 1700000200, "type": 2, "content": "倍率：0.08 × 1.00 × 4.00",
              "username": "alice", "token_name": "alice key", "model_name": "gpt-4o-mini", "quota": 77,
              "prompt_tokens": 10, "completion_tokens": 20, "channel_id": 3, "request_id": "2023111500001",
              "elapsed_time": 850, "is_stream": True, "system_prompt_reset": False}],
}


def _lay_out_one_api_schema(app, *, older_release: bool) -> None:
    with app.app_context():
        engine = db.engines[None]
        script = (FIXTURES / f"{engine.dialect.name}.sql").read_text()
        lines = [line for line in script.splitlines() if not line.startswith("--")]
        with engine.begin() as connection:
            for statement in filter(None, (part.strip() for part in "\n".join(lines).split(";"))):
                connection.exec_driver_sql(statement)
            if older_release:  # releases before per-channel system prompts and OIDC lacked these columns
                for statement in _older_release_changes(engine.dialect.name):
                    connection.exec_driver_sql(statement)
            metadata = sa.MetaData()
            metadata.reflect(connection)
            for table, rows in ROWS.items():
                present = {column.name for column in metadata.tables[table].columns}
                for row in rows:
                    connection.execute(metadata.tables[table].insert(), {k: v for k, v in row.items() if k in present})


def _older_release_changes(dialect: str) -> list[str]:
    # SQLite refuses to drop an indexed column, and MySQL drops the index with the column.
    drop_index = ["DROP INDEX idx_users_oidc_id"] if dialect != "mysql" else []
    return [*drop_index, "ALTER TABLE channels DROP COLUMN system_prompt", "ALTER TABLE users DROP COLUMN oidc_id"]


def _read_back(app) -> dict:
    with app.app_context():
        with db.engines[None].connect() as connection:
            metadata = sa.MetaData()
            metadata.reflect(connection)
            return {table: [dict(row._mapping) for row in connection.execute(
                sa.select(metadata.tables[table]).order_by(*metadata.tables[table].primary_key.columns))]
                for table in ROWS}


@pytest.mark.parametrize("older_release", [False, True], ids=["current", "older"])
def test_one_api_database_upgrades_with_rows_intact(empty_database, older_release):
    app = create_app(empty_database)
    _lay_out_one_api_schema(app, older_release=older_release)

    upgrade_databases(app)

    after = _read_back(app)
    for table, rows in ROWS.items():
        assert len(after[table]) == len(rows), table
        for expected, actual in zip(rows, after[table]):
            for column, value in expected.items():
                if older_release and column in ("system_prompt", "oidc_id"):
                    continue
                assert _normal(actual[column]) == _normal(value), (table, column)
    if older_release:
        assert after["channels"][0]["system_prompt"] is None and after["users"][0]["oidc_id"] is None
    dispose(app)


def test_adopted_database_serves_its_users(empty_database):
    app = create_app(empty_database)
    _lay_out_one_api_schema(app, older_release=False)
    upgrade_databases(app)
    client = app.test_client()

    assert client.get("/api/status").json["data"]["system_name"] == "Legacy Gateway"
    login = client.post("/api/user/login", json={"username": "root", "password": "legacy-pass-123"})
    assert login.json["success"] and login.json["data"]["role"] == 100
    banned = app.test_client().post("/api/user/login", json={"username": "alice", "password": "legacy-pass-123"})
    assert banned.json["success"] is False
    by_token = app.test_client().get("/api/user/self", headers={"Authorization": "a" * 32})
    assert by_token.json["data"]["used_quota"] == 1234
    dispose(app)


def _normal(value):
    # MySQL and SQLite hand booleans back as 0/1 and PostgreSQL decimals as floats; compare meaning.
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
