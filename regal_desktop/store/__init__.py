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
from typing import cast

from regal_desktop.store.db import (
    DatabaseError,
    Location,
    NotADatabaseError,
    StoreError,
    connect,
    database_password,
    remember_password,
)
from regal_desktop.store.directory import ContactSummary, Directory
from regal_desktop.store.events import EventRow, Events
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
from regal_desktop.store.revocations import Revocations
from regal_desktop.store.settings import Settings


class Store:
    """One connection to the database and the views over it."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        notices: list[str] | None = None,
        location: Location | None = None,
    ) -> None:
        self.conn = conn
        #: 'sqlite' (a file on this desk) or 'postgresql' (the team database).
        self.kind: str = getattr(conn, "kind", "sqlite")
        #: The file or the ``postgresql://`` URL (never with a password).
        self.location = location
        self.outbox = Outbox(conn)
        self.history = History(conn)
        self.directory = Directory(conn)
        self.events = Events(conn)
        self.settings = Settings(conn)
        self.revocations = Revocations(conn)
        #: What happened while opening that the user should be told (a file set aside).
        self.notices: list[str] = notices or []

    def describe(self) -> str:
        """Where the store is, for people: the file, or ``host:port/dbname`` of the team
        database (never a password)."""
        where = getattr(self.conn, "where", None)
        if where is not None:
            return str(where)
        return str(self.location) if self.location is not None else "the database"

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


def _open_postgres(url: str) -> Store:
    """A store on the team database at ``url`` (psycopg is loaded only now)."""
    from urllib.parse import unquote, urlsplit

    from regal_desktop.store.postgres import connect_postgres, without_password
    from regal_desktop.store.schema_pg import migrate_postgres

    given = urlsplit(url).password
    if given:  # kept in memory, so the workers' and live views' connections can sign in
        remember_password(url, unquote(given))
    conn = connect_postgres(url, database_password(url))
    try:
        migrate_postgres(conn)
    except BaseException:
        conn.close()
        raise
    # The wrapper offers the sqlite3 calls the store makes (store/postgres.py).
    return Store(cast(sqlite3.Connection, conn), location=without_password(url))


def open_store(path: Location, *, set_aside_corrupt: bool = False) -> Store:
    """Open the database at ``path`` (a SQLite file, or a ``postgresql://`` URL for the
    team database), creating and migrating it if needed.

    Raises ``StoreError`` with a plain message when it cannot. A file that is not a
    database is renamed to ``<name>.corrupt-<UTC time>`` and a new database started in
    its place when ``set_aside_corrupt`` is true; ``Store.notices`` then says so.
    """
    if isinstance(path, str):
        if path.startswith(("postgresql://", "postgres://")):
            return _open_postgres(path)
        path = Path(path)
    try:
        return Store(connect(path), location=path)
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
        return Store(connect(path), [notice], location=path)


__all__ = [
    "AttemptResult",
    "AttemptRow",
    "Claimed",
    "ContactSummary",
    "DatabaseError",
    "Directory",
    "EventRow",
    "Events",
    "History",
    "ImportBatch",
    "Location",
    "NewRequest",
    "NotADatabaseError",
    "Outbox",
    "Outcome",
    "RequestRow",
    "Revocations",
    "Settings",
    "Store",
    "StoreError",
    "TimelineEntry",
    "open_store",
    "operator_name",
]
