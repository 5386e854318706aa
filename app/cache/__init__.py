"""Read-through caches for the hot path, and the Redis connection they share when Redis is configured."""

from __future__ import annotations

import redis
from flask import Flask, current_app

from app.config import Config

_EXTENSION = "tollgate.redis"


def init_app(app: Flask, config: Config) -> None:
    app.extensions[_EXTENSION] = (
        redis.Redis.from_url(config.redis_conn_string, health_check_interval=30)
        if config.redis_conn_string else None
    )


def redis_client() -> redis.Redis | None:
    """The shared Redis client, or None in the embedded mode (no REDIS_CONN_STRING)."""
    return current_app.extensions[_EXTENSION]
