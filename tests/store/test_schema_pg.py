"""The PostgreSQL schema (store/schema_pg.py) cannot drift from SQLite's migrations: the
same tables, columns and indexes, step by step."""

from __future__ import annotations

from pathlib import Path

from regal_desktop.store import open_store
from regal_desktop.store.db import MIGRATIONS
from regal_desktop.store.schema_pg import PG_MIGRATIONS

Shape = dict[str, set[str]]


def _sqlite_shape(path: Path) -> tuple[Shape, set[str]]:
    with open_store(path) as store:
        conn = store.conn
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        ]
        shape = {
            table: {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
            for table in tables
        }
        indexes = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            if not row[0].startswith("sqlite_")
        }
    return shape, indexes


def _postgres_shape(url: str) -> tuple[Shape, set[str]]:
    with open_store(url) as store:
        conn = store.conn
        shape: Shape = {}
        for row in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name != 'regal_schema'"
        ):
            shape.setdefault(row[0], set()).add(row[1])
        indexes = {
            row[0]
            for row in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'"
            )
        }
    return shape, indexes


def test_each_sqlite_step_has_a_postgresql_step() -> None:
    assert len(PG_MIGRATIONS) == len(MIGRATIONS)


def test_both_stores_have_the_same_tables_columns_and_indexes(
    tmp_path: Path, postgres_url: str
) -> None:
    sqlite_tables, sqlite_indexes = _sqlite_shape(tmp_path / "regal.sqlite3")
    pg_tables, pg_indexes = _postgres_shape(postgres_url)

    assert pg_tables == sqlite_tables
    assert pg_indexes == sqlite_indexes


def test_text_compares_byte_wise_on_postgresql_as_on_sqlite(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        store.conn.executemany(
            "INSERT INTO settings (key, value) VALUES (?, '1')", [("b",), ("B",), ("a",), ("é",)]
        )
        keys = [row[0] for row in store.conn.execute("SELECT key FROM settings ORDER BY key")]

    assert keys == ["B", "a", "b", "é"]
