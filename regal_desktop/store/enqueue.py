"""Writing new requests into the outbox: parsed and inserted a chunk at a time, with the
identity keys and consent changes each body carries, inside the caller's transaction.

Each consent object is evidence: a ``change`` when its subscribed state differs from what
was known for that point and channel when it was queued (or nothing was known), else a
``restatement``; with the operator's notes (``NewRequest.notes``) and the points it
retires (``NewRequest.retires``). Known is the directory's state, or, once any of Regal's
events is stored, the latest by consent time of it and Regal's reports (a STOP reply after
this desk's opt-in makes a re-opt-in a change)."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import sqlite3
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from regal_desktop.store.accepted import AcceptedChange, AcceptedChanges, regal_events_exist
from regal_desktop.store.db import utc_now
from regal_desktop.store.events import Events
from regal_desktop.store.requests import EVERY_CHANGE, ChangeNote, NewRequest
from regal_desktop.store.revocations import RETIRE
from regal_desktop.store.sql import dialect

if TYPE_CHECKING:
    from regal_desktop.domain.consent import ConsentChange
    from regal_desktop.domain.reconcile import Reported

#: Requests parsed and written per executemany (bounds memory, not the transaction).
_CHUNK = 1000


def _sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _parse(number: int, total: int | None, item: NewRequest) -> dict[str, Any]:
    which = f"request {number}" + ("" if total is None else f" of {total}")
    try:
        body = json.loads(item.body)
    except ValueError as exc:
        raise ValueError(
            f"{which} for {item.contact or 'a contact'}: the body is not JSON: {exc}"
        ) from exc
    if not isinstance(body, dict):
        raise ValueError(f"{which}: the body is not a JSON object")
    return body


def insert_requests(
    conn: sqlite3.Connection, items: Iterable[NewRequest], total: int | None
) -> range:
    """Insert ``items`` inside the caller's transaction, a chunk at a time (so 100,000 bodies are
    never all parsed at once). Ids are given explicitly (max + 1, ...) since
    executemany cannot return them; the write lock (on PostgreSQL, a lock of the
    transaction every enqueue takes first) makes this safe and the ids contiguous."""
    lock = dialect(conn).lock_request_ids
    if lock is not None:
        conn.execute(lock).fetchone()
    first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM requests").fetchone()[0])
    now = utc_now()
    count = 0
    remaining = iter(items)
    while chunk := list(itertools.islice(remaining, _CHUNK)):
        parsed = [_parse(number, total, item) for number, item in enumerate(chunk, start=count + 1)]
        ids = list(range(first + count, first + count + len(chunk)))
        _insert_chunk(conn, ids, chunk, parsed, now)
        count += len(chunk)
    return range(first, first + count)


def _insert_chunk(
    conn: sqlite3.Connection,
    ids: list[int],
    items: Sequence[NewRequest],
    parsed: list[dict[str, Any]],
    now: str,
) -> None:
    # The domain (pydantic) loads with the first request, not with the store.
    from regal_desktop.domain.consent import consent_changes
    from regal_desktop.domain.profile import display_key, identity_keys

    conn.executemany(
        "INSERT INTO requests (id, created_at, profile, endpoint, operator, contact, "
        "origin, body, sha256, route, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                request_id,
                now,
                item.profile,
                item.endpoint,
                item.operator,
                item.contact or display_key(body),
                item.origin,
                item.body,
                _sha256(item.body),
                item.route,
                # Segment drops a message id it has seen: fixed here, once, so every retry,
                # restart and crash recovery sends the same ones.
                str(uuid.uuid4()) if item.route == "segment" else None,
            )
            for request_id, item, body in zip(ids, items, parsed, strict=True)
        ],
    )
    conn.executemany(
        "INSERT INTO request_keys (key, request_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [
            (key, request_id)
            for request_id, body in zip(ids, parsed, strict=True)
            for key in identity_keys(body)
        ],
    )
    retired = [
        (key, request_id, reason, now)
        for request_id, item in zip(ids, items, strict=True)
        for key, reason in item.retires.items()
    ]
    if retired:  # in the queueing transaction: a request not queued retires nothing
        conn.executemany(RETIRE, retired)
    changes = [consent_changes(body) for body in parsed]
    known = _Known(conn, {_key(c) for found in changes for c in found})
    conn.executemany(
        "INSERT INTO consent_changes (request_id, kind, point, channel, subscribed, "
        "text, ip, timestamp, source, change, was, reason, proof, method, received_at, "
        "template, template_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            _evidence(request_id, c, known.subscribed(c), item.notes)
            for request_id, item, found in zip(ids, items, changes, strict=True)
            for c in found
        ],
    )


_NO_NOTE = ChangeNote()


def _note(notes: Mapping[tuple[str, str], ChangeNote], change: ConsentChange) -> ChangeNote:
    """The operator's note on one change: its own fields over those for every change."""
    if not notes:
        return _NO_NOTE
    every = notes.get(EVERY_CHANGE)
    own = notes.get((change.point, change.channel.value)) or notes.get(
        (change.point.lower(), change.channel.value)
    )
    if own is None or every is None:
        return own or every or ChangeNote()
    return ChangeNote(
        **{
            name: getattr(own, name) if getattr(own, name) is not None else getattr(every, name)
            for name in ChangeNote.__dataclass_fields__
        }
    )


def _evidence(
    request_id: int,
    c: ConsentChange,
    was: bool | None,
    notes: Mapping[tuple[str, str], ChangeNote],
) -> tuple[Any, ...]:
    """One ``consent_changes`` row: the consent sent, whether it changes what was known
    when it was queued (``was``: the known subscribed, None when nothing was known), and
    the operator's note. An opt-out without a "received at" (a payload from a file, a CSV
    row) was received when its consent time says."""
    note = _note(notes, c)
    received_at = _iso(note.received_at) if note.received_at else None
    if received_at is None and not c.subscribed and c.timestamp:
        received_at = _stored_time(c.timestamp)
    return (
        request_id,
        c.kind,
        c.point.lower() if c.kind == "email" else c.point,
        c.channel.value,
        int(c.subscribed),  # INTEGER 0/1 on both databases
        c.text,
        c.ip,
        c.timestamp,
        c.source,
        "change" if was is None or was != c.subscribed else "restatement",
        None if was is None else int(was),
        note.reason,
        note.proof,
        note.method,
        received_at,
        note.template,
        note.template_version,
    )


def _iso(text: str) -> str:
    """A time the operator gave, as given when ISO 8601 already, else as ``_stored_time``
    (a CSV cell may write ``2026-11-25 09:12:28 -04:00``)."""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return _stored_time(text)
    return text


@functools.lru_cache(maxsize=4096)
def _stored_time(text: str) -> str:
    """A consent time in the store's UTC format when it names a moment; else as written."""
    from regal_desktop.domain.normalise import parse_timestamp

    moment = parse_timestamp(text)
    if moment is None or moment.tzinfo is None:
        return text
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _key(change: ConsentChange) -> str:
    """The directory key of a change's point (``phone:+1…``, ``email:`` lower-cased)."""
    point = change.point.lower() if change.kind == "email" else change.point
    return f"{change.kind}:{point}"


#: Keys looked up per query (two parameters each, well under SQLite's limit).
_KEYS_PER_QUERY = 400


class _Known:
    """What the directory knew of the points of a chunk when it was queued: indexed
    lookups of every key, a few hundred per query, SQLite reading just the point's entry
    out of each profile (``json_extract``) rather than Python parsing whole profiles."""

    def __init__(self, conn: sqlite3.Connection, keys: set[str]) -> None:
        self._entries: dict[str, Any] = {}
        ordered = sorted(keys)
        read = self._read_in_sql if dialect(conn).json_in_sql else self._read_whole
        for start in range(0, len(ordered), _KEYS_PER_QUERY):
            read(conn, ordered[start : start + _KEYS_PER_QUERY])
        #: Regal's reports per (point, channel), when any event is stored at all (one
        #: look): the known state is then the latest of the directory's and Regal's.
        self._reported: dict[tuple[str, str], list[Reported]] = {}
        self._accepted: dict[tuple[str, str], AcceptedChange] = {}
        if keys and regal_events_exist(conn):
            points = [key.partition(":")[2] for key in ordered]
            for found in Events(conn).reported_for(points):
                self._reported.setdefault((found.point, found.channel), []).append(found)
            if self._reported:
                self._accepted = AcceptedChanges(conn).latest(points)

    def _read_in_sql(self, conn: sqlite3.Connection, part: list[str]) -> None:
        """SQLite: the entry of each key's point, read out of its profile in SQL."""
        wanted = [arg for key in part for arg in (key, _entry_path(key))]
        rows = conn.execute(
            f"WITH wanted (key, path) AS (VALUES {','.join(['(?, ?)'] * len(part))}) "
            # A damaged profile reads as nothing known rather than failing the queue.
            "SELECT w.key, c.id, CASE WHEN json_valid(c.profile) "
            "THEN json_extract(c.profile, w.path) END FROM wanted w "
            "JOIN contact_keys k ON k.key = w.key JOIN contacts c ON c.id = k.contact_id",
            wanted,
        ).fetchall()
        for key, contact_id, entry in rows:
            if entry is None and key.startswith("email:"):
                # An address spelled in another case in the profile: read it whole.
                found = conn.execute(
                    "SELECT profile FROM contacts WHERE id = ?", (contact_id,)
                ).fetchone()
                entry = _point_in(_profile(found[0]), "email", key.partition(":")[2])
            elif isinstance(entry, str):
                entry = _profile(entry)
            self._entries[key] = entry

    def _read_whole(self, conn: sqlite3.Connection, part: list[str]) -> None:
        """PostgreSQL: each profile whole (stored as text), its point's entry picked out
        here; a damaged profile reads as nothing known, as on SQLite."""
        rows = conn.execute(
            "SELECT k.key, c.profile FROM contact_keys k JOIN contacts c "
            f"ON c.id = k.contact_id WHERE k.key IN ({','.join('?' * len(part))})",
            part,
        ).fetchall()
        for key, text in rows:
            kind, _, point = key.partition(":")
            self._entries[key] = _point_in(_profile(text), kind, point)

    def subscribed(self, change: ConsentChange) -> bool | None:
        """The subscribed state known for the change's point and channel, or None: the
        directory's, or the latest by consent time of it and Regal's reports
        (``domain.reconcile.known_state``, the merged known state's rule)."""
        key = _key(change)
        entry = self._entries.get(key)
        opt_in = entry.get(change.channel.field) if isinstance(entry, dict) else None
        if not isinstance(opt_in, dict) or not isinstance(opt_in.get("subscribed"), bool):
            opt_in = None
        where = (key.partition(":")[2], change.channel.value)
        reported = self._reported.get(where)
        if reported:
            from regal_desktop.domain.reconcile import known_state

            accepted = self._accepted.get(where)
            known = known_state(opt_in, accepted.accepted_at if accepted else None, reported)
            return None if known is None else known.subscribed
        return None if opt_in is None else bool(opt_in["subscribed"])


def _entry_path(key: str) -> str:
    """The JSON path of a key's point in a stored profile: ``$.traits.phones."+1…"``."""
    kind, _, point = key.partition(":")
    group = "phones" if kind == "phone" else "emails"
    return f"$.traits.{group}.{json.dumps(point)}"


def _profile(text: str | None) -> Any:
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


def _point_in(profile: Any, kind: str, point: str) -> dict[str, Any] | None:
    """The entry of ``point`` in a stored profile (e-mail addresses in any case)."""
    traits = profile.get("traits") if isinstance(profile, dict) else None
    entries = traits.get("phones" if kind == "phone" else "emails") if traits else None
    if not isinstance(entries, dict):
        return None
    entry = entries.get(point)
    if entry is None and kind == "email":
        entry = next((e for k, e in entries.items() if k.lower() == point.lower()), None)
    return entry if isinstance(entry, dict) else None
