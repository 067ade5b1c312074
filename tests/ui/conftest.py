"""Fixtures for every window test, from ``tests.helpers`` (one place for all of them)."""

from tests.helpers.desk import open_desk
from tests.helpers.editor import now_text, prompts, window, window_context
from tests.helpers.sending import open_window
from tests.helpers.servers import fussy_regal, sandbox, slow_sandbox

__all__ = [
    "fussy_regal",
    "now_text",
    "open_desk",
    "open_window",
    "prompts",
    "sandbox",
    "slow_sandbox",
    "window",
    "window_context",
]
