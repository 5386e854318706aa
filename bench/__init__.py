"""The performance bench: the gateway under Gunicorn against the mock upstream, driven by wrk (see README.md)."""
