"""Unbound extension singletons; ``create_app`` binds them to an application."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

db = SQLAlchemy(metadata=MetaData())
migrate = Migrate()
login_manager = LoginManager()


def celery_init_app(app, config):
    """Bind a Celery app whose tasks run inside the Flask app context (Flask's Celery pattern).

    Without Redis there is no broker: tasks run in-process as they are called, which is the embedded mode.
    """
    from celery import Celery, Task

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    broker = config.redis_conn_string or "memory://"
    celery.conf.update(
        broker_url=broker,
        result_backend=config.redis_conn_string or None,
        task_always_eager=not config.redis_conn_string,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
