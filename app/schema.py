"""Brings the databases to the newest migration: the main one, and the logs database when it is separate."""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask

from app.extensions import db

log = logging.getLogger(__name__)


def alembic_config(app: Flask) -> AlembicConfig:
    directory = app.extensions["migrate"].directory
    config = AlembicConfig(f"{directory}/alembic.ini")
    config.set_main_option("script_location", directory)
    return config


def upgrade_databases(app: Flask) -> None:
    """Apply every pending migration. The logs database gets the same chain, as One API migrates both."""
    with app.app_context():
        engines = [db.engines[None]]
        if db.engines["logs"] is not db.engines[None]:
            engines.append(db.engines["logs"])
        for engine in engines:
            _upgrade(app, engine)


def _upgrade(app: Flask, engine) -> None:
    config = alembic_config(app)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("Database %s is at the newest schema.", engine.url.render_as_string(hide_password=True))
