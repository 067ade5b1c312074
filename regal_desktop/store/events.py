"""Regal's own contact events, kept once each (table ``regal_events``, schema 6).

``Store.events`` adds what ``events import`` and ``listen`` read and answers the
questions the merged state and reconciliation ask: the latest event for a number or
address on a channel, every event about a point or a userId, and all of them in time
order. An event is known by its identity (message id, else content hash): adding it again
changes nothing.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import orjson

from regal_desktop.store.db import transaction, utc_now

if TYPE_CHECKING:  # the domain loads when events are read, not when the store opens
    from regal_desktop.domain.reconcile import Reported
    from regal_desktop.domain.regal_events import RegalEvent

#: Rows written per ``executemany`` inside the one transaction of ``add``.
_CHUNK = 5000

#: Identities looked up per statement (SQLite allows 999 parameters in old builds).
_PARAMETERS = 900

_COLUMNS = (
    "id, identity, event, kind, point, channel, subscribed, user_id, source, text, ip, "
    "timestamp, stored_at, origin, raw"
)
_INSERT = (
    "INSERT INTO regal_events (identity, event, kind, point, channel, subscribed, user_id, "
    "source, text, ip, timestamp, stored_at, origin, raw) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (identity) DO NOTHING"
)
#: Consent time, or when this desk stored it for an event that names no time.
_WHEN = "coalesce(timestamp, stored_at)"


@dataclass(slots=True)
class EventRow:
    """One stored event: the columns of ``regal_events`` (``raw`` as JSON text).
    Read-only by convention (not frozen: reconcile reads a hundred thousand, and frozen
    ones built by keyword took three times longer)."""

    id: int
    identity: str
    event: str
    kind: str | None
    point: str | None
    channel: str | None
    subscribed: bool | None
    user_id: str | None
    source: str | None
    text: str | None
    ip: str | None
    timestamp: str | None
    stored_at: str
    origin: str
    raw: str

    @property
    def event_object(self) -> dict[str, Any]:
        """The event as it was received (``raw`` read back)."""
        value = json.loads(self.raw)
        return value if isinstance(value, dict) else {}


def _row(row: sqlite3.Row) -> EventRow:
    # By position, in the order of ``_COLUMNS``: a lookup by name costs more than the rest.
    subscribed = row[6]
    return EventRow(
        row[0], row[1], row[2], row[3], row[4], row[5],
        None if subscribed is None else bool(subscribed),
        row[7], row[8], row[9], row[10], row[11], row[12], row[13], row[14],
    )  # fmt: skip


#: What a reported consent change needs, in the order ``_reported`` takes it (no
#: ``raw``: the events as received are not read to reconcile).
_REPORTED = (
    "point, channel, subscribed, coalesce(timestamp, stored_at), identity, event, kind, "
    "source, text, ip, user_id, origin"
)


@functools.cache
def _reported_type() -> type[Reported]:
    from regal_desktop.domain.reconcile import Reported

    return Reported


def _reported(
    point: str | None,
    channel: str | None,
    subscribed: int | bool | None,
    at: str,
    identity: str,
    event: str,
    kind: str | None,
    source: str | None,
    text: str | None,
    ip: str | None,
    user_id: str | None,
    origin: str,
) -> Reported | None:
    """The one way a stored event becomes a reported consent change (None for other
    events); its consent time, else when it was stored."""
    if subscribed is None or point is None or channel is None:
        return None
    return _reported_type()(
        point, channel, bool(subscribed), at, identity, event,
        kind or ("email" if "@" in point else "phone"), source, text, ip, user_id, origin,
    )  # fmt: skip


def reported(row: EventRow) -> Reported | None:
    """A stored event as a reported consent change (None for other events)."""
    return _reported(
        row.point, row.channel, row.subscribed, row.timestamp or row.stored_at, row.identity,
        row.event, row.kind, row.source, row.text, row.ip, row.user_id, row.origin,
    )  # fmt: skip


def _values(event: RegalEvent, origin: str, stored_at: str) -> tuple[Any, ...]:
    subscribed = None if event.subscribed is None else int(event.subscribed)
    try:
        raw = orjson.dumps(event.raw, default=str).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):  # what orjson refuses (huge integers)
        raw = json.dumps(event.raw, ensure_ascii=False, separators=(",", ":"), default=str)
    return (
        event.identity,
        event.event,
        event.kind,
        event.point,
        event.channel,
        subscribed,
        event.user_id,
        event.source,
        event.text,
        event.ip,
        event.timestamp,
        stored_at,
        origin,
        raw,
    )


class Events:
    """The events Regal reported, over one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add(self, events: Iterable[RegalEvent], origin: str) -> int:
        """Store the events not already known (by identity), all from ``origin``
        (``'listen'``, a file name), in one transaction; how many were new."""
        return self.add_from((event, origin) for event in events)

    def add_from(self, pairs: Iterable[tuple[RegalEvent, str]]) -> int:
        """Like ``add``, each event with its own origin (``'FILE:LINE'``). Reads
        ``pairs`` in chunks, so a hundred thousand events never sit in memory twice."""
        stored_at = utc_now()
        items = iter(pairs)
        before = self.conn.total_changes
        with transaction(self.conn):
            while chunk := list(islice(items, _CHUNK)):
                self.conn.executemany(
                    _INSERT, [_values(event, origin, stored_at) for event, origin in chunk]
                )
        return self.conn.total_changes - before

    def add_each(self, events: Iterable[RegalEvent], origin: str) -> list[bool]:
        """Like ``add``, saying for each event whether it was new (True) or already
        known (stored before, or earlier in ``events``): for the receiver, which prints
        one line per event. A few statements whatever the number of events: the receiver
        commits a whole group of requests at once."""
        listed = list(events)
        stored_at = utc_now()
        new: list[bool] = []
        with transaction(self.conn):
            known = self._known_of([event.identity for event in listed])
            rows = []
            for event in listed:
                is_new = event.identity not in known
                new.append(is_new)
                if is_new:
                    known.add(event.identity)
                    rows.append(_values(event, origin, stored_at))
            self.conn.executemany(_INSERT, rows)
        return new

    def _known_of(self, identities: list[str]) -> set[str]:
        """Which of ``identities`` are stored."""
        found: set[str] = set()
        for start in range(0, len(identities), _PARAMETERS):
            part = identities[start : start + _PARAMETERS]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT identity FROM regal_events WHERE identity IN ({marks})", part
            )
            found.update(row[0] for row in rows)
        return found

    def count(self) -> int:
        """How many events are stored."""
        return int(self.conn.execute("SELECT count(*) FROM regal_events").fetchone()[0])

    def known(self, identity: str) -> bool:
        """True when an event with this identity is stored."""
        found = self.conn.execute(
            "SELECT 1 FROM regal_events WHERE identity = ?", (identity,)
        ).fetchone()
        return found is not None

    def latest(self, point: str, channel: str) -> EventRow | None:
        """The latest subscription event (by consent time) for ``point`` on ``channel``
        (``voice``, ``sms``, ``email``; any case), or None."""
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM regal_events "
            "WHERE point = ? AND channel = ? AND subscribed IS NOT NULL "
            f"ORDER BY {_WHEN} DESC, id DESC LIMIT 1",
            (point, channel.lower()),
        ).fetchone()
        return _row(row) if row is not None else None

    def for_point(self, point: str) -> list[EventRow]:
        """Every event about the number or address ``point``, oldest first."""
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM regal_events WHERE point = ? ORDER BY {_WHEN}, id",
            (point,),
        )
        return [_row(row) for row in rows]

    def for_user(self, user_id: str) -> list[EventRow]:
        """Every event naming ``user_id``, oldest first."""
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM regal_events WHERE user_id = ? ORDER BY {_WHEN}, id",
            (user_id,),
        )
        return [_row(row) for row in rows]

    def since(self, moment: str | None = None) -> Iterator[EventRow]:
        """Every event whose consent time is ``moment`` (store UTC form) or later, all of
        them when None, in time order (an event without a time counts at when it was
        stored). SQLite reads as it goes: a hundred thousand rows are not all held at once."""
        where, args = ("", ()) if moment is None else (f"WHERE {_WHEN} >= ?", (moment,))
        cursor = self.conn.execute(
            f"SELECT {_COLUMNS} FROM regal_events {where} ORDER BY {_WHEN}, id", args
        )
        yield from map(_row, cursor)  # SQLite reads as it goes

    def all_reported(self) -> Iterator[Reported]:
        """Every consent change Regal reported, in time order, read as it goes (only the
        columns a reported change holds: reconcile reads a hundred thousand)."""
        cursor = self.conn.execute(
            f"SELECT {_REPORTED} FROM regal_events WHERE subscribed IS NOT NULL "
            f"ORDER BY {_WHEN}, id"
        )
        for row in cursor:
            found = _reported(*row)
            if found is not None:
                yield found

    def reported_for(self, points: Iterable[str]) -> list[Reported]:
        """Every consent change Regal reported for the numbers or addresses ``points``
        (indexed by point), oldest first."""
        wanted = list(dict.fromkeys(points))
        found: list[Reported] = []
        for start in range(0, len(wanted), _PARAMETERS):
            part = wanted[start : start + _PARAMETERS]
            rows = self.conn.execute(
                f"SELECT {_REPORTED} FROM regal_events WHERE point IN "
                f"({','.join('?' * len(part))}) AND subscribed IS NOT NULL "
                f"ORDER BY {_WHEN}, id",
                part,
            )
            found += filter(None, (_reported(*row) for row in rows))
        return found


__all__ = ["EventRow", "Events", "reported"]
