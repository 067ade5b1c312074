"""``reconcile`` over 100,000 consent changes and 100,000 of Regal's events, against
reading the same rows from SQLite alone (same database, same run).

The database is filled with plain INSERTs (delivered requests, their consent changes, the
events): the benchmark is about reconciling, not queueing. Of the changes sent, 60% are
confirmed by an event, 10% are changed in Regal afterwards and 30% wait; 10,000 more
events are Regal's own changes on numbers this desk never sent.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Result, best_of, peak_memory
from regal_desktop.services.reconcile import reconcile_store
from regal_desktop.store import Store, open_store
from regal_desktop.store.db import transaction

CHANGES = 100_000
REGAL_ONLY = 10_000
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _at(second: int) -> str:
    day, rest = divmod(second, 86_400)
    hour, rest = divmod(rest, 3600)
    return f"2026-11-{1 + day:02d}T{hour:02d}:{rest // 60:02d}:{rest % 60:02d}.000Z"


def _fill(store: Store) -> None:
    conn = store.conn
    with transaction(conn):
        conn.executemany(
            "INSERT INTO requests (id, created_at, profile, endpoint, operator, body, sha256, "
            "state, finished_at) VALUES (?, ?, 'p', 'e', 'op', '{}', '', 'delivered', ?)",
            ((i + 1, _at(i), _at(i + 5)) for i in range(CHANGES)),
        )
        conn.executemany(
            "INSERT INTO consent_changes (request_id, kind, point, channel, subscribed, "
            "timestamp, source) VALUES (?, 'phone', ?, 'sms', 1, ?, 'web form')",
            ((i + 1, f"+1954{i:07d}", _at(i)) for i in range(CHANGES)),
        )
        events = []
        for i in range(CHANGES):
            if i % 10 < 6:
                events.append((f"c{i}", f"+1954{i:07d}", 1, _at(i + 60)))
            elif i % 10 == 6:
                events.append((f"s{i}", f"+1954{i:07d}", 0, _at(i + 3600)))
        events += [(f"r{i}", f"+1305{i:07d}", 0, _at(i)) for i in range(REGAL_ONLY)]
        conn.executemany(
            "INSERT INTO regal_events (identity, event, kind, point, channel, subscribed, "
            "source, timestamp, stored_at, origin, raw) VALUES (?, 'contact.subscribed', "
            "'phone', ?, 'sms', ?, 'regalvoice.sms', ?, '2026-12-01T00:00:00.000Z', 'b', '{}')",
            events,
        )


def _read_alone(store: Store) -> None:
    """The baseline: the same rows, read and turned into tuples, nothing else."""
    store.conn.execute(
        "SELECT c.kind, c.point, c.channel, c.subscribed, c.timestamp, c.text, c.ip, "
        "c.source, c.change, r.id, r.finished_at, r.operator FROM consent_changes c "
        "JOIN requests r ON r.id = c.request_id WHERE r.state = 'delivered' "
        "ORDER BY r.finished_at, c.id"
    ).fetchall()
    store.conn.execute(
        "SELECT * FROM regal_events ORDER BY coalesce(timestamp, stored_at), id"
    ).fetchall()


def run() -> list[Result]:
    """Seconds to reconcile 100,000 changes against reading the rows alone."""
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "r.sqlite3") as store:
        _fill(store)
        lines: list[object] = []

        def reconcile_all() -> None:
            lines[:] = reconcile_store(store, NOW)

        baseline = best_of(lambda: _read_alone(store), repeat=2)
        seconds = best_of(reconcile_all, repeat=2)
        peak = peak_memory(reconcile_all)
    return [
        Result(
            f"reconcile, {CHANGES:,} changes + {CHANGES * 7 // 10 + REGAL_ONLY:,} events",
            seconds,
            "s",
            "reading the same rows alone",
            baseline,
            note=f"{len(lines):,} lines, {CHANGES / seconds:,.0f} changes/s",
            peak_mib=peak,
        ),
    ]


if __name__ == "__main__":
    for result in run():
        print(result)
