"""Process logging: to stdout, and to rotating files in the log directory when one is given; keys masked."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from app.redaction import RedactingFilter

_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def configure_logging(log_dir: str = "", *, debug: bool = False, one_file: bool = False) -> None:
    """Idempotent: calling it again (as a forked worker does) replaces the handlers, never doubles them."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_tollgate", False):
            root.removeHandler(handler)
    formatter = logging.Formatter(_FORMAT)
    redacting = RedactingFilter()  # on the handlers: a logger's own filters skip records from its children
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stdout)]
    if log_dir:
        handlers.append(_file_handler(Path(log_dir), one_file))
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redacting)
        handler._tollgate = True
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)


def _file_handler(log_dir: Path, one_file: bool) -> logging.Handler:
    log_dir.mkdir(parents=True, exist_ok=True)
    if one_file:
        return logging.handlers.RotatingFileHandler(
            log_dir / "tollgate.log", maxBytes=100 * 1024 * 1024, backupCount=5, encoding="utf-8")
    # One file per day, like One API's oneapi-YYYYMMDD.log, keeping two weeks.
    return logging.handlers.TimedRotatingFileHandler(
        log_dir / "tollgate.log", when="midnight", backupCount=14, encoding="utf-8", utc=True)
