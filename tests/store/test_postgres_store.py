"""The store on PostgreSQL: opening, migrating once, refusing a newer schema, the sqlite3
calls the store makes, and one-line errors that never show the password."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from regal_desktop.store import DatabaseError, Location, Store, StoreError, open_store
from regal_desktop.store.db import SCHEMA_VERSION, transaction
from tests.helpers.postgres import PostgresServer


def test_a_store_opens_migrated_and_keeps_what_was_written(store_location: Location) -> None:
    with open_store(store_location) as first:
        assert first.kind == ("sqlite" if isinstance(store_location, Path) else "postgresql")
        first.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("k", '"v"'))

    with open_store(store_location) as second:
        row = second.conn.execute("SELECT key, value FROM settings WHERE key = ?", ("k",))
        assert dict(row.fetchone()) == {"key": "k", "value": '"v"'}


def test_describe_names_the_file_or_the_server_and_never_the_password(
    store_location: Location,
) -> None:
    location = store_location
    if isinstance(location, str):
        location = location.replace("postgres@", "postgres:hunter2-secret@")
    with open_store(location) as store:
        described = store.describe()
        assert "hunter2" not in described
        assert "hunter2" not in str(store.location)
        if isinstance(location, Path):
            assert described == str(location)
        else:
            assert described.startswith("127.0.0.1:") and described.endswith("/" + _db(location))


def _db(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_rows_read_by_name_by_number_and_as_dicts(any_store: Store) -> None:
    conn = any_store.conn
    conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)", [("a?", "1"), ("b", "it's ?")]
    )
    rows = conn.execute(
        "SELECT key, value, 'literal ?' AS note FROM settings WHERE key != ? ORDER BY key",
        ("zzz",),
    ).fetchall()

    assert [row["key"] for row in rows] == ["a?", "b"]
    assert rows[1][1] == "it's ?"
    assert dict(rows[0]) == {"key": "a?", "value": "1", "note": "literal ?"}
    key, value, note = rows[1]
    assert (key, value, note) == ("b", "it's ?", "literal ?")
    assert conn.execute("SELECT value FROM settings WHERE key = ?", ("none",)).fetchone() is None


def test_a_failed_transaction_leaves_nothing_behind(any_store: Store) -> None:
    conn = any_store.conn
    with pytest.raises(RuntimeError), transaction(conn):
        assert conn.in_transaction
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("half", "1"))
        raise RuntimeError("stop")

    assert not conn.in_transaction
    assert conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 0


def test_a_refused_statement_is_a_database_error_callers_catch(any_store: Store) -> None:
    any_store.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("k", "1"))

    with pytest.raises(DatabaseError) as caught:
        any_store.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("k", "2"))

    assert "\n" not in str(caught.value)


def _version(url: str) -> int:
    with open_store(url) as store:
        return int(store.conn.execute("SELECT max(version) FROM regal_schema").fetchone()[0])


def test_postgres_is_migrated_to_this_version(postgres_url: str) -> None:
    assert _version(postgres_url) == SCHEMA_VERSION


def test_two_desks_opening_a_new_database_at_once_migrate_it_once(postgres_url: str) -> None:
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def desk() -> None:
        start.wait()
        try:
            open_store(postgres_url).close()
        except BaseException as exc:
            failures.append(exc)

    desks = [threading.Thread(target=desk) for _ in range(4)]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join()

    assert failures == []
    with open_store(postgres_url) as store:
        assert store.conn.execute("SELECT count(*) FROM regal_schema").fetchone()[0] == 1
    assert _version(postgres_url) == SCHEMA_VERSION


def test_a_newer_schema_is_refused_in_one_line_and_left_alone(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        store.conn.execute("UPDATE regal_schema SET version = ?", (SCHEMA_VERSION + 1,))

    with pytest.raises(StoreError) as caught:
        open_store(postgres_url)

    assert str(caught.value) == (
        f"the database was written by a newer Regal Desktop (schema {SCHEMA_VERSION + 1}, "
        f"this version knows {SCHEMA_VERSION}); upgrade the application"
    )
    assert _version_raw(postgres_url) == SCHEMA_VERSION + 1


def _version_raw(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT max(version) FROM regal_schema").fetchone()
        assert row is not None
        return int(row[0])


def test_an_unreachable_server_is_one_line_without_the_password(
    postgres_server: PostgresServer,
) -> None:
    closed = PostgresServer(port=1, folder=postgres_server.folder, bindir=postgres_server.bindir)
    url = closed.url("team", user="alice", password="hunter2-secret")

    with pytest.raises(StoreError) as caught:
        open_store(url)

    message = str(caught.value)
    assert message.startswith("the team database at 127.0.0.1:1/team is not reachable: ")
    assert message.endswith("; nothing was changed")
    assert "hunter2" not in message
    assert "\n" not in message


def test_a_server_stopped_under_an_open_store_is_one_clear_line(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    store = open_store(postgres_url)
    try:
        postgres_server.stop()
        with pytest.raises(StoreError) as caught:
            store.conn.execute("SELECT count(*) FROM settings").fetchone()
        assert not store.conn.in_transaction
        postgres_server.start()

        # Back again: the same store goes on (it connects again by itself).
        assert store.conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
        with transaction(store.conn):
            store.conn.execute("INSERT INTO settings (key, value) VALUES ('k', '1')")
    finally:
        postgres_server.ensure_running()
        store.close()

    assert "is not reachable" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_placeholders_are_translated_outside_literals_and_percent_signs_doubled() -> None:
    from regal_desktop.store.postgres import translate

    sql = "SELECT '?', \"a?\" FROM t -- why?\nWHERE x LIKE 'a%' AND y = ? AND z = ?"

    assert translate(sql) == (
        "SELECT '?', \"a?\" FROM t -- why?\nWHERE x LIKE 'a%%' AND y = %s AND z = %s"
    )
    assert translate("BEGIN IMMEDIATE") == "BEGIN"


def test_a_desk_on_sqlite_never_loads_psycopg(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path; from regal_desktop.store import open_store; "
        f"open_store(Path({str(tmp_path / 'r.sqlite3')!r})).close(); "
        "print(sorted(m for m in sys.modules if m.startswith('psycopg')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == "[]"


def test_an_idle_store_goes_on_after_a_server_restart_without_an_error(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    """The server restarts while the store sits idle: its next statement runs (the
    server ended the session before it, so running it on a new session is safe)."""
    store = open_store(postgres_url)
    try:
        with transaction(store.conn):
            store.conn.execute("INSERT INTO settings (key, value) VALUES ('k', '1')")
        postgres_server.stop()
        postgres_server.start()
        assert store.conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 1
        with transaction(store.conn):
            store.conn.execute("INSERT INTO settings (key, value) VALUES ('j', '2')")
        assert store.conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 2
    finally:
        postgres_server.ensure_running()
        store.close()
