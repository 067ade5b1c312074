"""The consent changes Regal accepted: what this desk sent, on delivered requests.

The merged known state and reconciliation read them beside Regal's own events
(``store.events``). One query each: every accepted change in one pass (reconcile reads
a hundred thousand), or the latest per number or address and channel of one contact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from regal_desktop.store.states import RequestState

_SELECT = (
    "SELECT c.kind, c.point, c.channel, c.subscribed, c.timestamp, c.text, c.ip, c.source, "
    "c.change, r.id AS request_id, r.finished_at, r.operator "
    "FROM consent_changes c JOIN requests r ON r.id = c.request_id WHERE r.state = ?"
)


@dataclass(slots=True)
class AcceptedChange:
    """One consent object of a request Regal accepted (read-only: not frozen, so a
    hundred thousand are made fast)."""

    kind: str  # 'phone' or 'email'
    point: str
    channel: str  # 'voice', 'sms', 'email'
    subscribed: bool
    timestamp: str | None  # the consent time as sent
    text: str | None
    ip: str | None
    source: str | None
    restatement: bool  # sent again on purpose, the state already known
    request_id: int
    accepted_at: str  # when Regal accepted the request (stored UTC)
    operator: str


def _change(row: sqlite3.Row) -> AcceptedChange:
    # By position: a hundred thousand rows, and a lookup by name costs more than the rest.
    kind, point, channel, subscribed, timestamp, text, ip, source, change = row[:9]
    return AcceptedChange(
        kind, point, channel, bool(subscribed), timestamp, text, ip, source,
        change == "restatement", int(row[9]), row[10] or "", row[11],
    )  # fmt: skip


def regal_events_exist(conn: sqlite3.Connection) -> bool:
    """Whether any of Regal's events is stored (one look, whatever their number): without
    any, the known state is the directory's alone."""
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM regal_events)").fetchone()[0])


class AcceptedChanges:
    """Reads of the consent changes on delivered requests."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def all(self) -> Iterator[AcceptedChange]:
        """Every accepted change, in the order Regal accepted them (read as it goes on SQLite)."""
        cursor = self.conn.execute(
            _SELECT + " ORDER BY r.finished_at, c.id", (RequestState.DELIVERED.value,)
        )
        yield from map(_change, cursor)  # SQLite reads as it goes

    def latest(self, points: Collection[str]) -> dict[tuple[str, str], AcceptedChange]:
        """The change Regal accepted last for each of ``points`` and each channel."""
        if not points:
            return {}
        marks = ",".join("?" * len(points))
        rows = self.conn.execute(
            f"{_SELECT} AND c.point IN ({marks}) ORDER BY r.finished_at, c.id",
            (RequestState.DELIVERED.value, *points),
        )
        return {(row[1], row[2]): _change(row) for row in rows}


__all__ = ["AcceptedChange", "AcceptedChanges", "regal_events_exist"]
