"""The application's log file, and what happens to an error nobody expected.

Everything logged goes to ``regal-desktop.log`` in the logs folder (rotated, private to
the user). An unexpected error is written there with its traceback; the person sees one
plain sentence that says where the details are. Keys are never logged (see
``delivery/keys.py``): the log is as safe to attach to a support ticket as the history.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from regal_desktop.paths import AppPaths

LOG_NAME = "regal-desktop.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: Takes secrets out of a text: the front ends pass ``delivery.keys.scrub`` (this module
#: loads before the frame paints, so it cannot import the delivery layer itself).
Scrub = Callable[[str], str]


def _as_is(text: str) -> str:
    return text


class _ScrubbingFormatter(logging.Formatter):
    """Formats a record, traceback included, through ``scrub``: an exception's message
    may quote an API key that was refused."""

    def __init__(self, scrub: Scrub) -> None:
        super().__init__(_FORMAT)
        self._scrub = scrub

    def format(self, record: logging.LogRecord) -> str:
        return self._scrub(super().format(record))


def log_file(paths: AppPaths) -> Path:
    """Where the log is written."""
    return paths.logs / LOG_NAME


def setup_logging(
    paths: AppPaths, level: int = logging.INFO, scrub: Scrub = _as_is
) -> logging.Handler | None:
    """Send the ``regal_desktop`` loggers to the log file, every line through ``scrub``;
    returns the handler to pass to ``stop_logging`` (None when the file cannot be
    written: that never stops the app)."""
    # logging.handlers brings socket, pickle and queue: loaded here, not at start-up.
    from logging.handlers import RotatingFileHandler

    path = log_file(paths)
    logger = logging.getLogger("regal_desktop")
    try:
        paths.logs.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None  # a read-only or full disk must not stop the application
    handler.setFormatter(_ScrubbingFormatter(scrub))
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler


def stop_logging(handler: logging.Handler | None) -> None:
    """Detach and close a handler from ``setup_logging``."""
    if handler is not None:
        logging.getLogger("regal_desktop").removeHandler(handler)
        handler.close()


def report_unexpected(error: BaseException, paths: AppPaths, scrub: Scrub = _as_is) -> str:
    """Log ``error`` with its traceback; return the one sentence to show a person, its
    text through ``scrub``."""
    logging.getLogger("regal_desktop").error(
        "unexpected error", exc_info=(type(error), error, error.__traceback__)
    )
    text = scrub(str(error))
    what = text.splitlines()[0] if text.strip() else type(error).__name__
    return f"Something went wrong: {what}. The details are in {log_file(paths)}."
