"""Fixtures for every window test, from ``tests.helpers`` (one place for all of them)."""

from tests.helpers.desk import desk, editor, now_text, open_desk
from tests.helpers.servers import fussy_regal, sandbox, slow_sandbox

__all__ = [
    "desk",
    "editor",
    "fussy_regal",
    "now_text",
    "open_desk",
    "sandbox",
    "slow_sandbox",
]
