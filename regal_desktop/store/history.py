"""The history: what was sent, when, by whom, what Regal answered, and consent evidence.

Read-only views over the outbox tables. Times are the stored UTC ISO strings; filters
accept any ISO 8601 date or time (a date alone for ``until`` covers that whole day).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from regal_desktop.store.directory import Directory, lookup_keys
from regal_desktop.store.requests import RequestRow
from regal_desktop.store.states import RequestState

if TYPE_CHECKING:
    from regal_desktop.domain.model import Channel


@dataclass(frozen=True)
class AttemptRow:
    """One attempt to send a request."""

    id: int
    request_id: int
    started_at: str
    finished_at: str
    status: int | None
    answer: str
    endpoint: str | None = None  # where it was posted (None before schema version 2)
    batch: str | None = None  # the Segment batch it was part of (schema 5)


@dataclass(frozen=True)
class TimelineEntry:
    """One consent change on a number or address, with the request that carried it."""

    request_id: int
    queued_at: str
    operator: str
    profile: str
    state: RequestState
    finished_at: str | None
    kind: str
    point: str
    channel: Channel
    subscribed: bool
    text: str | None
    ip: str | None
    timestamp: str | None
    source: str | None


@dataclass(frozen=True)
class ImportBatch:
    """The requests one CSV import queued: its file, when, and how many."""

    file: str  # the CSV file's path, as the import named it
    queued_at: str  # the stored UTC time the import queued its requests
    requests: int

    @property
    def name(self) -> str:
        """The file's name without its folder."""
        return self.file.replace("\\", "/").rpartition("/")[2]


#: The file an origin names: ``FILE:LINE`` (a row of an import, a payload of a file) or
#: ``FILE`` alone, without the line.
_ORIGIN_FILE = (
    "CASE WHEN rtrim(origin, '0123456789') GLOB '*?:' AND origin GLOB '*[0-9]' "
    "THEN substr(origin, 1, length(rtrim(origin, '0123456789')) - 1) ELSE origin END"
)


def _stored(moment: datetime) -> str:
    """A datetime in the stored format (see ``db.utc_now``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse(text: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{name} {text!r} is not a date or time; write it like 2024-05-01 or "
            "2024-05-01T13:30:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _is_date(text: str) -> bool:
    return len(text.strip()) == len("2024-05-01")


class _Filter:
    """The WHERE clause shared by ``search`` and ``evidence`` (on ``requests r``)."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.args: list[Any] = []

    def add(self, clause: str, *args: Any) -> None:
        self.clauses.append(clause)
        self.args.extend(args)

    @property
    def where(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""


class History:
    """Search requests and consent changes; export evidence."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.directory = Directory(conn)

    def _filter(
        self,
        contact: str | None,
        since: str | None,
        until: str | None,
        states: Collection[str] | None,
        imports: Collection[ImportBatch] | None = None,
    ) -> _Filter:
        where = _Filter()
        if imports is not None:
            # Each batch by its queue time (indexed), then by its file, with or without a line.
            batches = [
                "(r.created_at = ? AND (r.origin = ? OR (r.origin > ? AND r.origin < ?)))"
                for _ in imports
            ]
            where.add(
                f"({' OR '.join(batches) or '0'})",
                *(
                    arg
                    for batch in imports
                    for arg in (batch.queued_at, batch.file, batch.file + ":", batch.file + ";")
                ),
            )
        if contact is not None and contact.strip():
            keys = self.directory.keys_for(contact)
            marks = ",".join("?" * len(keys))
            where.add(
                f"r.id IN (SELECT request_id FROM request_keys WHERE key IN ({marks}))", *keys
            )
        if since is not None:
            where.add("r.created_at >= ?", _stored(_parse(since, "since")))
        if until is not None:
            end = _parse(until, "until")
            if _is_date(until):
                where.add("r.created_at < ?", _stored(end + timedelta(days=1)))
            else:
                where.add("r.created_at <= ?", _stored(end))
        if states is not None:
            unknown = set(states) - set(RequestState)
            if unknown:
                raise ValueError(
                    f"unknown request state {', '.join(sorted(unknown))}; "
                    f"the states are {RequestState.names()}"
                )
            where.add(f"r.state IN ({','.join('?' * len(states))})", *states)
        return where

    def search(
        self,
        contact: str | None = None,
        since: str | None = None,
        until: str | None = None,
        states: Collection[str] | None = None,
        channel: str | None = None,
        limit: int = 500,
        imports: Collection[ImportBatch] | None = None,
    ) -> list[RequestRow]:
        """Requests, newest first. ``contact`` is any phone, e-mail or userId of a contact
        (all its identifiers count); ``channel`` keeps requests with a consent change on it;
        ``imports`` keeps the requests of these imports (``imports()``)."""
        where = self._filter(contact, since, until, states, imports)
        if channel is not None:
            from regal_desktop.domain.model import Channel  # the domain loads when needed

            where.add(
                "r.id IN (SELECT request_id FROM consent_changes WHERE channel = ?)",
                Channel(channel).value,
            )
        rows = self.conn.execute(
            f"SELECT r.* FROM requests r{where.where} ORDER BY r.created_at DESC, r.id DESC "
            "LIMIT ?",
            (*where.args, limit),
        )
        return [RequestRow.from_row(row) for row in rows]

    def earlier_bodies(self, request: RequestRow, limit: int = 200) -> list[str]:
        """The bodies of the contact's requests queued before ``request`` (sharing a phone,
        e-mail or userId with it), newest first, leaving out the rejected and dropped."""
        import json

        from regal_desktop.domain.profile import identity_keys  # loads when needed

        try:
            keys = identity_keys(json.loads(request.body))
        except (ValueError, AttributeError, TypeError):
            return []
        if not keys:
            return []
        rows = self.conn.execute(
            "SELECT body FROM requests WHERE id IN (SELECT request_id FROM request_keys "
            f"WHERE key IN ({','.join('?' * len(keys))})) "
            "AND (created_at < ? OR (created_at = ? AND id < ?)) AND state NOT IN (?, ?) "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            (
                *keys,
                request.created_at,
                request.created_at,
                request.id,
                RequestState.REJECTED.value,
                RequestState.DROPPED.value,
                limit,
            ),
        )
        return [row[0] for row in rows]

    def imports(self, limit: int = 200) -> list[ImportBatch]:
        """The CSV imports, newest first: requests queued together from one ``.csv`` file
        (their origin is ``FILE:LINE``, or the file alone)."""
        rows = self.conn.execute(
            f"SELECT file, created_at, count(*) FROM (SELECT {_ORIGIN_FILE} AS file, "
            "created_at FROM requests WHERE origin NOT IN ('', 'editor') "
            "AND origin NOT GLOB 'fix:*') WHERE lower(file) GLOB '*?.csv' "
            "GROUP BY file, created_at ORDER BY created_at DESC, file LIMIT ?",
            (limit,),
        )
        return [ImportBatch(file, queued_at, int(count)) for file, queued_at, count in rows]

    def imports_named(self, name: str) -> list[ImportBatch]:
        """The imports of the CSV file ``name`` (its path, or its name without a folder)."""
        name = name.strip()
        return [b for b in self.imports(limit=-1) if name in (b.file, b.name)]

    def attempts(self, request_id: int) -> list[AttemptRow]:
        """Every attempt to send the request, first first."""
        rows = self.conn.execute(
            "SELECT * FROM attempts WHERE request_id = ? ORDER BY id", (request_id,)
        )
        return [AttemptRow(**dict(row)) for row in rows]

    def consent_timeline(self, point: str, channel: str | None = None) -> list[TimelineEntry]:
        """Every consent change on a phone number (any format) or e-mail, oldest first."""
        from regal_desktop.domain.model import Channel  # the domain loads when needed

        points = [
            key.partition(":")[2] for key in lookup_keys(point) if not key.startswith("user:")
        ]
        if not points:
            return []
        sql = (
            "SELECT c.*, r.created_at AS queued_at, r.operator, r.profile, r.state, "
            "r.finished_at FROM consent_changes c JOIN requests r ON r.id = c.request_id "
            f"WHERE c.point IN ({','.join('?' * len(points))})"
        )
        args: list[Any] = list(points)
        if channel is not None:
            sql += " AND c.channel = ?"
            args.append(Channel(channel).value)
        rows = self.conn.execute(sql + " ORDER BY r.created_at, c.id", args)
        return [
            TimelineEntry(
                request_id=row["request_id"],
                queued_at=row["queued_at"],
                operator=row["operator"],
                profile=row["profile"],
                state=RequestState(row["state"]),
                finished_at=row["finished_at"],
                kind=row["kind"],
                point=row["point"],
                channel=Channel(row["channel"]),
                subscribed=bool(row["subscribed"]),
                text=row["text"],
                ip=row["ip"],
                timestamp=row["timestamp"],
                source=row["source"],
            )
            for row in rows
        ]

    def evidence(
        self,
        contact: str | None = None,
        since: str | None = None,
        until: str | None = None,
        states: Collection[str] | None = None,
        channel: str | None = None,
        imports: Collection[ImportBatch] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """One dict per consent change, oldest first, for CSV or JSON export.

        Keys: point, kind, channel, subscribed, text, ip, timestamp, source, operator,
        profile, endpoint (where the request was sent, or is to be), queued_at,
        accepted_at (when Regal accepted it; None unless delivered), state, request_id,
        sha256 (of the exact body sent). ``imports`` keeps the changes of these imports.
        """
        where = self._filter(contact, since, until, states, imports)
        if channel is not None:
            from regal_desktop.domain.model import Channel  # the domain loads when needed

            where.add("c.channel = ?", Channel(channel).value)
        rows = self.conn.execute(
            "SELECT c.point, c.kind, c.channel, c.subscribed, c.text, c.ip, c.timestamp, "
            "c.source, r.operator, r.profile, r.endpoint, r.created_at AS queued_at, "
            f"CASE r.state WHEN '{RequestState.DELIVERED}' THEN r.finished_at END AS accepted_at, "
            "r.state, r.id AS request_id, r.sha256 "
            f"FROM consent_changes c JOIN requests r ON r.id = c.request_id{where.where} "
            "ORDER BY r.created_at, c.id",
            where.args,
        )
        # A generator expression, not a generator function: bad filters fail at the call.
        return ({**dict(row), "subscribed": bool(row["subscribed"])} for row in rows)


__all__ = ["AttemptRow", "History", "ImportBatch", "TimelineEntry"]
