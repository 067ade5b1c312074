"""What a delivery run reports: progress while it runs and a summary at the end.

Kept apart from the sender so the window can name these types without loading the HTTP
client at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Progress:
    """Counts for a progress bar: this run's outcomes and what is waiting."""

    delivered: int
    rejected: int
    held: int
    retrying: int
    queued: int
    in_flight: int


@dataclass
class Summary:
    """How a run ended, with a sentence to show the user."""

    delivered: int
    rejected: int
    held: int
    remaining: int
    auth_failed: bool
    message: str
