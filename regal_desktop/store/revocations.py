"""Opt-outs this desk recorded, with what became of their requests, and retired points.

A *revocation* is a consent change to ``subscribed: false`` that changed the state (not a
restatement). It counts as accepted by Regal once a request carrying the same opt-out
(same number or address and channel) was delivered: its own request, or a later one (a
fixed copy queued in place of a rejected request, a second send). ``accepted_at`` is
when the first of those was accepted.

A *retired point* is a number or address the desk unsubscribed on every channel because
it no longer belongs to the contact (Regal cannot delete one from a profile).
"""

from __future__ import annotations

import bisect
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from regal_desktop.store.db import transaction
from regal_desktop.store.states import RequestState


@dataclass(frozen=True)
class RevocationRow:
    """One opt-out as recorded: the consent change, its request and Regal's acceptance."""

    change_id: int
    request_id: int
    kind: str  # 'phone' or 'email'
    point: str  # E.164 number or lower-cased e-mail address
    channel: str  # 'voice', 'sms' or 'email'
    timestamp: str | None  # the consent object's time, as written
    received_at: str | None  # when the person asked, where the operator said so
    method: str | None  # how it was received (``domain.consent.OPT_OUT_METHODS``)
    reason: str | None
    queued_at: str  # the request's created_at (UTC)
    state: RequestState  # the state of its own request
    operator: str
    accepted_at: str | None  # when Regal accepted this opt-out (UTC), None: not yet
    accepted_by: int | None  # the request Regal accepted it in

    def __post_init__(self) -> None:
        # The database holds the plain value; the rules come with the enum.
        object.__setattr__(self, "state", RequestState(self.state))


@dataclass(frozen=True)
class RetiredPoint:
    """A number or address retired from its contact."""

    key: str  # 'phone:+1…' or 'email:…'
    request_id: int | None
    reason: str
    retired_at: str  # UTC


_REVOKED = """
    SELECT c.id AS change_id, c.request_id, c.kind, c.point, c.channel, c.timestamp,
           c.received_at, c.method, c.reason, r.created_at AS queued_at, r.state, r.operator
    FROM consent_changes c JOIN requests r ON r.id = c.request_id
    WHERE c.subscribed = 0 AND c.change = 'change'
    ORDER BY c.id
"""

_ACCEPTED = """
    SELECT c.point, c.channel, c.request_id, r.finished_at
    FROM consent_changes c JOIN requests r ON r.id = c.request_id
    WHERE c.subscribed = 0 AND r.state = 'delivered'
    ORDER BY c.request_id
"""


#: Records one retired point ``(key, request_id, reason, retired_at)``; again replaces it.
RETIRE = (
    "INSERT INTO retired_points (key, request_id, reason, retired_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
    "request_id = excluded.request_id, reason = excluded.reason, "
    "retired_at = excluded.retired_at"
)


class Revocations:
    """Every opt-out the desk recorded, and the points it retired."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def all(self) -> list[RevocationRow]:
        """Every revocation, in the order they were recorded."""
        # Delivered opt-outs per point and channel, by request id: the first at or after
        # a revocation's own request is the one that honoured it.
        delivered: dict[tuple[str, str], tuple[list[int], list[str]]] = defaultdict(
            lambda: ([], [])
        )
        for row in self.conn.execute(_ACCEPTED):
            ids, times = delivered[(row["point"], row["channel"])]
            ids.append(int(row["request_id"]))
            times.append(row["finished_at"] or "")
        found = []
        for row in self.conn.execute(_REVOKED):
            accepted_at, accepted_by = None, None
            ids, times = delivered.get((row["point"], row["channel"]), ([], []))
            at = bisect.bisect_left(ids, int(row["request_id"]))
            if at < len(ids):  # the earliest acceptance among those requests
                accepted_at, accepted_by = min(zip(times[at:], ids[at:], strict=True))
            found.append(
                RevocationRow(
                    **{k: row[k] for k in row.keys()},  # noqa: SIM118 - sqlite3.Row
                    accepted_at=accepted_at,
                    accepted_by=accepted_by,
                )
            )
        return found

    def retire(self, key: str, request_id: int | None, reason: str, at: str) -> None:
        """Record ``key`` as retired by ``request_id`` (joins the caller's transaction, so
        it is kept exactly when the request is queued). Retiring again replaces it."""
        with transaction(self.conn):
            self.conn.execute(RETIRE, (key, request_id, reason, at))

    def any_retired(self) -> bool:
        """Whether any point was retired at all."""
        # A search on the key, not a scan: the directory's searches never scan a table.
        return (
            self.conn.execute("SELECT 1 FROM retired_points WHERE key >= '' LIMIT 1").fetchone()
            is not None
        )

    def retired(self, keys: Iterable[str]) -> dict[str, RetiredPoint]:
        """The retired points among ``keys`` (``phone:+1…``, ``email:…``), by key."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, RetiredPoint] = {}
        for start in range(0, len(wanted), 500):  # under SQLite's limit of bound values
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT key, request_id, reason, retired_at FROM retired_points "
                f"WHERE key IN ({marks})",
                part,
            )
            for row in rows:
                found[row["key"]] = RetiredPoint(**dict(row))
        return found


__all__ = ["RETIRE", "RetiredPoint", "RevocationRow", "Revocations"]
