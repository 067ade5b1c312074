"""What a delivery run reports: progress while it runs, a summary at the end, and
Regal's answer to one attempt in one line.

Kept apart from the sender so the window can name these without loading the HTTP client
at start-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from regal_desktop.domain.visible import visible

#: How much of Regal's message an answer line keeps.
_ANSWER_LIMIT = 300


@dataclass
class Progress:
    """Counts for a progress bar: this run's outcomes and what is waiting."""

    delivered: int
    rejected: int
    held: int
    retrying: int
    queued: int
    in_flight: int
    #: Why delivery waits for the store ("the team database at ... is not reachable"),
    #: "" while it can be written: the answers wait in memory, nothing is lost.
    store_down: str = ""


@dataclass
class Summary:
    """How a run ended, with a sentence to show the user."""

    delivered: int
    rejected: int
    held: int
    remaining: int
    auth_failed: bool
    message: str


def regal_answer(status: int | None, answer: str | None) -> str:
    """Regal's answer in one line: ``HTTP 400: phone is invalid``, or the network error.

    ``answer`` is the stored body (or the error text when no HTTP answer came back); a
    JSON body's ``message`` is what people read (Segment's ``{"success": true}`` reads
    ``success``), white space is folded, and control
    characters (a terminal's escape sequences) are shown as escapes (``\\x1b``), never obeyed.
    """
    if not answer and status is None:
        return ""
    if status is None:
        return visible(" ".join((answer or "").split()))
    message = answer or ""
    try:
        parsed = json.loads(message)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
        message = parsed["message"]
    elif parsed == {"success": True}:
        message = "success"  # Segment's whole answer to an accepted call
    message = visible(" ".join(message.split()))
    if len(message) > _ANSWER_LIMIT:
        message = message[:_ANSWER_LIMIT] + "…"
    return f"HTTP {status}: {message}" if message else f"HTTP {status}"


__all__ = ["Progress", "Summary", "regal_answer"]
