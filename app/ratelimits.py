"""Per-IP rate limits (Flask-Limiter): One API's global API and web limits and its stricter sign-in limit.

Counters live in Redis when REDIS_CONN_STRING is set, so every worker and node shares them; in
memory otherwise, and also while Redis is unreachable: the same limits then hold per process, so the
admin API and the UI keep working through a Redis restart instead of answering errors. A limit of 0, or DEBUG, turns a limiter off, as in One API. The relay (/v1) has no
limit, as in One API; quotas bound it instead.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter

from app.client_ip import client_ip
from app.config import Config

WINDOW = "3 minutes"
# Sign-in, registration, verification and reset: One API's fixed 20 per 20 minutes per IP.
CRITICAL_LIMIT = "20 per 20 minutes"
CRITICAL_ENDPOINTS = ("auth.login", "auth.register", "auth.verification", "auth.reset_password",
                      "auth.reset_confirm", "auth.oauth_state", "auth.oauth_callback", "auth.wechat_login",
                      "auth.wechat_bind", "auth.email_bind")


def init_app(app: Flask, config: Config) -> Limiter:
    """Call after the blueprints are registered: limits attach to their views.

    One Limiter per app: Flask-Limiter keeps limits on the Limiter object, so a shared one would mix
    the limits of two apps in one process (as the tests build).
    """
    app.config.update(RATELIMIT_ENABLED=not config.debug, RATELIMIT_KEY_PREFIX="tollgate")
    limiter = Limiter(key_func=client_ip, app=app, storage_uri=config.redis_conn_string or "memory://",
                      headers_enabled=True, in_memory_fallback_enabled=True,
                      # Fail over at once rather than hold the request while Redis does not answer.
                      storage_options={"socket_connect_timeout": 1, "socket_timeout": 1})
    if config.global_api_rate_limit:
        api_limit = limiter.shared_limit(f"{config.global_api_rate_limit} per {WINDOW}", scope="api")
        for blueprint in ("api", "auth"):
            api_limit(app.blueprints[blueprint])
        for endpoint in ("relay.billing_subscription", "relay.billing_usage"):
            _wrap(app, endpoint, api_limit)
    if config.global_web_rate_limit:
        limiter.limit(f"{config.global_web_rate_limit} per {WINDOW}")(app.blueprints["web"])
    for endpoint in CRITICAL_ENDPOINTS:
        if endpoint in app.view_functions:
            _wrap(app, endpoint, limiter.limit(CRITICAL_LIMIT, override_defaults=False))
    _check_only_limited_blueprints(app, limiter)
    return limiter


def _check_only_limited_blueprints(app: Flask, limiter: Limiter) -> None:
    # Flask-Limiter sifts its limits before every request of the app: a tenth of a relay call's CPU for
    # a blueprint that has none. Its check runs for the limited blueprints only; decorated views (the
    # relay's billing endpoints, the sign-in routes) check inside their own wrappers.
    check = limiter._check_request_limit
    if check not in app.before_request_funcs.get(None, []):
        return  # limits are off (DEBUG)
    app.before_request_funcs[None].remove(check)
    for blueprint in ("api", "auth", "web"):
        app.before_request_funcs.setdefault(blueprint, []).insert(0, check)


def _wrap(app: Flask, endpoint: str, limit) -> None:
    # Flask-Limiter checks a decorated limit inside the wrapper it returns, so the wrapper must be what
    # Flask calls; functools.wraps keeps the view's access level and OpenAPI description.
    app.view_functions[endpoint] = limit(app.view_functions[endpoint])
