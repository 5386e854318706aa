"""Celery entry point: ``celery -A celery_app worker`` and ``celery -A celery_app beat``.

Run beat on the master node only, and once: it sends every job in ``workers.schedule``. Slave nodes
run workers and never beat (and their schedule is empty should one start it anyway). Without
REDIS_CONN_STRING there is no broker: the web server runs the schedule itself (``workers.runner``).
"""

from celery.signals import after_setup_logger, after_setup_task_logger

from app import create_app
from app.redaction import RedactingFilter
import workers.alerts  # noqa: F401  the imports register the worker's tasks
import workers.balances  # noqa: F401
import workers.channel_tests  # noqa: F401
import workers.logs  # noqa: F401
import workers.quota  # noqa: F401
from workers.schedule import beat_schedule


@after_setup_logger.connect
@after_setup_task_logger.connect
def mask_channel_keys(logger, **_) -> None:
    """Celery sets up its own handlers: they get the filter the gateway's have, so no key reaches its logs."""
    for handler in logger.handlers:
        handler.addFilter(RedactingFilter())


flask_app = create_app()
celery = flask_app.extensions["celery"]
# Set here, not in app.extensions.celery_init_app: app/ never imports workers/ (STYLE §2).
celery.conf.beat_schedule = beat_schedule(flask_app.config["TOLLGATE"])
