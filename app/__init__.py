"""Tollgate: an OpenAI-format gateway in front of many LLM providers, with keys, quotas and billing.

``create_app`` assembles the application; importing this package does nothing else.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Mapping

from flask import Flask

from app import cache, crypto, database, errors_http, options, ratelimits, request_ids
from app.api import openapi
from app.api import bp as api_bp
from app.auth import bp as auth_bp, sessions
from app.relay import bp as relay_bp, upstream
from app.relay.requests_in import MAX_BODY_BYTES
from app.config import Config
from app.extensions import celery_init_app, db, migrate
from app.web import bp as web_bp

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(overrides: Mapping[str, str] | None = None, *, config: Config | None = None) -> Flask:
    """Build the app from the environment, with ``overrides`` (variable → value) taking precedence."""
    config = config or Config.from_env(overrides=overrides)
    app = Flask(__name__, static_folder=None)
    app.url_map.strict_slashes = False  # One API's SPA calls /api/user/ and /api/user alike
    app.config.update(database.engine_settings(config), TOLLGATE=config, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.extensions["tollgate.start_time"] = int(time.time())

    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    crypto.init_app(app, config)
    cache.init_app(app, config)
    upstream.init_app(app, config)
    sessions.init_app(app, config)
    options.init_app(app)
    request_ids.init_app(app)
    errors_http.init_app(app)
    celery_init_app(app, config)
    for blueprint in (api_bp, auth_bp, relay_bp, web_bp):
        app.register_blueprint(blueprint)
    openapi.register(app)
    ratelimits.init_app(app, config)
    return app
