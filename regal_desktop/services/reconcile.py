"""Reconciliation over the store: every consent change Regal accepted from this desk
beside every consent change Regal reported, one pass each (``domain.reconcile``).

Shared by ``regal-desktop reconcile`` and the Reconcile view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from regal_desktop.domain.reconcile import (
    DEFAULT_GRACE,
    Line,
    Sent,
    Status,
    consent_moment,
    reconcile,
    stored_time,
)
from regal_desktop.store import Location, Store, open_store
from regal_desktop.store.accepted import AcceptedChange, AcceptedChanges


def sent_of(change: AcceptedChange) -> Sent:
    """An accepted change as a change this desk sent; without a readable consent time it
    counts from when Regal accepted it."""
    # By position (the order of ``Sent``'s fields): reconcile makes a hundred thousand.
    return Sent(
        change.point, change.channel, change.subscribed,
        consent_moment(change.timestamp) or change.accepted_at, change.accepted_at,
        change.request_id, change.restatement, change.kind, change.timestamp, change.text,
        change.ip, change.source, change.operator,
    )  # fmt: skip


def parse_since(text: str) -> str:
    """``--since``: a date (``2026-11-01``) or a time (``2026-11-01T13:30:00Z``) in the
    store's UTC form; a date or time without an offset is UTC (as ``history`` reads it).
    Raises ValueError saying how to write it."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"since {text!r} is not a date or time; write it like 2026-11-01 or "
            "2026-11-01T13:30:00Z"
        ) from None
    return stored_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _recent(line: Line, since: str) -> bool:
    """Whether the line's change happened since ``since``: a change this desk sent by
    when Regal accepted it (or its consent time), Regal's by its consent time."""
    if line.ours is not None:
        return line.ours.accepted_at >= since or line.ours.at >= since
    return line.at >= since


def reconcile_store(store: Store, now: datetime, since: str | None = None) -> list[Line]:
    """Every line of reconciliation (by point, channel and time); with ``since`` (stored
    UTC) only the changes made or accepted since then, each still judged against all
    that came before and after it. ``now`` is an aware datetime."""
    sent = [sent_of(change) for change in AcceptedChanges(store.conn).all()]
    lines = reconcile(sent, store.events.all_reported(), now)
    if since is None:
        return lines
    return [line for line in lines if _recent(line, since)]


def reconcile_database(database: Location, now: datetime, since: str | None = None) -> list[Line]:
    """``reconcile_store`` on a connection of its own to ``database`` (for a worker
    thread: SQLite connections belong to the thread that opened them). Raises StoreError
    when the database cannot be used."""
    with open_store(database) as store:
        return reconcile_store(store, now, since)


@dataclass(frozen=True)
class Tally:
    """How many lines have each status, and how many are problems."""

    counts: dict[Status, int]
    overdue: int  # not confirmed for longer than the grace
    problems: int

    @property
    def summary(self) -> str:
        """One line for people: ``5 changes: 1 changed-in-regal, 2 not-confirmed, ...``."""
        parts = [
            f"{self.counts.get(status, 0)} {status.value}"
            for status in (
                Status.CHANGED_IN_REGAL,
                Status.NOT_CONFIRMED,
                Status.REGAL_ONLY,
                Status.CONFIRMED,
            )
        ]
        total = sum(self.counts.values())
        late = f" ({self.overdue} for longer than the grace)" if self.overdue else ""
        return f"{total} change{'' if total == 1 else 's'}: " + ", ".join(parts) + late


def tally(lines: Iterable[Line], grace: timedelta = DEFAULT_GRACE) -> Tally:
    """Count ``lines`` by status; overdue and problems against ``grace``."""
    counts: dict[Status, int] = {}
    overdue = problems = 0
    for line in lines:
        counts[line.status] = counts.get(line.status, 0) + 1
        if line.problem(grace):
            problems += 1
            overdue += line.status is Status.NOT_CONFIRMED
    return Tally(counts, overdue, problems)


def waiting_words(waiting: timedelta | None) -> str:
    """How long a change has waited, as people say it: ``3 h``, ``2 d 4 h``, ``12 min``."""
    if waiting is None:
        return ""
    minutes = int(waiting.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} d {hours % 24} h"


__all__ = [
    "Tally",
    "parse_since",
    "reconcile_database",
    "reconcile_store",
    "sent_of",
    "tally",
    "waiting_words",
]
