"""Local storage: outbox, history, contact directory and settings in one SQLite file.

``open_store(path)`` gives a ``Store`` holding one connection. SQLite connections belong
to the thread that opened them, so each thread (the delivery worker, the window) opens
its own ``Store`` on the same file.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from regal_desktop.store.db import NotADatabaseError, StoreError, connect
from regal_desktop.store.directory import ContactSummary, Directory
from regal_desktop.store.history import AttemptRow, History, ImportBatch, TimelineEntry
from regal_desktop.store.operator import operator_name
from regal_desktop.store.outbox import (
    AttemptResult,
    Claimed,
    NewRequest,
    Outbox,
    Outcome,
    RequestRow,
)
from regal_desktop.store.settings import Settings


class Store:
    """One connection to the database and the views over it."""

    def __init__(self, conn: sqlite3.Connection, notices: list[str] | None = None) -> None:
        self.conn = conn
        self.outbox = Outbox(conn)
        self.history = History(conn)
        self.directory = Directory(conn)
        self.settings = Settings(conn)
        #: What happened while opening that the user should be told (a file set aside).
        self.notices: list[str] = notices or []

    def close(self) -> None:
        """Close the connection (uncommitted work is rolled back)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _set_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm files) out of the way; never overwrite."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        number += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    for suffix in ("-wal", "-shm", ""):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(f"{target}{suffix}")
    return target


def open_store(path: Path, *, set_aside_corrupt: bool = False) -> Store:
    """Open the database at ``path``, creating it if needed.

    Raises ``StoreError`` with a plain message when it cannot. A file that is not a
    database is renamed to ``<name>.corrupt-<UTC time>`` and a new database started in
    its place when ``set_aside_corrupt`` is true; ``Store.notices`` then says so.
    """
    try:
        return Store(connect(path))
    except NotADatabaseError as exc:
        if not set_aside_corrupt:
            raise
        try:
            kept = _set_aside(path)
        except OSError as move_error:
            raise StoreError(
                f"{exc}; moving it aside failed too: {move_error.strerror or move_error}"
            ) from move_error
        notice = (
            f"{path} was not a usable database; it was kept as {kept.name} and a new one started"
        )
        return Store(connect(path), [notice])


__all__ = [
    "AttemptResult",
    "AttemptRow",
    "Claimed",
    "ContactSummary",
    "Directory",
    "History",
    "ImportBatch",
    "NewRequest",
    "NotADatabaseError",
    "Outbox",
    "Outcome",
    "RequestRow",
    "Settings",
    "Store",
    "StoreError",
    "TimelineEntry",
    "open_store",
    "operator_name",
]
