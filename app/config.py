"""Boot-time settings read from the environment, with One API's variable names and defaults.

This is the only module that reads ``os.environ``. Every setting is declared once below with its
variable, parser, default and meaning; a bad value raises ``ConfigError`` naming the variable, and
the entry points turn that into a one-line message.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, fields
from typing import Any, Callable, Mapping

from dotenv import dotenv_values

from app import dsn


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message starts with the variable's name."""


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true or false")


def _parse_int(raw: str) -> int:
    value = int(raw.strip())
    if value < 0:
        raise ValueError("expected a whole number ≥ 0")
    return value


def _parse_positive_int(raw: str) -> int:
    value = int(raw.strip())
    if value < 1:
        raise ValueError("expected a whole number ≥ 1")
    return value


def _parse_optional_int(raw: str) -> int | None:
    return _parse_int(raw) if raw.strip() else None


def _parse_ratio(raw: str) -> float:
    value = float(raw.strip())
    if not 0.0 <= value <= 1.0:
        raise ValueError("expected a number between 0 and 1")
    return value


def _parse_node_type(raw: str) -> str:
    value = raw.strip().lower() or "master"
    if value not in ("master", "slave"):
        raise ValueError("expected master or slave")
    return value


def _parse_networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    return tuple(ipaddress.ip_network(part, strict=False) for part in parts)


def _parse_root_token(raw: str) -> str:
    key = raw.strip().removeprefix("sk-")
    if key and (len(key) > 48 or not key.isalnum()):
        raise ValueError("expected up to 48 letters and digits, optionally after 'sk-'")
    return key


def _parse_access_token(raw: str) -> str:
    token = raw.strip()
    if token and (len(token) > 32 or not token.isalnum()):
        raise ValueError("expected up to 32 letters and digits")
    return token


def _parse_bcrypt_rounds(raw: str) -> int:
    value = int(raw.strip())
    if not 4 <= value <= 16:
        raise ValueError("expected a whole number from 4 to 16")
    return value


def _setting(env: str, parse: Callable[[str], Any], default: Any, help: str) -> Any:
    return field(default=default, metadata={"env": env, "parse": parse, "help": help})


@dataclass(frozen=True)
class Config:
    """Typed boot-time settings. Build with ``Config.from_env``; never mutate."""

    port: int = _setting("PORT", _parse_int, 3000, "listen port")
    debug: bool = _setting("DEBUG", _parse_bool, False, "debug logs; also turns rate limits off")
    debug_sql: bool = _setting("DEBUG_SQL", _parse_bool, False, "log every SQL statement")
    session_secret: str = _setting("SESSION_SECRET", str, "", "cookie signing key; unset: a random key kept in the data directory")
    channel_key_secret: str = _setting(
        "CHANNEL_KEY_SECRET", str, "", "encrypts channel keys at rest; default: SESSION_SECRET, else a key file")
    sql_dsn: str = _setting("SQL_DSN", str, "", "MySQL (Go or URL form) or PostgreSQL DSN; empty means SQLite")
    log_sql_dsn: str = _setting("LOG_SQL_DSN", str, "", "separate database for the logs table")
    sqlite_path: str = _setting("SQLITE_PATH", str, "data/tollgate.db", "SQLite file when SQL_DSN is empty")
    sqlite_busy_timeout: int = _setting("SQLITE_BUSY_TIMEOUT", _parse_int, 3000, "ms SQLite waits on a lock")
    sql_max_idle_conns: int = _setting("SQL_MAX_IDLE_CONNS", _parse_int, 100, "connections kept open per process")
    sql_max_open_conns: int = _setting("SQL_MAX_OPEN_CONNS", _parse_int, 1000, "connection cap per process")
    sql_max_lifetime: int = _setting("SQL_MAX_LIFETIME", _parse_int, 60, "seconds before a connection is recycled")
    redis_conn_string: str = _setting("REDIS_CONN_STRING", str, "", "Redis URL; empty means no Redis")
    sync_frequency: int = _setting("SYNC_FREQUENCY", _parse_int, 600, "seconds a node listening to Redis trusts cached rows")
    memory_cache_enabled: bool = _setting("MEMORY_CACHE_ENABLED", _parse_bool, False, "accepted for One API compatibility; caches are always on")
    node_type: str = _setting("NODE_TYPE", _parse_node_type, "master", "master runs migrations and beat")
    frontend_base_url: str = _setting("FRONTEND_BASE_URL", str, "", "slave nodes redirect pages here")
    channel_test_frequency: int | None = _setting(
        "CHANNEL_TEST_FREQUENCY", _parse_optional_int, None, "minutes between automatic channel tests")
    channel_update_frequency: int | None = _setting(
        "CHANNEL_UPDATE_FREQUENCY", _parse_optional_int, None, "minutes between balance polls")
    polling_interval: int = _setting("POLLING_INTERVAL", _parse_int, 0, "seconds between channels when testing all")
    batch_update_enabled: bool = _setting("BATCH_UPDATE_ENABLED", _parse_bool, False, "batch quota writes")
    batch_update_interval: int = _setting("BATCH_UPDATE_INTERVAL", _parse_int, 5, "seconds between batch flushes")
    redis_persistence_verified: bool = _setting(
        "REDIS_PERSISTENCE_VERIFIED", _parse_bool, False,
        "vouch that a Redis whose CONFIG command is disabled keeps its data (AOF); batching needs that")
    reservation_lease: int = _setting(
        "RESERVATION_LEASE", _parse_positive_int, 300,
        "seconds a reservation outlives its request's last sign of life before the sweeper closes it")
    reservation_sweep_interval: int = _setting(
        "RESERVATION_SWEEP_INTERVAL", _parse_positive_int, 30, "seconds between sweeps of dead requests' reservations")
    global_api_rate_limit: int = _setting("GLOBAL_API_RATE_LIMIT", _parse_int, 480, "/api requests per IP per 3 min")
    global_web_rate_limit: int = _setting("GLOBAL_WEB_RATE_LIMIT", _parse_int, 240, "page requests per IP per 3 min")
    relay_timeout: int = _setting(
        "RELAY_TIMEOUT", _parse_int, 0,
        "One API's upstream timeout: when > 0, the value of the three RELAY_*_TIMEOUT waits below not set themselves")
    relay_connect_timeout: int = _setting(
        "RELAY_CONNECT_TIMEOUT", _parse_int, 10, "seconds to connect to an upstream; 0 means no limit")
    relay_first_byte_timeout: int = _setting(
        "RELAY_FIRST_BYTE_TIMEOUT", _parse_int, 120,
        "seconds a non-stream upstream may stay silent (before its reply, and within it); 0 means no limit")
    relay_first_event_timeout: int = _setting(
        "RELAY_FIRST_EVENT_TIMEOUT", _parse_int, 60,
        "seconds to a stream's response headers, and from them to its first bytes; 0 means no limit")
    relay_stream_idle_timeout: int = _setting(
        "RELAY_STREAM_IDLE_TIMEOUT", _parse_int, 60,
        "seconds a stream may stay silent between events before it is ended; 0 means no limit")
    max_prompt_chars: int = _setting(
        "MAX_PROMPT_CHARS", _parse_int, 10_000_000,
        "characters of prompt text a request may carry (a 1M-token context is about 4M); larger gets 413; 0: no limit")
    relay_proxy: str = _setting("RELAY_PROXY", str, "", "HTTP proxy for upstream calls")
    user_content_request_proxy: str = _setting("USER_CONTENT_REQUEST_PROXY", str, "", "proxy for user images")
    user_content_request_timeout: int = _setting(
        "USER_CONTENT_REQUEST_TIMEOUT", _parse_int, 30, "seconds to fetch a user-supplied image")
    trusted_proxies: tuple = _setting(
        "TRUSTED_PROXIES", _parse_networks, (), "CIDRs whose X-Forwarded-For is believed")
    tiktoken_cache_dir: str = _setting("TIKTOKEN_CACHE_DIR", str, "", "directory of offline tokenizer files")
    enable_metric: bool = _setting("ENABLE_METRIC", _parse_bool, False, "disable channels by success rate")
    metric_queue_size: int = _setting("METRIC_QUEUE_SIZE", _parse_int, 10, "results kept per channel")
    metric_success_rate_threshold: float = _setting(
        "METRIC_SUCCESS_RATE_THRESHOLD", _parse_ratio, 0.8, "success rate below which a channel is disabled")
    password_hash_rounds: int = _setting(
        "PASSWORD_HASH_ROUNDS", _parse_bcrypt_rounds, 12, "bcrypt cost of new password hashes (One API: 10)")
    initial_root_password: str = _setting("INITIAL_ROOT_PASSWORD", str, "", "root's first password; random when unset")
    initial_root_token: str = _setting("INITIAL_ROOT_TOKEN", _parse_root_token, "", "a relay key created for root")
    initial_root_access_token: str = _setting(
        "INITIAL_ROOT_ACCESS_TOKEN", _parse_access_token, "", "root's system access token")
    enforce_include_usage: bool = _setting(
        "ENFORCE_INCLUDE_USAGE", _parse_bool, False, "always pass upstream usage chunks to clients")
    only_one_log_file: bool = _setting("ONLY_ONE_LOG_FILE", _parse_bool, False, "one log file, no daily files")
    theme: str = _setting("THEME", str, "default", "UI theme (one theme ships)")
    gemini_safety_setting: str = _setting("GEMINI_SAFETY_SETTING", str, "BLOCK_NONE", "Gemini safety threshold")
    gemini_version: str = _setting("GEMINI_VERSION", str, "v1", "Gemini API version")
    test_prompt: str = _setting(
        "TEST_PROMPT", str, "Output only your specific model name with no additional text.", "channel test prompt")
    log_dir: str = _setting("LOG_DIR", str, "", "directory for log files; empty means stdout only")
    github_oauth_url: str = _setting("GITHUB_OAUTH_URL", str, "https://github.com", "GitHub's OAuth host")
    github_api_url: str = _setting("GITHUB_API_URL", str, "https://api.github.com", "GitHub's API host")
    feishu_open_url: str = _setting("FEISHU_OPEN_URL", str, "https://open.feishu.cn", "Feishu's OAuth/API host")
    turnstile_verify_url: str = _setting(
        "TURNSTILE_VERIFY_URL", str, "https://challenges.cloudflare.com/turnstile/v0/siteverify",
        "Cloudflare Turnstile's siteverify endpoint")

    # Derived at load time so every consumer sees the same, validated values.
    database_url: str = ""
    log_database_url: str = ""
    session_secret_generated: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *,
                 overrides: Mapping[str, str] | None = None) -> "Config":
        """Read ``environ`` (default: a ``.env`` file under the process environment), ``overrides`` winning."""
        env = dict(environ) if environ is not None else {**_dotenv(), **os.environ}
        env.update(overrides or {})
        values: dict[str, Any] = {}
        for item in fields(cls):
            name = item.metadata.get("env")
            if name is None or name not in env:
                continue
            values[item.name] = _parse_one(name, item.metadata["parse"], env[name])
        if "SQL_CONN_MAX_LIFETIME" in env and "SQL_MAX_LIFETIME" not in env:
            # One API's README names this variable; its code reads SQL_MAX_LIFETIME. Both mean seconds.
            values["sql_max_lifetime"] = _parse_one("SQL_CONN_MAX_LIFETIME", _parse_int, env["SQL_CONN_MAX_LIFETIME"])
        if values.get("relay_timeout"):
            # A One API deployment's RELAY_TIMEOUT keeps bounding every wait on the upstream's answer; the
            # connect timeout keeps its own value, since One API's covered the whole call.
            for name, variable in _WAITS_RELAY_TIMEOUT_SETS.items():
                if variable not in env:
                    values[name] = values["relay_timeout"]
        return cls(**values)._with_derived()

    def _with_derived(self) -> "Config":
        main_url = _parse_one("SQL_DSN", lambda raw: dsn.database_url(raw, self.sqlite_path), self.sql_dsn)
        log_url = _parse_one("LOG_SQL_DSN", lambda raw: dsn.database_url(raw, self.sqlite_path), self.log_sql_dsn)
        secret = self.session_secret or secrets.token_urlsafe(32)
        return _replace(self, database_url=main_url, log_database_url=log_url if self.log_sql_dsn else "",
                        session_secret=secret, session_secret_generated=not self.session_secret)

    @property
    def is_master(self) -> bool:
        return self.node_type == "master"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


# The waits a positive RELAY_TIMEOUT sets when their own variables are absent.
_WAITS_RELAY_TIMEOUT_SETS = {"relay_first_byte_timeout": "RELAY_FIRST_BYTE_TIMEOUT",
                             "relay_first_event_timeout": "RELAY_FIRST_EVENT_TIMEOUT",
                             "relay_stream_idle_timeout": "RELAY_STREAM_IDLE_TIMEOUT"}


def _dotenv() -> dict[str, str]:
    """Variables from ./.env, as One API loads them; the real environment takes precedence."""
    return {key: value for key, value in dotenv_values(".env").items() if value is not None}


def _parse_one(name: str, parse: Callable[[str], Any], raw: str) -> Any:
    try:
        return parse(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not valid: {exc}") from None


def _replace(config: Config, **changes: Any) -> Config:
    values = {item.name: getattr(config, item.name) for item in fields(config)}
    values.update(changes)
    return Config(**values)


def describe_settings() -> list[tuple[str, Any, str]]:
    """(variable, default, meaning) for every setting: the README's configuration table."""
    return [(item.metadata["env"], item.default, item.metadata["help"])
            for item in fields(Config) if "env" in item.metadata]
