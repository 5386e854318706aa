"""Turns One API's database DSNs (Go MySQL form, URLs, or nothing for SQLite) into SQLAlchemy URLs."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from sqlalchemy.engine import URL

# user:password@tcp(host:port)/dbname?param=value — the go-sql-driver/mysql format One API documents.
_GO_MYSQL = re.compile(
    r"^(?:(?P<user>[^:@]*)(?::(?P<password>.*))?@)?"
    r"(?P<proto>tcp|unix)?(?:\((?P<address>[^)]*)\))?"
    r"/(?P<database>[^?]*)(?:\?(?P<params>.*))?$"
)


def database_url(raw: str, sqlite_path: str) -> str:
    """Return a SQLAlchemy URL string for ``raw``; empty means a SQLite file at ``sqlite_path``."""
    raw = raw.strip()
    if not raw:
        return _sqlite_url(sqlite_path)
    if raw.startswith("sqlite:"):
        return raw
    scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
    if scheme in ("postgres", "postgresql"):
        return _postgres_url(raw)
    if scheme == "mysql":
        return _mysql_url_from_url(raw)
    if scheme:
        raise ValueError(f"unsupported scheme {scheme!r}; use postgres://, mysql:// or a Go MySQL DSN")
    return _mysql_url_from_go(raw)


def _sqlite_url(path: str) -> str:
    file = Path(path).expanduser()
    file.parent.mkdir(parents=True, exist_ok=True)
    return URL.create("sqlite", database=str(file.resolve())).render_as_string(hide_password=False)


def _postgres_url(raw: str) -> str:
    parts = urlsplit(raw)
    query = dict(parse_qsl(parts.query))
    return URL.create(
        "postgresql+psycopg2",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname or None,
        port=parts.port,
        database=parts.path.lstrip("/") or None,
        query=query,
    ).render_as_string(hide_password=False)


def _mysql_url_from_url(raw: str) -> str:
    parts = urlsplit(raw)
    return _mysql_url(
        user=unquote(parts.username or ""), password=unquote(parts.password or ""),
        host=parts.hostname or "127.0.0.1", port=parts.port, socket=None,
        database=parts.path.lstrip("/"), params=dict(parse_qsl(parts.query)),
    )


def _mysql_url_from_go(raw: str) -> str:
    match = _GO_MYSQL.match(raw)
    if not match or not match["database"]:
        raise ValueError("expected user:password@tcp(host:port)/database")
    address = match["address"] or "127.0.0.1:3306"
    host, port, socket = address, None, None
    if match["proto"] == "unix":
        host, socket = "localhost", address
    elif ":" in address:
        host, _, port_text = address.rpartition(":")
        port = int(port_text)
    return _mysql_url(
        user=match["user"] or "", password=match["password"] or "", host=host, port=port,
        socket=socket, database=match["database"], params=dict(parse_qsl(match["params"] or "")),
    )


def _mysql_url(*, user, password, host, port, socket, database, params) -> str:
    # Go-driver options such as parseTime or loc mean nothing to PyMySQL; only the charset carries over,
    # and utf8mb4 is the only charset that stores every model's output.
    query = {"charset": params.get("charset", "utf8mb4").split(",")[0]}
    if socket:
        query["unix_socket"] = socket
    return URL.create(
        "mysql+pymysql", username=user or None, password=password or None,
        host=host, port=port, database=database, query=query,
    ).render_as_string(hide_password=False)
