"""Writing new requests into the outbox: parsed and inserted a chunk at a time, with the
identity keys and consent changes each body carries, inside the caller's transaction."""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from regal_desktop.store.db import utc_now
from regal_desktop.store.requests import NewRequest

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
    executemany cannot return them; the write lock makes this safe."""
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
        "origin, body, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            )
            for request_id, item, body in zip(ids, items, parsed, strict=True)
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO request_keys (key, request_id) VALUES (?, ?)",
        [
            (key, request_id)
            for request_id, body in zip(ids, parsed, strict=True)
            for key in identity_keys(body)
        ],
    )
    conn.executemany(
        "INSERT INTO consent_changes (request_id, kind, point, channel, subscribed, "
        "text, ip, timestamp, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                request_id,
                c.kind,
                c.point.lower() if c.kind == "email" else c.point,
                c.channel.value,
                c.subscribed,
                c.text,
                c.ip,
                c.timestamp,
                c.source,
            )
            for request_id, body in zip(ids, parsed, strict=True)
            for c in consent_changes(body)
        ],
    )
