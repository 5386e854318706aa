"""WSGI entry point: ``gunicorn -c gunicorn.conf.py wsgi:app``.

gevent must patch the standard library before anything else imports it, and psycopg2 must be
told to yield to gevent while it waits on PostgreSQL.
"""

from gevent import monkey

monkey.patch_all()

from psycogreen.gevent import patch_psycopg  # noqa: E402

patch_psycopg()

import sys  # noqa: E402

from app import create_app  # noqa: E402
from app.config import ConfigError  # noqa: E402

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"tollgate: configuration error: {error}")
