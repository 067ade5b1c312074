"""Enqueueing 10,000 payloads in one transaction, against a bare sqlite executemany."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.common import Result, best_of, peak_memory
from regal_desktop.domain.check import check
from regal_desktop.store import open_store
from regal_desktop.store.outbox import NewRequest

COUNT = 10_000


def _bodies() -> list[str]:
    bodies = []
    for i in range(COUNT):
        number = f"+1954{5550000 + i:07d}"[:12]
        raw = {
            "userId": f"u{i}",
            "traits": {
                "phones": {
                    number: {"smsOptIn": {"subscribed": False, "timestamp": "2026-11-25T09:00:00Z"}}
                }
            },
        }
        bodies.append(check(raw).text)
    return bodies


def run() -> list[Result]:
    """Seconds to queue 10,000 payloads through the Outbox vs a plain INSERT."""
    bodies = _bodies()
    items = [
        NewRequest("sandbox", "sandbox", "bench", body, f"c{i}") for i, body in enumerate(bodies)
    ]
    with tempfile.TemporaryDirectory() as folder:

        def outbox() -> None:
            path = Path(folder) / f"o{time.perf_counter_ns()}.sqlite3"
            with open_store(path) as store:
                store.outbox.enqueue(items)

        def bare() -> None:
            path = Path(folder) / f"b{time.perf_counter_ns()}.sqlite3"
            conn = sqlite3.connect(path)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
            with conn:
                conn.executemany("INSERT INTO t (body) VALUES (?)", ((b,) for b in bodies))
            conn.close()

        baseline = best_of(bare, repeat=3)
        ours = best_of(outbox, repeat=3)
        memory = peak_memory(outbox)
    size = sum(len(b) for b in bodies) / COUNT
    return [
        Result(
            "enqueue 10,000 payloads",
            ours,
            "s",
            "bare executemany",
            baseline,
            note=f"{COUNT / ours:,.0f} payloads/s, {size:.0f} B each",
            peak_mib=memory,
        )
    ]
