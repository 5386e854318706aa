"""Boot-time configuration: One API's variables, DSN forms, and one-line errors for bad values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.config import Config, ConfigError, describe_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_match_one_api(tmp_path):
    config = Config.from_env({"SQLITE_PATH": str(tmp_path / "x.db")})
    assert config.port == 3000
    assert config.sync_frequency == 600
    assert config.global_api_rate_limit == 480 and config.global_web_rate_limit == 240
    assert config.batch_update_interval == 5 and not config.batch_update_enabled
    assert config.node_type == "master" and config.is_master
    assert config.metric_success_rate_threshold == 0.8
    assert config.database_url == f"sqlite:///{tmp_path / 'x.db'}"
    assert config.log_database_url == ""


def test_unset_session_secret_is_random_and_flagged(tmp_path):
    first = Config.from_env({"SQLITE_PATH": str(tmp_path / "x.db")})
    second = Config.from_env({"SQLITE_PATH": str(tmp_path / "x.db")})
    assert first.session_secret_generated and len(first.session_secret) >= 32
    assert first.session_secret != second.session_secret


@pytest.mark.parametrize("dsn, expected", [
    ("root:secret@tcp(127.0.0.1:3306)/oneapi",
     "mysql+pymysql://root:secret@127.0.0.1:3306/oneapi?charset=utf8mb4"),
    ("root:p%40ss@tcp(db.internal:3307)/oneapi?charset=utf8mb4&parseTime=True&loc=Local",
     "mysql+pymysql://root:p%2540ss@db.internal:3307/oneapi?charset=utf8mb4"),
    ("oneapi:pw@unix(/run/mysqld/mysqld.sock)/oneapi",
     "mysql+pymysql://oneapi:pw@localhost/oneapi?charset=utf8mb4&unix_socket=%2Frun%2Fmysqld%2Fmysqld.sock"),
    ("mysql://root:pw@127.0.0.1:3306/oneapi", "mysql+pymysql://root:pw@127.0.0.1:3306/oneapi?charset=utf8mb4"),
    ("postgres://postgres:pw@127.0.0.1:5432/oneapi", "postgresql+psycopg2://postgres:pw@127.0.0.1:5432/oneapi"),
    ("postgresql://u@h/oneapi?sslmode=require", "postgresql+psycopg2://u@h/oneapi?sslmode=require"),
])
def test_sql_dsn_forms(dsn, expected):
    assert Config.from_env({"SQL_DSN": dsn}).database_url == expected


def test_go_dsn_password_with_at_sign_survives():
    import sqlalchemy as sa

    url = sa.make_url(Config.from_env({"SQL_DSN": "root:p@ss:w0rd@tcp(db:3306)/x"}).database_url)
    assert (url.username, url.password, url.host, url.database) == ("root", "p@ss:w0rd", "db", "x")


def test_log_sql_dsn_gives_a_separate_logs_database():
    config = Config.from_env({"SQL_DSN": "postgres://u@h/main", "LOG_SQL_DSN": "u@tcp(h:3306)/logs"})
    assert config.log_database_url.startswith("mysql+pymysql://u@h:3306/logs")


@pytest.mark.parametrize("variable, value", [
    ("PORT", "eighty"), ("PORT", "-1"), ("SQL_DSN", "oracle://x/y"), ("SQL_DSN", "not a dsn"),
    ("NODE_TYPE", "leader"), ("BATCH_UPDATE_ENABLED", "maybe"), ("METRIC_SUCCESS_RATE_THRESHOLD", "1.5"),
    ("TRUSTED_PROXIES", "10.0.0.0/33"), ("INITIAL_ROOT_TOKEN", "sk-has spaces"),
    ("INITIAL_ROOT_ACCESS_TOKEN", "x" * 40), ("SYNC_FREQUENCY", "10m"),
])
def test_bad_value_names_the_variable(variable, value):
    with pytest.raises(ConfigError) as raised:
        Config.from_env({variable: value})
    assert str(raised.value).startswith(f"{variable}=")


def test_sql_conn_max_lifetime_is_accepted_as_an_alias():
    assert Config.from_env({"SQL_CONN_MAX_LIFETIME": "120"}).sql_max_lifetime == 120
    assert Config.from_env({"SQL_CONN_MAX_LIFETIME": "120", "SQL_MAX_LIFETIME": "30"}).sql_max_lifetime == 30


def waits(config: Config) -> tuple[int, int, int, int]:
    return (config.relay_connect_timeout, config.relay_first_byte_timeout, config.relay_first_event_timeout,
            config.relay_stream_idle_timeout)


def test_upstream_waits_are_bounded_by_default():
    assert waits(Config.from_env({})) == (10, 120, 60, 60)
    assert waits(Config.from_env({"RELAY_TIMEOUT": "0"})) == (10, 120, 60, 60)


def test_one_api_relay_timeout_sets_the_waits_not_set_themselves():
    assert waits(Config.from_env({"RELAY_TIMEOUT": "30"})) == (10, 30, 30, 30)
    assert waits(Config.from_env({"RELAY_TIMEOUT": "30", "RELAY_STREAM_IDLE_TIMEOUT": "0"})) == (10, 30, 30, 0)


def test_every_setting_is_documented():
    for variable, _default, meaning in describe_settings():
        assert variable.isupper() and meaning


def _run_cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.server", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("variable, value", [("PORT", "abc"), ("SQL_DSN", "oracle://nope")])
def test_cli_bad_config_is_one_line_without_traceback(variable, value, tmp_path):
    result = _run_cli("migrate", env={"PATH": "/usr/bin:/bin", variable: value,
                                      "SQLITE_PATH": str(tmp_path / "x.db")})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_cli_version_and_help():
    env = {"PATH": "/usr/bin:/bin"}
    version = _run_cli("--version", env=env)
    assert version.returncode == 0 and version.stdout.startswith("tollgate ")
    helptext = _run_cli("--help", env=env)
    assert helptext.returncode == 0 and "--port" in helptext.stdout and "--log-dir" in helptext.stdout


def test_dotenv_file_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("PORT=4100\nSYNC_FREQUENCY=60\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SYNC_FREQUENCY", "30")
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "x.db"))
    monkeypatch.delenv("PORT", raising=False)
    config = Config.from_env()
    assert (config.port, config.sync_frequency) == (4100, 30)
