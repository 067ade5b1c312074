"""The outbox: every request is written here before it is sent, and never deleted.

The states a request goes through, and what each allows, are ``RequestState``
(``store/states.py``). People can retry, drop or fix-and-resend a request; a dropped one
stays as evidence.

Delivery is at least once: a sender that dies mid-send leaves rows in ``sending`` that
``recover`` puts back in the queue.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any

from regal_desktop.store.claimers import is_claimer_alive
from regal_desktop.store.db import transaction, utc_now
from regal_desktop.store.directory import Directory
from regal_desktop.store.requests import (
    AttemptResult,
    Claimed,
    NewRequest,
    Outcome,
    RequestRow,
)
from regal_desktop.store.states import ALLOWED_WORDS, RequestState

QUEUED, SENDING, DROPPED = RequestState.QUEUED, RequestState.SENDING, RequestState.DROPPED


def _sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


#: Requests parsed and written per executemany (bounds memory, not the transaction).
_CHUNK = 1000


class Outbox:
    """Queue, claim and settle requests; every write is one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.directory = Directory(conn)

    def enqueue(self, items: Sequence[NewRequest]) -> list[int]:
        """Queue ``items`` in one transaction (all or none) and return their ids in order."""
        with transaction(self.conn):
            return self._insert(items)

    @staticmethod
    def _parse(number: int, total: int, item: NewRequest) -> dict[str, Any]:
        try:
            body = json.loads(item.body)
        except ValueError as exc:
            raise ValueError(
                f"request {number} of {total} for {item.contact or 'a contact'}: "
                f"the body is not JSON: {exc}"
            ) from exc
        if not isinstance(body, dict):
            raise ValueError(f"request {number} of {total}: the body is not a JSON object")
        return body

    def _insert(self, items: Sequence[NewRequest]) -> list[int]:
        """Insert inside the caller's transaction, a chunk at a time (so 100,000 bodies are
        never all parsed at once). Ids are given explicitly (max + 1, ...) since
        executemany cannot return them; the write lock makes this safe."""
        first = int(
            self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM requests").fetchone()[0]
        )
        ids = list(range(first, first + len(items)))
        now = utc_now()
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            parsed = [
                self._parse(number, len(items), item)
                for number, item in enumerate(chunk, start=start + 1)
            ]
            self._insert_chunk(ids[start : start + len(chunk)], chunk, parsed, now)
        return ids

    def _insert_chunk(
        self,
        ids: list[int],
        items: Sequence[NewRequest],
        parsed: list[dict[str, Any]],
        now: str,
    ) -> None:
        # The domain (pydantic) loads with the first request, not with the store.
        from regal_desktop.domain.consent import consent_changes
        from regal_desktop.domain.profile import display_key, identity_keys

        self.conn.executemany(
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
        self.conn.executemany(
            "INSERT OR IGNORE INTO request_keys (key, request_id) VALUES (?, ?)",
            [
                (key, request_id)
                for request_id, body in zip(ids, parsed, strict=True)
                for key in identity_keys(body)
            ],
        )
        self.conn.executemany(
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

    def claim(
        self, profile: str, limit: int, claimer: str, now: float | None = None
    ) -> list[Claimed]:
        """Take up to ``limit`` due queued requests of ``profile``, oldest first.

        The write lock (BEGIN IMMEDIATE) makes this atomic: two senders, even in two
        processes, never get the same request.
        """
        due = time.time() if now is None else now
        with transaction(self.conn):
            rows = self.conn.execute(
                "UPDATE requests SET state = ?, claimed_by = ?, attempts = attempts + 1 "
                "WHERE id IN (SELECT id FROM requests WHERE state = ? AND profile = ? "
                "AND next_attempt_at <= ? ORDER BY id LIMIT ?) "
                "RETURNING id, body, attempts",
                (SENDING, claimer, QUEUED, profile, due, limit),
            ).fetchall()
        # RETURNING gives no order guarantee.
        return sorted((Claimed(row[0], row[1], row[2]) for row in rows), key=lambda c: c.id)

    def record(self, results: Sequence[AttemptResult]) -> None:
        """Settle attempts in one transaction; a delivered body also updates the directory."""
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT INTO attempts (request_id, started_at, finished_at, status, answer) "
                "VALUES (?, ?, ?, ?, ?)",
                [(r.request_id, r.started_at, r.finished_at, r.status, r.answer) for r in results],
            )
            for r in results:
                state = r.outcome.state
                finished = (
                    r.finished_at if r.outcome in (Outcome.DELIVERED, Outcome.REJECTED) else None
                )
                self.conn.execute(
                    "UPDATE requests SET state = ?, finished_at = ?, next_attempt_at = ?, "
                    "last_status = ?, last_answer = ?, claimed_by = NULL WHERE id = ?",
                    (state, finished, r.next_attempt_at, r.status, r.answer, r.request_id),
                )
                if r.outcome is Outcome.DELIVERED:
                    body = self._require(r.request_id).body
                    self.directory.apply(json.loads(body), now=r.finished_at)

    def recover(self, claimer_alive: Callable[[str], bool] | None = None) -> int:
        """Put requests held by senders that are gone back in the queue; return how many."""
        alive = claimer_alive or is_claimer_alive
        with transaction(self.conn):
            claimers = [
                row[0]
                for row in self.conn.execute(
                    "SELECT DISTINCT claimed_by FROM requests WHERE state = ?", (SENDING,)
                )
            ]
            gone = [c for c in claimers if c is None or not alive(c)]
            moved = 0
            for claimer in gone:
                moved += self.conn.execute(
                    "UPDATE requests SET state = ?, claimed_by = NULL "
                    "WHERE state = ? AND claimed_by IS ?",
                    (QUEUED, SENDING, claimer),
                ).rowcount
        return moved

    def next_due(self, profile: str) -> float | None:
        """When the earliest queued request of ``profile`` may be sent (unix time)."""
        value = self.conn.execute(
            "SELECT min(next_attempt_at) FROM requests WHERE state = ? AND profile = ?",
            (QUEUED, profile),
        ).fetchone()[0]
        return None if value is None else float(value)

    def counts(self, profile: str | None = None) -> dict[RequestState, int]:
        """How many requests are in each state (every state present, zero if none)."""
        sql = "SELECT state, count(*) FROM requests"
        args: tuple[str, ...] = ()
        if profile is not None:
            sql, args = sql + " WHERE profile = ?", (profile,)
        counts = dict.fromkeys(RequestState, 0)
        for state, count in self.conn.execute(sql + " GROUP BY state", args):
            counts[RequestState(state)] = count
        return counts

    def waiting(self, profile: str | None = None) -> int:
        """How many requests delivery still owes (queued or being sent)."""
        return sum(n for state, n in self.counts(profile).items() if state.waiting)

    def pending(self, profile: str | None = None) -> list[RequestRow]:
        """Requests not yet delivered or dropped, oldest first.

        A rejected request whose fix was queued (``replace_body``) is left out: the fix
        stands for it now, and the original stays in the history as evidence.
        """
        pending = RequestState.pending_states()
        sql = (
            f"SELECT * FROM requests WHERE state IN ({','.join('?' * len(pending))})"
            " AND NOT (state = ? AND EXISTS"
            " (SELECT 1 FROM requests AS fix WHERE fix.origin = 'fix:' || requests.id))"
        )
        args: tuple[str, ...] = (*pending, RequestState.REJECTED)
        if profile is not None:
            sql, args = sql + " AND profile = ?", (*args, profile)
        return [RequestRow.from_row(row) for row in self.conn.execute(sql + " ORDER BY id", args)]

    def get(self, request_id: int) -> RequestRow | None:
        """The request with this id, or None."""
        row = self.conn.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
        return None if row is None else RequestRow.from_row(row)

    def _require(self, request_id: int) -> RequestRow:
        row = self.get(request_id)
        if row is None:
            raise ValueError(f"there is no request {request_id} in the outbox")
        return row

    def _move(
        self,
        request_id: int,
        allowed: Callable[[RequestState], bool],
        action: str,
        sql: str,
        *args: object,
    ) -> None:
        """Run ``sql`` (``args``, then the id, as parameters) if ``allowed(state)``."""
        with transaction(self.conn):
            row = self._require(request_id)
            if not allowed(row.state):
                raise ValueError(
                    f"request {request_id} is {row.state}; only {ALLOWED_WORDS[action]} "
                    f"requests can be {action}"
                )
            self.conn.execute(sql, (*args, request_id))

    def retry(self, request_id: int) -> None:
        """Queue a rejected or held request again, due now."""
        self._move(
            request_id,
            lambda state: state.can_retry,
            "retried",
            "UPDATE requests SET state = ?, next_attempt_at = 0, finished_at = NULL WHERE id = ?",
            QUEUED,
        )

    def release_held(self, profile: str) -> int:
        """Queue every held request of ``profile`` again (after its key was fixed)."""
        return self.conn.execute(
            "UPDATE requests SET state = ?, next_attempt_at = 0 WHERE state = ? AND profile = ?",
            (QUEUED, RequestState.HELD, profile),
        ).rowcount

    def drop(self, request_id: int) -> None:
        """Give up on a request that has not gone out; it stays in the history as dropped."""
        self._move(
            request_id,
            lambda state: state.can_drop,
            "dropped",
            "UPDATE requests SET state = ?, finished_at = ? WHERE id = ?",
            DROPPED,
            utc_now(),
        )

    def replace_body(self, request_id: int, body: str) -> int:
        """Fix and resend: queue a new request with ``body`` and return its id.

        A rejected original stays as it was, as evidence. A queued or held original is
        dropped in the same transaction, so it can never go out as well as its fix.
        """
        try:
            json.loads(body)  # checked before the original is touched
        except ValueError as exc:
            raise ValueError(f"the fixed body for request {request_id} is not JSON: {exc}") from exc
        with transaction(self.conn):
            old = self._require(request_id)
            if not old.state.can_fix:
                action = "fixed and resent"
                raise ValueError(
                    f"request {request_id} is {old.state}; only {ALLOWED_WORDS[action]} "
                    f"requests can be {action}"
                )
            if old.state.dropped_by_fix:
                self.drop(request_id)
            item = NewRequest(
                profile=old.profile,
                endpoint=old.endpoint,
                operator=old.operator,
                body=body,
                origin=f"fix:{request_id}",
            )
            return self._insert([item])[0]


__all__ = [
    "AttemptResult",
    "Claimed",
    "NewRequest",
    "Outbox",
    "Outcome",
    "RequestRow",
    "RequestState",
]
