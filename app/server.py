"""The command line: ``python -m app.server [--port N] [--log-dir DIR] [serve|migrate]``.

``serve`` (the default) checks the configuration, prepares the database and hands the process to
Gunicorn with gevent workers (gunicorn.conf.py). ``migrate`` only prepares the database.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.config import Config, ConfigError
from app.version import VERSION

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tollgate", description="Tollgate: an OpenAI-format LLM gateway.")
    parser.add_argument("command", nargs="?", choices=("serve", "migrate"), default="serve")
    parser.add_argument("--port", type=int, help="listen port (default 3000; the PORT variable wins, as in One API)")
    parser.add_argument("--log-dir", help="directory for log files (default ./logs)")
    parser.add_argument("--version", action="version", version=f"tollgate {VERSION}")
    return parser.parse_args(argv)


def load_config(args: argparse.Namespace) -> Config:
    """Config with the flags folded in; a bad value ends the process with one line naming the variable."""
    overrides = {"LOG_DIR": args.log_dir or "./logs"}
    if args.port is not None:
        overrides["PORT"] = str(args.port)
    if "PORT" in os.environ:
        overrides.pop("PORT", None)
    try:
        return Config.from_env(overrides=overrides)
    except ConfigError as error:
        sys.exit(f"tollgate: configuration error: {error}")


def prepare(config: Config) -> None:
    """Check the storage every node needs; on a master node, also migrate the databases and create root on
    first start. Raises ConfigError for storage the configuration cannot run on."""
    from app import create_app
    from app.bootstrap import ensure_root_account
    from app.extensions import db
    from app.schema import upgrade_databases

    check_ledger_storage(config)
    if not config.is_master:
        return
    app = create_app(config=config)
    upgrade_databases(app)
    with app.app_context():
        ensure_root_account(config)
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()  # the master forks workers next; they must not inherit open sockets


def check_ledger_storage(config: Config) -> None:
    """Batched quota writes keep bills in Redis until the flush: that Redis must survive a restart."""
    if not (config.batch_update_enabled and config.redis_conn_string):
        return
    import redis

    from app.billing.ledger_redis import check_persistence

    client = redis.Redis.from_url(config.redis_conn_string, socket_connect_timeout=5)
    try:
        check_persistence(client, vouched=config.redis_persistence_verified)
    except redis.ConnectionError as error:
        raise ConfigError(f"REDIS_CONN_STRING: Redis cannot be reached ({error})") from None
    finally:
        client.close()


def main(argv: list[str] | None = None) -> None:
    from app.logfiles import configure_logging

    args = parse_args(argv)
    config = load_config(args)
    configure_logging(config.log_dir, debug=config.debug, one_file=config.only_one_log_file)
    if args.command == "migrate":
        try:
            prepare(config)
        except ConfigError as error:
            sys.exit(f"tollgate: configuration error: {error}")
        return
    os.environ.update(PORT=str(config.port), LOG_DIR=config.log_dir)
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
    os.chdir(ROOT)
    os.execv(sys.executable, gunicorn)


if __name__ == "__main__":
    main()
