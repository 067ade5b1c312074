"""How long delivery waits: for an answer, and before a retry. Standard library only, so
account settings can name these without loading the HTTP client."""

from __future__ import annotations

#: Seconds an attempt waits for Regal's answer, unless the account says otherwise: long
#: enough for a slow day, since a request given up on may still arrive (a duplicate).
DEFAULT_TIMEOUT = 60.0
#: The longest wait before a retry, unless the account says otherwise: a ``Retry-After``
#: asking for more, or a clock set back, waits this long at most.
DEFAULT_MAX_WAIT = 3600.0
#: An attempt after earlier ones waits longer each time, up to this many times the
#: account's timeout: a receiver slower than the timeout is given up on a bounded number
#: of times, then answered in time.
TIMEOUT_GROWTH = 8


#: How long delivery waits (seconds) for a team database that stopped answering before it
#: gives up with one line (the answers it holds are then sent again by the next run).
STORE_PATIENCE = 600.0


def attempt_timeout(timeout: float, attempt: int) -> float:
    """How long attempt number ``attempt`` (1 for the first) waits for an answer: the
    account's ``timeout``, doubled for each attempt before it, at most ``TIMEOUT_GROWTH``
    times. A receiver that answers, however slowly, is eventually waited for."""
    return timeout * min(float(TIMEOUT_GROWTH), 2.0 ** max(0, attempt - 1))


__all__ = [
    "DEFAULT_MAX_WAIT",
    "DEFAULT_TIMEOUT",
    "STORE_PATIENCE",
    "TIMEOUT_GROWTH",
    "attempt_timeout",
]
