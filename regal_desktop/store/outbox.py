"""The outbox: every request is written here before it is sent, and never deleted.

The states a request goes through, and what each allows, are ``RequestState``
(``store/states.py``). People can retry, drop or fix-and-resend a request; a dropped one
stays as evidence.

Delivery is at least once: a sender that dies mid-send leaves rows in ``sending`` that
``recover`` puts back in the queue (``store/claimers.py`` tells a dead sender from a live
one). A request goes only to the endpoint it was queued for: when its account has moved,
``hold_moved`` holds it until someone retries it (to the new endpoint) or drops it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence

from regal_desktop.store.claimers import is_claim_dead
from regal_desktop.store.db import transaction, utc_now
from regal_desktop.store.directory import Directory
from regal_desktop.store.enqueue import insert_requests
from regal_desktop.store.requests import (
    AttemptResult,
    Claimed,
    NewRequest,
    Outcome,
    RequestRow,
)
from regal_desktop.store.sql import dialect
from regal_desktop.store.states import ALLOWED_WORDS, ENDPOINT_CHANGED, RequestState

QUEUED, SENDING, DROPPED = RequestState.QUEUED, RequestState.SENDING, RequestState.DROPPED
HELD = RequestState.HELD

#: The later of the request's queue time and a time given twice as ``?, ?`` (None stays
#: None): SQLite's two-argument ``max`` written so PostgreSQL runs it too.
_LATER = "CASE WHEN created_at > ? THEN created_at ELSE ? END"


class Outbox:
    """Queue, claim and settle requests; every write is one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.directory = Directory(conn)

    def enqueue(self, items: Sequence[NewRequest]) -> list[int]:
        """Queue ``items`` in one transaction (all or none) and return their ids in order."""
        with transaction(self.conn):
            return list(insert_requests(self.conn, items, len(items)))

    def enqueue_stream(self, items: Iterable[NewRequest]) -> range:
        """Queue ``items`` as they are produced (a payload file read as a stream), in one
        transaction: all or none, even when producing one raises. Only a chunk is held
        in memory at a time; returns the ids, in order."""
        with transaction(self.conn):
            return insert_requests(self.conn, items, None)

    def claim(
        self,
        profile: str,
        limit: int,
        claimer: str,
        now: float | None = None,
        endpoint: str | None = None,
        max_wait: float | None = None,
        route: str | None = None,
    ) -> list[Claimed]:
        """Take up to ``limit`` due queued requests of ``profile``, oldest first; with
        ``endpoint``, only those queued for it, with ``route`` only those queued for that
        route (``regal``, ``segment``). Their lease starts ``now``.

        With ``max_wait`` (seconds), no request of ``profile`` waits later than ``now +
        max_wait``: a due time beyond it (the clock was set back, or a wait was asked for
        beyond the account's cap) is brought in to it first.

        The write lock (BEGIN IMMEDIATE) makes this atomic: two senders, even in two
        processes, never get the same request.
        """
        due = time.time() if now is None else now
        lock = dialect(self.conn).claim_lock
        where = ("" if endpoint is None else " AND endpoint = ?") + (
            "" if route is None else " AND route = ?"
        )
        if not self._claimable(profile, due, max_wait):
            return []  # without waiting for the write lock a recorder may hold
        with transaction(self.conn):
            if max_wait is not None:
                self.conn.execute(
                    "UPDATE requests SET next_attempt_at = ? "
                    "WHERE state = ? AND profile = ? AND next_attempt_at > ?",
                    (due + max_wait, QUEUED, profile, due + max_wait),
                )
            rows = self.conn.execute(
                "UPDATE requests SET state = ?, claimed_by = ?, claimed_at = ?, "
                "attempts = attempts + 1 "
                "WHERE id IN (SELECT id FROM requests WHERE state = ? AND profile = ? "
                f"AND next_attempt_at <= ?{where} ORDER BY id LIMIT ?{lock}) "
                "RETURNING id, body, attempts, route, message_id, created_at",
                (SENDING, claimer, due, QUEUED, profile, due)
                + (() if endpoint is None else (endpoint,))
                + (() if route is None else (route,))
                + (limit,),
            ).fetchall()
        # RETURNING gives no order guarantee.
        return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)

    def _claimable(self, profile: str, due: float, max_wait: float | None) -> bool:
        """Whether ``claim`` may find work: a queued request of ``profile`` due by ``due``
        (or one to bring in to ``due + max_wait``). A read, so it never waits for a writer."""
        sql = "SELECT 1 FROM requests WHERE state = ? AND profile = ? AND (next_attempt_at <= ?"
        args: tuple[object, ...] = (QUEUED, profile, due)
        if max_wait is not None:
            sql, args = sql + " OR next_attempt_at > ?", (*args, due + max_wait)
        return self.conn.execute(sql + ") LIMIT 1", args).fetchone() is not None

    def record(self, results: Sequence[AttemptResult]) -> None:
        """Settle attempts in one transaction; a delivered body also updates the directory."""
        with transaction(self.conn):
            # Recorded times never go back past the request's own (the clock may have been
            # set back since it was queued): max(queued_at, started_at, finished_at).
            self.conn.executemany(
                "INSERT INTO attempts (request_id, started_at, finished_at, status, answer, "
                f"endpoint, batch) SELECT id, {_LATER}, {_LATER}, ?, ?, "
                "?, ? FROM requests WHERE id = ?",
                [
                    (
                        r.started_at,
                        r.started_at,
                        max(r.started_at, r.finished_at),
                        max(r.started_at, r.finished_at),
                        r.status,
                        r.answer,
                        r.endpoint,
                        r.batch,
                        r.request_id,
                    )
                    for r in results
                ],
            )
            self.conn.executemany(
                f"UPDATE requests SET state = ?, finished_at = {_LATER}, "
                "next_attempt_at = ?, "
                "last_status = ?, last_answer = ?, claimed_by = NULL, claimed_at = NULL, "
                "held_for = NULL WHERE id = ?",
                [
                    (
                        r.outcome.state,
                        *[max(r.started_at, r.finished_at) if r.outcome.settles else None] * 2,
                        r.next_attempt_at,
                        r.status,
                        r.answer,
                        r.request_id,
                    )
                    for r in results
                ],
            )
            delivered = [r for r in results if r.outcome is Outcome.DELIVERED]
            bodies = self._bodies([r.request_id for r in delivered])
            for r in delivered:
                if r.request_id not in bodies:
                    raise ValueError(f"there is no request {r.request_id} in the outbox")
                self.directory.apply(json.loads(bodies[r.request_id]), now=r.finished_at)

    def _bodies(self, ids: Sequence[int]) -> dict[int, str]:
        """The bodies of the requests ``ids``, by id (a Segment batch's: thousands)."""
        found: dict[int, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(
                self.conn.execute(
                    f"SELECT id, body FROM requests WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        return found

    def recover(
        self, claimer_alive: Callable[[str], bool] | None = None, now: float | None = None
    ) -> int:
        """Put requests held by senders that are gone back in the queue; return how many.

        Gone: ``claimer_alive`` says so; by default, ``claimer_status`` says the sender
        ended, or cannot prove it runs and has not renewed its claims for ``LEASE``
        seconds (either way of the clock: a clock set back must not keep a lease for ever).
        Writes only when something is to be recovered, so every entry point can call it.
        """
        moment = time.time() if now is None else now

        def gone(claimer: str | None, renewed: float | None) -> bool:
            if claimer is None:
                return True
            if claimer_alive is not None:
                return not claimer_alive(claimer)
            return is_claim_dead(claimer, renewed, moment)

        def dead() -> list[str | None]:
            rows = self.conn.execute(
                "SELECT claimed_by, max(claimed_at) FROM requests WHERE state = ? "
                "GROUP BY claimed_by",
                (SENDING,),
            ).fetchall()
            return [row[0] for row in rows if gone(row[0], row[1])]

        if not dead():
            return 0
        moved = 0
        with transaction(self.conn):
            for claimer in dead():  # again, under the write lock
                moved += self.conn.execute(
                    "UPDATE requests SET state = ?, claimed_by = NULL, claimed_at = NULL "
                    "WHERE state = ? AND "
                    + ("claimed_by IS NULL" if claimer is None else "claimed_by = ?"),
                    (QUEUED, SENDING) + (() if claimer is None else (claimer,)),
                ).rowcount
        return moved

    def renew(self, claimer: str, now: float | None = None) -> int:
        """Renew the lease of every request ``claimer`` holds; how many it holds."""
        moment = time.time() if now is None else now
        with transaction(self.conn):
            return self.conn.execute(
                "UPDATE requests SET claimed_at = ? WHERE state = ? AND claimed_by = ?",
                (moment, SENDING, claimer),
            ).rowcount

    def hold_moved(self, profile: str, endpoint: str, route: str | None = None) -> list[int]:
        """Hold the queued requests of ``profile`` queued for another endpoint than
        ``endpoint`` (where the account sends now), or with ``route`` for another route
        (the account's kind changed), saying why; their ids.

        Such a request was confirmed for the endpoint it names, and the account's key may
        now be for another: it goes nowhere until someone retries it (``retry`` with the
        new endpoint) or drops it.
        """
        sql = (
            "SELECT id, endpoint, route FROM requests WHERE state = ? AND profile = ? "
            "AND (endpoint != ? OR route != coalesce(?, route)) ORDER BY id"
        )
        args = (QUEUED, profile, endpoint, route)
        if not self.conn.execute(sql, args).fetchone():
            return []  # the usual case, without taking the write lock
        with transaction(self.conn):
            rows = self.conn.execute(sql, args).fetchall()
            for request_id, queued_for, queued_route in rows:
                answer = (
                    moved_answer(queued_for, endpoint)
                    if queued_for != endpoint
                    else route_answer(queued_route, route or queued_route)
                )
                self.conn.execute(  # still queued: another desk may have claimed it
                    "UPDATE requests SET state = ?, held_for = ?, last_status = NULL, "
                    "last_answer = ? WHERE id = ? AND state = ?",
                    (HELD, ENDPOINT_CHANGED, answer, request_id, QUEUED),
                )
        return [row[0] for row in rows]

    def next_due(
        self, profile: str, now: float | None = None, max_wait: float | None = None
    ) -> float | None:
        """When the earliest queued request of ``profile`` may be sent (unix time); with
        ``max_wait``, no later than ``now + max_wait`` (see ``claim``)."""
        value = self.conn.execute(
            "SELECT min(next_attempt_at) FROM requests WHERE state = ? AND profile = ?",
            (QUEUED, profile),
        ).fetchone()[0]
        if value is None:
            return None
        if max_wait is None:
            return float(value)
        return min(float(value), (time.time() if now is None else now) + max_wait)

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
        """The request, locked until the caller's transaction ends (on SQLite the write
        lock already keeps it); ValueError when there is none."""
        found = self.conn.execute(
            f"SELECT * FROM requests WHERE id = ?{dialect(self.conn).row_lock}", (request_id,)
        ).fetchone()
        if found is None:
            raise ValueError(f"there is no request {request_id} in the outbox")
        return RequestRow.from_row(found)

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

    def retry(self, request_id: int, endpoint: str | None = None) -> str | None:
        """Queue a rejected or held request again, due now (a queued one waiting for a
        retry is made due now, whatever ``Retry-After`` asked); with ``endpoint`` (where its
        account sends now), to that endpoint. Returns the endpoint it was queued for when
        that was another, else None."""
        with transaction(self.conn):
            old = self._require(request_id).endpoint
            target = old if endpoint is None else endpoint
            self._move(
                request_id,
                lambda state: state.can_retry,
                "retried",
                "UPDATE requests SET state = ?, next_attempt_at = 0, finished_at = NULL, "
                "held_for = NULL, endpoint = ? WHERE id = ?",
                QUEUED,
                target,
            )
        return old if target != old else None

    def release_held(self, profile: str) -> int:
        """Queue every request of ``profile`` held for a refused key again (after the key
        was fixed); those held for an endpoint change still wait for a person."""
        return self.conn.execute(
            "UPDATE requests SET state = ?, next_attempt_at = 0 "
            "WHERE state = ? AND profile = ? AND held_for IS NULL",
            (QUEUED, HELD, profile),
        ).rowcount

    def drop(self, request_id: int) -> None:
        """Give up on a request that has not gone out; it stays in the history as dropped."""
        self._move(
            request_id,
            lambda state: state.can_drop,
            "dropped",
            f"UPDATE requests SET state = ?, finished_at = {_LATER} WHERE id = ?",
            DROPPED,
            *[utc_now()] * 2,
        )

    def replace_body(self, request_id: int, body: str, endpoint: str | None = None) -> int:
        """Fix and resend: queue a new request with ``body`` and return its id; it goes to
        ``endpoint`` (where the account sends now) if given, else where the original was
        to go.

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
                endpoint=old.endpoint if endpoint is None else endpoint,
                operator=old.operator,
                body=body,
                origin=f"fix:{request_id}",
                route=old.route,  # a new body: a new message id, or Segment would drop it
            )
            return insert_requests(self.conn, [item], 1)[0]


def moved_answer(queued_for: str, endpoint: str) -> str:
    """Why a request is held for an endpoint change, as the outbox shows it."""
    return (
        f"endpoint changed: queued for {queued_for}, the account now sends to {endpoint}; "
        "retry sends it there, drop gives it up"
    )


def route_answer(queued_route: str, route: str) -> str:
    """Why a request is held for a change of its account's kind (Regal, Segment)."""
    return (
        f"account kind changed: queued to go through {queued_route.capitalize()}, the account "
        f"now sends through {route.capitalize()}; drop it and send the contact again"
    )


__all__ = [
    "AttemptResult",
    "Claimed",
    "NewRequest",
    "Outbox",
    "Outcome",
    "RequestRow",
    "RequestState",
]
