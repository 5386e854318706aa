"""Gunicorn settings: gevent workers, sized for an I/O-bound relay; the master prepares the database once."""

# Patch before anything imports threading: the app is imported here, in the master, and a Lock class
# bound before patching would make real OS locks that freeze a whole gevent worker when contended.
from gevent import monkey

monkey.patch_all()

import multiprocessing  # noqa: E402

from app.config import Config, ConfigError  # noqa: E402

try:
    _config = Config.from_env()
except ConfigError as error:
    raise SystemExit(f"tollgate: configuration error: {error}")

bind = f"0.0.0.0:{_config.port}"
worker_class = "gevent"
workers = min(4, multiprocessing.cpu_count())
# One gevent worker multiplexes many slow upstream calls; streams can hold a connection for minutes.
worker_connections = 2000
# The heartbeat runs in its own greenlet, so long streams do not trip this; a stuck CPU loop does.
timeout = 60
graceful_timeout = 30
keepalive = 75
accesslog = None
errorlog = "-"
forwarded_allow_ips = ""  # client IPs are decided by TRUSTED_PROXIES in the app, not by Gunicorn


def on_starting(server):
    from app.logfiles import configure_logging
    from app.server import prepare

    configure_logging(_config.log_dir, debug=_config.debug, one_file=_config.only_one_log_file)
    try:
        prepare(_config)
    except ConfigError as error:
        raise SystemExit(f"tollgate: configuration error: {error}")
    # Load the tokenizer once here: forked workers share it instead of each paying ~0.2 s on a request.
    from app.relay.tokenizer import count_text_tokens

    count_text_tokens("warm up", "gpt-3.5-turbo")


def post_fork(server, worker):
    from app.logfiles import configure_logging

    configure_logging(_config.log_dir, debug=_config.debug, one_file=_config.only_one_log_file)


def post_worker_init(worker):
    # Without Redis there is no Celery: the schedule runs on timers inside exactly one worker (a file
    # lock elects it; another takes over if it dies). With Redis, Celery worker and beat run it.
    if _config.redis_conn_string:
        return
    from workers.runner import start_embedded_jobs

    start_embedded_jobs(worker.wsgi)
