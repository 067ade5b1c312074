"""One schedule of send times per account, shared by every desk and process sending for it.

An account's rate is a ceiling at the receiver for everyone together, so the send times
are handed out by the store, not by each sender: ``send_slots`` holds, per account, the
next free send time (unix seconds). A sender reserves a run of ``count`` times in one
short write (``reserve``): they start at the later of now and that next free time and are
``spacing`` seconds apart, and the next free time moves past them. No two reservations
overlap, whoever makes them; a sender that dies with times left over simply leaves a gap.

The statement is one ``INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING`` in a write
transaction, which SQLite and PostgreSQL both run atomically (the row is locked while it
changes), so the same SQL serves both stores. Send times are the store's time: on
PostgreSQL, desks on several computers keep to the server's clock (``clock_offset``), so
a desk whose clock is off cannot send on top of another's times.
"""

from __future__ import annotations

import math
import sqlite3
import time

from regal_desktop.store.db import transaction
from regal_desktop.store.sql import POSTGRESQL, dialect

#: A next free time further ahead than this (seconds) means the clock was set back (or
#: the store's times came from a clock that was ahead): the schedule starts again from
#: now rather than wait that long. Desks keep it a fraction of a second ahead each.
CLOCK_SET_BACK = 60.0

_RESERVE = (
    "INSERT INTO send_slots (profile, next_at) VALUES (?, ?) "
    "ON CONFLICT (profile) DO UPDATE SET next_at = "
    "CASE WHEN send_slots.next_at > ? AND send_slots.next_at <= ? THEN send_slots.next_at "
    "ELSE ? END + ? "
    "RETURNING next_at"
)


class SendSchedule:
    """The shared send times of every account in the store behind ``conn``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def reserve(
        self, profile: str, count: int, spacing: float, now: float | None = None
    ) -> list[float]:
        """Reserve ``count`` send times for ``profile``, ``spacing`` seconds apart, from the
        later of ``now`` (default: the clock) and the account's next free time (unless that
        is more than ``CLOCK_SET_BACK`` ahead); return them, earliest first. Nobody else,
        in this process or another, gets any of them."""
        if count < 1:
            raise ValueError(f"reserve at least one send time, got {count}")
        if not 0 < spacing < math.inf:
            raise ValueError(f"send times must be a positive time apart, got {spacing:g} s")
        moment = time.time() if now is None else now
        span = count * spacing
        with transaction(self.conn):
            (after,) = self.conn.execute(
                _RESERVE, (profile, moment + span, moment, moment + CLOCK_SET_BACK, moment, span)
            ).fetchone()
        first = float(after) - span
        return [first + number * spacing for number in range(count)]

    def clock_offset(self) -> tuple[float, float]:
        """Seconds to add to this computer's clock to read the store's, and how far off
        that may be: (0, 0) for a SQLite file (the store is on this computer); for
        PostgreSQL the server's clock, read now, to within half the round trip."""
        if dialect(self.conn).name != POSTGRESQL:
            return 0.0, 0.0
        before = time.time()
        (server,) = self.conn.execute("SELECT extract(epoch FROM clock_timestamp())").fetchone()
        after = time.time()
        return float(server) - (before + after) / 2, (after - before) / 2

    def next_free(self, profile: str) -> float | None:
        """The first send time nobody holds for ``profile`` (None: never reserved)."""
        row = self.conn.execute(
            "SELECT next_at FROM send_slots WHERE profile = ?", (profile,)
        ).fetchone()
        return None if row is None else float(row[0])


__all__ = ["SendSchedule"]
