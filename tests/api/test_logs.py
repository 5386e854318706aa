"""Log routes: filters, the caller's own logs, quota stats, search, batched purges, and the usage dashboard."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import event, func, insert, select

from app.api import logs as log_api
from app.extensions import db
from app.models import Log
from app.models.log import LOG_CONSUME, LOG_MANAGE, LOG_TOPUP
from app.models.user import ROLE_ADMIN, ROLE_COMMON
from tests import databases
from tests.conftest import build_app, dispose, require_service
from tests.factories import make_user

DAY = 86_400


def make_caller(app, role: int = ROLE_COMMON) -> tuple[int, dict]:
    """A user's id and the headers that authenticate as them."""
    with app.app_context():
        user = make_user(role=role)
        return user.id, {"Authorization": user.access_token}


def add_logs(app, *rows: dict) -> None:
    defaults = {"user_id": 1, "created_at": int(time.time()), "type": LOG_CONSUME, "content": "",
                "username": "root", "token_name": "", "model_name": "", "quota": 0, "channel_id": 0}
    with app.app_context():
        db.session.execute(insert(Log), [{**defaults, **row} for row in rows])
        db.session.commit()


def count_logs(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Log)).scalar()


def contents(response) -> set[str]:
    assert response.json["success"], response.json
    return {row["content"] for row in response.json["data"]}


FILTER_ROWS = (
    {"content": "a", "type": LOG_CONSUME, "created_at": 1000, "username": "alice", "token_name": "t1",
     "model_name": "gpt-4o", "channel_id": 1},
    {"content": "b", "type": LOG_TOPUP, "created_at": 2000, "username": "bob", "token_name": "t2",
     "model_name": "gpt-4o-mini", "channel_id": 2},
    {"content": "c", "type": LOG_CONSUME, "created_at": 3000, "username": "bob", "token_name": "t1",
     "model_name": "gpt-4o-mini", "channel_id": 2},
)


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"a", "b", "c"}),
    ("type=0", {"a", "b", "c"}),
    ("type=1", {"b"}),
    ("start_timestamp=2000", {"b", "c"}),
    ("end_timestamp=2000", {"a", "b"}),
    ("username=bob", {"b", "c"}),
    ("token_name=t1", {"a", "c"}),
    ("model_name=gpt-4o", {"a"}),
    ("channel=2", {"b", "c"}),
    ("type=2&username=bob&channel=2", {"c"}),
])
def test_log_list_filters_narrow_results(app, root_client, query, expected):
    add_logs(app, *FILTER_ROWS)
    assert contents(root_client.get(f"/api/log/?{query}")) == expected


def test_log_list_is_newest_first_and_paged(app, root_client):
    add_logs(app, *({"content": str(number)} for number in range(12)))
    first = root_client.get("/api/log/?p=0").json
    second = root_client.get("/api/log/?p=1").json
    assert [row["content"] for row in first["data"]] == [str(number) for number in range(11, 1, -1)]
    assert [row["content"] for row in second["data"]] == ["1", "0"]
    assert first["total"] == 12
    ids = [row["id"] for row in first["data"]]
    assert ids == sorted(ids, reverse=True) and all(ids)


def test_log_json_has_one_api_keys(app, root_client):
    add_logs(app, {"channel_id": 7, "request_id": "req-1", "elapsed_time": 1200, "is_stream": True})
    row = root_client.get("/api/log/").json["data"][0]
    assert set(row) == {"id", "user_id", "created_at", "type", "content", "username", "token_name", "model_name",
                        "quota", "prompt_tokens", "completion_tokens", "channel", "request_id", "elapsed_time",
                        "is_stream", "system_prompt_reset"}
    assert (row["channel"], row["request_id"], row["elapsed_time"], row["is_stream"]) == (7, "req-1", 1200, True)


@pytest.mark.parametrize("query", [
    "type=abc", "start_timestamp=1.5", "channel=-1", "end_timestamp=99999999999999999999999", "username=a%00b",
])
def test_log_list_rejects_bad_filters_without_server_error(root_client, query):
    response = root_client.get(f"/api/log/?{query}")
    assert response.status_code == 200
    assert response.json["success"] is False and "Invalid parameter" in response.json["message"]


def test_own_logs_show_only_the_callers_rows_without_ids(app, client):
    user_id, headers = make_caller(app)
    add_logs(app, {"user_id": user_id, "content": "mine", "model_name": "gpt-4o"},
             {"user_id": user_id, "content": "mine too", "model_name": "o1"},
             {"user_id": 1, "content": "root's", "username": "root"})
    response = client.get("/api/log/self?username=root", headers=headers)
    assert contents(response) == {"mine", "mine too"}
    assert {row["id"] for row in response.json["data"]} == {0}
    assert contents(client.get("/api/log/self?model_name=o1", headers=headers)) == {"mine too"}


def test_log_stat_sums_consume_logs_only(app, root_client):
    add_logs(app, {"quota": 10, "model_name": "x"}, {"quota": 20, "model_name": "y"},
             {"type": LOG_TOPUP, "quota": 1000}, {"type": LOG_MANAGE, "quota": 5})
    assert root_client.get("/api/log/stat").json["data"] == {"quota": 30}
    assert root_client.get("/api/log/stat?type=1").json["data"] == {"quota": 30}  # type is ignored
    assert root_client.get("/api/log/stat?model_name=x").json["data"] == {"quota": 10}
    assert root_client.get("/api/log/stat?username=nobody").json["data"] == {"quota": 0}


def test_own_log_stat_counts_only_the_callers_consume_logs(app, client):
    user_id, headers = make_caller(app)
    add_logs(app, {"user_id": user_id, "quota": 7}, {"user_id": user_id, "quota": 3, "token_name": "k"},
             {"user_id": user_id, "type": LOG_TOPUP, "quota": 500}, {"user_id": 1, "quota": 40})
    assert client.get("/api/log/self/stat", headers=headers).json["data"] == {"quota": 10}
    assert client.get("/api/log/self/stat?token_name=k", headers=headers).json["data"] == {"quota": 3}


def test_log_search_matches_type_or_content_prefix(app, root_client):
    add_logs(app, {"type": LOG_TOPUP, "content": "redeemed 5"}, {"content": "倍率：1.00"},
             {"content": "1 more"}, {"content": "50% off"})
    assert contents(root_client.get("/api/log/search?keyword=1")) == {"redeemed 5", "1 more"}
    assert contents(root_client.get("/api/log/search?keyword=倍率")) == {"倍率：1.00"}
    assert contents(root_client.get("/api/log/search?keyword=5_")) == set()  # wildcards are literal
    assert contents(root_client.get("/api/log/search?keyword=50%25")) == {"50% off"}


def test_log_search_returns_the_newest_hundred(app, root_client):
    add_logs(app, *({"content": f"row {number}"} for number in range(105)))
    found = root_client.get("/api/log/search?keyword=row").json["data"]
    assert len(found) == 100 and found[0]["content"] == "row 104"


def test_own_log_search_finds_only_the_callers_rows(app, client):
    user_id, headers = make_caller(app)
    add_logs(app, {"user_id": user_id, "type": LOG_TOPUP, "content": "mine"},
             {"user_id": 1, "type": LOG_TOPUP, "content": "root's"})
    response = client.get("/api/log/self/search?keyword=1", headers=headers)
    assert contents(response) == {"mine"} and response.json["data"][0]["id"] == 0


def test_delete_before_removes_older_logs_in_batches(app, root_client):
    add_logs(app, *({"created_at": 1000 + number % 50} for number in range(12_000)),
             *({"created_at": 5000, "content": "kept"} for _ in range(3)))
    deletes = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: deletes.append(args[2])
                     if args[2].lstrip().upper().startswith("DELETE") else None)
    response = root_client.delete("/api/log/?target_timestamp=5000")
    assert response.json == {"success": True, "message": "", "data": 12_000}
    assert count_logs(app) == 3
    assert len(deletes) == 3  # 5,000 + 5,000 + 2,000 rows, each batch its own statement and transaction


def test_delete_before_requires_a_target_timestamp(app, root_client):
    add_logs(app, {"created_at": 1})
    response = root_client.delete("/api/log/")
    assert response.json == {"success": False, "message": "target timestamp is required"}
    assert count_logs(app) == 1


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/log/"), ("DELETE", "/api/log/?target_timestamp=99999999999"), ("GET", "/api/log/stat"),
    ("GET", "/api/log/search?keyword=1"),
])
def test_admin_log_routes_refuse_common_users(app, client, method, path):
    add_logs(app, {"created_at": 1})
    _, headers = make_caller(app)
    assert client.open(path, method=method, headers=headers).status_code == 403
    assert count_logs(app) == 1


def test_admin_may_read_logs(app, client):
    _, headers = make_caller(app, ROLE_ADMIN)
    assert client.get("/api/log/", headers=headers).json["success"] is True


def test_dashboard_sums_consume_logs_per_day_and_model(app, client):
    user_id, headers = make_caller(app)
    now = int(time.time())
    add_logs(app, *({"user_id": user_id, "created_at": now, "model_name": "gpt-4o", "quota": 5,
                     "prompt_tokens": 10, "completion_tokens": 2} for _ in range(3)),
             {"user_id": user_id, "created_at": now, "model_name": "o1", "quota": 1},
             {"user_id": user_id, "created_at": now, "type": LOG_TOPUP, "quota": 100},
             {"user_id": 1, "created_at": now, "model_name": "gpt-4o", "quota": 100})
    response = client.get("/api/user/dashboard", headers=headers).json
    today = time.strftime("%Y-%m-%d", time.gmtime(now))
    assert response["success"] is True
    assert response["data"] == [
        {"Day": today, "ModelName": "gpt-4o", "RequestCount": 3, "Quota": 15, "PromptTokens": 30,
         "CompletionTokens": 6},
        {"Day": today, "ModelName": "o1", "RequestCount": 1, "Quota": 1, "PromptTokens": 0, "CompletionTokens": 0},
    ]


def test_dashboard_covers_seven_utc_days_up_to_the_end_of_today(app):
    user_id, _ = make_caller(app)
    now = 1_700_000_000  # 2023-11-14 22:13:20 UTC
    today = now - now % DAY
    add_logs(app, *({"user_id": user_id, "created_at": moment, "model_name": "m"} for moment in (
        today - 6 * DAY,  # midnight six days ago: the first moment in the window
        today - 6 * DAY - 1,  # the moment before
        today + DAY - 1,  # the last second of today
        today + DAY,  # tomorrow
    )))
    with app.app_context():
        days = [row["Day"] for row in log_api.usage_by_day(user_id, now)]
    assert days == ["2023-11-08", "2023-11-14"]


def test_log_queries_run_on_every_database(app_on, monkeypatch):
    monkeypatch.setattr(log_api, "DELETE_BATCH_SIZE", 2)
    user_id, headers = make_caller(app_on)
    _, admin = make_caller(app_on, ROLE_ADMIN)
    now = int(time.time())
    add_logs(app_on, *({"user_id": user_id, "created_at": now - offset, "model_name": "m", "quota": 2,
                        "content": "倍率：2"} for offset in (0, 0, DAY, 30 * DAY, 30 * DAY, 30 * DAY)))
    client = app_on.test_client()
    assert [row["RequestCount"] for row in client.get("/api/user/dashboard", headers=headers).json["data"]] == [1, 2]
    assert client.get("/api/log/self/stat", headers=headers).json["data"] == {"quota": 12}
    assert len(client.get("/api/log/search?keyword=倍率", headers=admin).json["data"]) == 6
    assert client.get("/api/log/?model_name=m&p=1&page_size=4", headers=admin).json["total"] == 6
    assert client.delete(f"/api/log/?target_timestamp={now - 2 * DAY}", headers=admin).json["data"] == 3
    assert count_logs(app_on) == 3


def test_logs_in_a_separate_database_are_served_from_it(tmp_path):
    require_service("postgresql")
    log_dsn = databases.create_database("postgresql")
    app = build_app({"SQLITE_PATH": str(tmp_path / "main.db"), "LOG_SQL_DSN": log_dsn})
    try:
        user_id, headers = make_caller(app)
        add_logs(app, {"user_id": user_id, "quota": 4, "model_name": "m", "created_at": int(time.time())},
                 {"user_id": user_id, "quota": 6, "model_name": "m", "created_at": 1})
        client = app.test_client()
        assert client.get("/api/log/self", headers=headers).json["total"] == 2
        assert client.get("/api/log/self/stat", headers=headers).json["data"] == {"quota": 10}
        assert client.get("/api/user/dashboard", headers=headers).json["data"][0]["Quota"] == 4
        with app.app_context():
            assert db.engines["logs"].dialect.name == "postgresql"
    finally:
        dispose(app)
        databases.drop_database("postgresql", log_dsn)
