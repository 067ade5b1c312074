"""The store on both databases: a desk's SQLite file and the team's PostgreSQL (a throwaway
cluster on loopback, started here with the tests' code and removed afterwards).

- enqueue 10,000 payloads in one call (``Outbox.enqueue``);
- claim and record: 2,000 queued requests claimed 24 at a time (a sender's workers) and
  recorded delivered, as a sender does after Regal's 200s;
- directory search over 100,000 contacts (``Directory.find``, the queries of
  ``bench_directory``); the contacts are filled on SQLite through ``Directory.apply`` and
  brought to PostgreSQL with ``COPY``.

Each SQLite figure is set against a bare ``sqlite3`` baseline, each PostgreSQL figure
against the same work on SQLite in this run. Without PostgreSQL's server one line says the
PostgreSQL rows were skipped.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.bench_directory import CONTACTS, QUERIES, _contact
from benchmarks.bench_outbox import _bodies
from benchmarks.common import Result, best_of
from regal_desktop.store import AttemptResult, NewRequest, Outcome, Store, open_store
from regal_desktop.store.db import transaction

#: Requests claimed and recorded per run, and how many a claim takes (a sender's workers).
CLAIMED, BATCH = 2_000, 24
_names = itertools.count(1)
_TABLES = ("contacts", "contact_keys", "contact_words", "contact_domains")


@contextmanager
def _cluster() -> Iterator[Callable[[], str] | None]:
    """A function making a new empty database on a throwaway cluster (its URL); None when
    PostgreSQL's server is not installed."""
    from tests.helpers.postgres import remove_server, server_binaries, start_server

    if server_binaries() is None:
        yield None
        return
    server = start_server()

    def database() -> str:
        name = f"regal_bench_{next(_names)}"
        server.admin(f"CREATE DATABASE {name} TEMPLATE template0")
        return server.url(name)

    try:
        yield database
    finally:
        remove_server(server)


def _enqueue(new_store: Callable[[], Store], items: list[NewRequest]) -> float:
    def once() -> None:
        with new_store() as store:
            store.outbox.enqueue(items)

    return best_of(once, repeat=3)


def _claim_and_record(new_store: Callable[[], Store], items: list[NewRequest]) -> float:
    """Requests claimed and recorded per second (the best of three fresh stores)."""

    def once() -> float:
        with new_store() as store:
            store.outbox.enqueue(items)
            started = time.perf_counter()
            while claimed := store.outbox.claim("sandbox", BATCH, "bench:1"):
                stamp = "2026-11-27T10:00:00.000Z"
                store.outbox.record(
                    [
                        AttemptResult(c.id, stamp, stamp, 200, "ok", Outcome.DELIVERED)
                        for c in claimed
                    ]
                )
            return len(items) / (time.perf_counter() - started)

    return max(once() for _ in range(3))


def _bare_updates(folder: Path, count: int) -> float:
    """Rows per second a bare sqlite3 loop marks done, ``BATCH`` per transaction."""
    import sqlite3

    conn = sqlite3.connect(folder / f"bare{next(_names)}.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, state TEXT)")
    conn.executemany("INSERT INTO t (state) VALUES ('queued')", [()] * count)
    started = time.perf_counter()
    for first in range(1, count + 1, BATCH):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "UPDATE t SET state = 'done' WHERE id BETWEEN ? AND ?", (first, first + BATCH - 1)
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return count / elapsed


def _search(store: Store) -> float:
    """The median seconds of ``Directory.find`` over the queries, 20 times each."""
    timings = []
    for query in QUERIES:
        for _ in range(20):
            began = time.perf_counter()
            store.directory.find(query)
            timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def _copy_directory(source: Store, url: str) -> None:
    """The directory of ``source`` into the empty team database at ``url``, by COPY."""
    import psycopg

    with psycopg.connect(url) as conn:
        for table in _TABLES:
            rows = source.conn.execute(f"SELECT * FROM {table}")
            columns = [column[0] for column in rows.description]
            with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(row))
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('contacts', 'id'), max(id)) FROM contacts"
        )
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE")


def run() -> list[Result]:
    """Enqueue, claim-and-record and directory search on SQLite and PostgreSQL."""
    bodies = _bodies()
    items = [NewRequest("sandbox", "sandbox", "bench", b, f"c{i}") for i, b in enumerate(bodies)]
    few = items[:CLAIMED]
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as name, _cluster() as team:
        folder = Path(name)

        def sqlite_store() -> Store:
            return open_store(folder / f"s{next(_names)}.sqlite3")

        bare = best_of(lambda: _bare_insert(folder, bodies), repeat=3)
        on_sqlite = _enqueue(sqlite_store, items)
        results.append(Result("team store: enqueue 10,000, SQLite", on_sqlite, "s",
                              "bare executemany", bare))  # fmt: skip
        claims_sqlite = _claim_and_record(sqlite_store, few)
        results.append(Result("team store: claim and record, SQLite", claims_sqlite, "req/s",
                              "bare UPDATE, 24 a transaction", _bare_updates(folder, CLAIMED),
                              note=f"{CLAIMED:,} requests, {BATCH} a claim"))  # fmt: skip
        with sqlite_store() as directory:
            with transaction(directory.conn):
                for i in range(CONTACTS):
                    directory.directory.apply(_contact(i))
            search_sqlite = _search(directory)
            lookup = best_of(
                lambda: directory.conn.execute(
                    "SELECT contact_id FROM contact_keys WHERE key = ?", ("user:u-4242",)
                ).fetchone(),
                repeat=200,
            )
            results.append(Result("team store: directory search 100,000, SQLite",
                                  search_sqlite * 1e6, "µs", "one indexed key lookup",
                                  lookup * 1e6, note="median"))  # fmt: skip
            if team is None:
                print("PostgreSQL's server is not installed: its rows are skipped", file=sys.stderr)
                return results

            def team_store() -> Store:
                return open_store(team())

            on_pg = _enqueue(team_store, items)
            results.append(Result("team store: enqueue 10,000, PostgreSQL", on_pg, "s",
                                  "the same on SQLite", on_sqlite))  # fmt: skip
            claims_pg = _claim_and_record(team_store, few)
            results.append(Result("team store: claim and record, PostgreSQL", claims_pg,
                                  "req/s", "the same on SQLite", claims_sqlite,
                                  note="one desk, loopback"))  # fmt: skip
            url = team()
            with open_store(url):
                pass  # the schema
            _copy_directory(directory, url)
            with open_store(url) as shared:
                search_pg = _search(shared)
            results.append(Result("team store: directory search 100,000, PostgreSQL",
                                  search_pg * 1e6, "µs", "the same on SQLite",
                                  search_sqlite * 1e6, note="median"))  # fmt: skip
    return results


def _bare_insert(folder: Path, bodies: list[str]) -> None:
    import sqlite3

    conn = sqlite3.connect(folder / f"b{next(_names)}.sqlite3")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    with conn:
        conn.executemany("INSERT INTO t (body) VALUES (?)", ((b,) for b in bodies))
    conn.close()


if __name__ == "__main__":
    for result in run():
        print(f"{result.name}: {result.value:,.2f} {result.unit} ({result.ratio:.2f}× "
              f"{result.baseline_name})")  # fmt: skip
