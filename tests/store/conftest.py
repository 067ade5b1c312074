"""Stores on real SQLite files in the test's temporary folder, and on a throwaway
PostgreSQL cluster (``tests/helpers/postgres.py``) for the tests that take
``store_location`` or ``any_store``: those run once on each store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from regal_desktop.store import Location, Store, open_store
from tests.helpers.postgres import postgres_server, postgres_url

__all__ = ["postgres_server", "postgres_url"]  # fixtures, for every test in tests/store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database lives (in a folder that does not exist yet)."""
    return tmp_path / "data" / "regal.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """An open store, closed after the test."""
    with open_store(db_path) as opened:
        yield opened


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, db_path: Path) -> Location:
    """Where a store for this test is: a new SQLite file, or an empty PostgreSQL
    database of its own (skipped only when PostgreSQL's server is not installed)."""
    if request.param == "sqlite":
        return db_path
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def any_store(store_location: Location) -> Iterator[Store]:
    """An open store on ``store_location`` (each store in turn), closed after the test."""
    with open_store(store_location) as opened:
        yield opened
