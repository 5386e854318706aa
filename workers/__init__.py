"""Clock-driven Celery tasks; they depend on ``app``, never the reverse."""
