"""Stores on real SQLite files in the test's temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from regal_desktop.store import Store, open_store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database lives (in a folder that does not exist yet)."""
    return tmp_path / "data" / "regal.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """An open store, closed after the test."""
    with open_store(db_path) as opened:
        yield opened
