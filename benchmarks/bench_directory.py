"""Directory search with 100,000 contacts, against an exact lookup of one indexed key.

The directory is filled through ``Directory.apply`` (the path a delivered request takes),
in one transaction. Each query is what a person types into the search box: a phone
fragment, a number in another format, an e-mail prefix, a userId, a name.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import Result, best_of
from regal_desktop.store import open_store
from regal_desktop.store.db import transaction

CONTACTS = 100_000
FIRST = ("Ann", "Rebecca", "Jane", "Luis", "Mei", "Omar", "Zoë", "Kofi", "Ines", "Tom")
LAST = ("Greene", "Doe", "Lee", "Garcia", "Chen", "Haddad", "Müller", "Mensah", "Silva")
QUERIES = ("954555", "(954) 555-0123", "user123", "u-4242", "rebecca gre", "chen", "jane@")


def _contact(i: int) -> dict[str, object]:
    return {
        "userId": f"u-{i}",
        "traits": {
            "firstName": FIRST[i % len(FIRST)],
            "lastName": f"{LAST[i % len(LAST)]}{i // 1000}",
            "phones": {
                f"+1954555{i % 10000:04d}" if i < 10000 else f"+1305{2000000 + i:07d}": {
                    "isPrimary": True
                }
            },
            "emails": {f"user{i}@example.com": {"isPrimary": True}},
        },
    }


def run() -> list[Result]:
    """Median search time per query kind with 100k contacts vs one primary-key lookup."""
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "d.sqlite3") as store:
        started = time.perf_counter()
        with transaction(store.conn):
            for i in range(CONTACTS):
                store.directory.apply(_contact(i))
        filled = time.perf_counter() - started
        conn = store.conn
        baseline = best_of(
            lambda: conn.execute(
                "SELECT contact_id FROM contact_keys WHERE key = ?", ("user:u-4242",)
            ).fetchone(),
            repeat=200,
        )
        timings = []
        for query in QUERIES:
            for _ in range(20):
                began = time.perf_counter()
                store.directory.find(query)
                timings.append(time.perf_counter() - began)
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
    return [
        Result(
            "directory search, 100,000 contacts (median)",
            median * 1e6,
            "µs",
            "one indexed key lookup",
            baseline * 1e6,
            note=f"95th percentile {p95 * 1e3:.1f} ms over {len(QUERIES)} kinds of query; "
            f"filling took {filled:.0f} s",
        ),
    ]
