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
    #: 'change' when the state differs from what was known when it was queued (or nothing
    #: was known), 'restatement' when it sent the known state again (schema 4).
    change: str = "change"
    was: bool | None = None  # the known subscribed state when it was queued; None: none
    reason: str | None = None  # the operator's reason
    proof: str | None = None  # call recording id, ticket, form URL
    method: str | None = None  # how an opt-out was received (``OPT_OUT_METHODS``)
    received_at: str | None = None  # when the person asked (an opt-out)
    template: str | None = None  # the consent wording's name
    template_version: str | None = None

    @property
    def is_change(self) -> bool:
        """True for a change of state; False for a restatement of the known one."""
        return self.change == "change"


@dataclass(frozen=True)
class StoredConsent:
    """One consent object a request carried, as the history stored it when queued."""

    request_id: int
    kind: str
    point: str
    channel: Channel
    subscribed: bool
    change: str  # 'change' or 'restatement'
    was: bool | None

    @property
    def is_change(self) -> bool:
        """True for a change of state; False for a restatement of the known one."""
        return self.change == "change"


#: The evidence columns of ``consent_changes`` (schema 4), as ``evidence`` yields them.
_EVIDENCE = "c.change, c.was, c.reason, c.proof, c.method, c.received_at, c.template, "
_EVIDENCE += "c.template_version"


#: Which route carried the request (schema 5): 'regal' or 'segment', the base of its
#: Segment message ids, and the batch of the attempt that delivered it (its last one).
_ROUTE = (
    "r.route, r.message_id, "
    f"CASE r.state WHEN '{RequestState.DELIVERED}' THEN (SELECT a.batch FROM attempts a "
    "WHERE a.request_id = r.id ORDER BY a.id DESC LIMIT 1) END AS batch"
)


def _was(value: Any) -> bool | None:
    return None if value is None else bool(value)


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
#: ``FILE`` alone, without the line. Written for SQLite and PostgreSQL alike (no GLOB):
#: it ends in a digit when trimming digits shortens it, then in ':' after the file.
_ORIGIN_FILE = (
    "CASE WHEN length(rtrim(origin, '0123456789')) BETWEEN 2 AND length(origin) - 1 "
    "AND substr(rtrim(origin, '0123456789'), length(rtrim(origin, '0123456789'))) = ':' "
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
                f"({' OR '.join(batches) or '1 = 0'})",
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
        (their origin is ``FILE:LINE``, or the file alone); every one for a negative
        ``limit``."""
        rows = self.conn.execute(
            f"SELECT file, created_at, count(*) FROM (SELECT {_ORIGIN_FILE} AS file, "
            "created_at FROM requests WHERE origin NOT IN ('', 'editor') "
            "AND substr(origin, 1, 4) != 'fix:') AS origins "
            "WHERE length(file) > 4 AND lower(substr(file, length(file) - 3)) = '.csv' "
            "GROUP BY file, created_at ORDER BY created_at DESC, file"
            + ("" if limit < 0 else " LIMIT ?"),
            () if limit < 0 else (limit,),
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
                change=row["change"],
                was=_was(row["was"]),
                reason=row["reason"],
                proof=row["proof"],
                method=row["method"],
                received_at=row["received_at"],
                template=row["template"],
                template_version=row["template_version"],
            )
            for row in rows
        ]

    def consent_of(self, request_ids: Collection[int]) -> dict[int, list[StoredConsent]]:
        """The consent objects each request carried, in one query (a page of History):
        request id -> its rows in body order; requests without any are left out."""
        from regal_desktop.domain.model import Channel  # the domain loads when needed

        found: dict[int, list[StoredConsent]] = {}
        ids = list(request_ids)
        for start in range(0, len(ids), 900):  # SQLite's limit on parameters
            part = ids[start : start + 900]
            rows = self.conn.execute(
                "SELECT request_id, kind, point, channel, subscribed, change, was "
                f"FROM consent_changes WHERE request_id IN ({','.join('?' * len(part))}) "
                "ORDER BY request_id, id",
                part,
            )
            for row in rows:
                found.setdefault(row["request_id"], []).append(
                    StoredConsent(
                        request_id=row["request_id"],
                        kind=row["kind"],
                        point=row["point"],
                        channel=Channel(row["channel"]),
                        subscribed=bool(row["subscribed"]),
                        change=row["change"],
                        was=_was(row["was"]),
                    )
                )
        return found

    def evidence(
        self,
        contact: str | None = None,
        since: str | None = None,
        until: str | None = None,
        states: Collection[str] | None = None,
        channel: str | None = None,
        imports: Collection[ImportBatch] | None = None,
        changes_only: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """One dict per consent object sent, oldest first, for CSV or JSON export.

        Keys: point, kind, channel, subscribed, text, ip, timestamp, source, operator,
        profile, endpoint (where the request was sent, or is to be), queued_at,
        accepted_at (when Regal accepted it; None unless delivered), state, request_id,
        sha256 (of the exact body sent), then the evidence: change ('change' or
        'restatement' of the state known when it was queued), was (that known state, None
        when none), reason, proof, method, received_at, template, template_version; then
        the route ('regal' or 'segment'), message_id (the base of its Segment message ids;
        None for Regal) and batch (the Segment batch that delivered it; None otherwise);
        last db_role (the team database's role that queued it; None on a desk's file).
        ``imports`` keeps the changes of these imports; ``changes_only`` leaves the
        restatements out.
        """
        where = self._filter(contact, since, until, states, imports)
        if channel is not None:
            from regal_desktop.domain.model import Channel  # the domain loads when needed

            where.add("c.channel = ?", Channel(channel).value)
        if changes_only:
            where.add("c.change = 'change'")
        rows = self.conn.execute(
            "SELECT c.point, c.kind, c.channel, c.subscribed, c.text, c.ip, c.timestamp, "
            "c.source, r.operator, r.profile, r.endpoint, r.created_at AS queued_at, "
            f"CASE r.state WHEN '{RequestState.DELIVERED}' THEN r.finished_at END AS accepted_at, "
            f"r.state, r.id AS request_id, r.sha256, {_EVIDENCE}, {_ROUTE}, r.db_role "
            f"FROM consent_changes c JOIN requests r ON r.id = c.request_id{where.where} "
            "ORDER BY r.created_at, c.id",
            where.args,
        )
        # A generator expression, not a generator function: bad filters fail at the call.
        return (
            {**dict(row), "subscribed": bool(row["subscribed"]), "was": _was(row["was"])}
            for row in rows
        )


__all__ = ["AttemptRow", "History", "ImportBatch", "StoredConsent", "TimelineEntry"]
