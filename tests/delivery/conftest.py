"""Fixtures for delivery tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.servers import segment_server

__all__ = ["db_path", "segment_server"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file for one test."""
    return tmp_path / "outbox.sqlite3"
