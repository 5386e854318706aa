"""Alembic environment: one migration chain, applied to the main database and, if set, the logs database.

A caller may hand in a connection (``config.attributes["connection"]``); otherwise the Flask app's
main engine is used, as with ``flask db upgrade``.
"""

from alembic import context
from flask import current_app

config = context.config


def _metadata():
    db = current_app.extensions["migrate"].db
    return [db.metadatas[None], db.metadatas["logs"]]


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=_metadata(),
        compare_type=True,
        compare_server_default=False,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with current_app.extensions["migrate"].db.engine.connect() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run against a database.")
run_migrations_online()
