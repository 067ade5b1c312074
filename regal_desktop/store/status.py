"""What ``regal-desktop db status`` reports: which store, where, its schema version, whether
it can be reached, and how much it holds. Reading it changes nothing (no migration, no
new file)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regal_desktop.store.db import SCHEMA_VERSION, Location, StoreError, database_password

#: What is counted, as (label, table).
COUNTED = (("requests", "requests"), ("contacts", "contacts"), ("events", "regal_events"))


@dataclass(frozen=True)
class StoreStatus:
    """The state of the store at one location."""

    kind: str  # 'sqlite' or 'postgresql'
    where: str  # the file, or host:port/dbname (never a password)
    user: str | None = None  # the database role, for PostgreSQL
    reachable: bool = False
    version: int | None = None  # None when it could not be read
    problem: str | None = None  # one line: why it is not reachable or not current
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def current(self) -> bool:
        """Reachable and at this application's schema version."""
        return self.reachable and self.version == SCHEMA_VERSION


def _counts(execute: Callable[[str], Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label, table in COUNTED:
        try:
            counts[label] = int(execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except (sqlite3.Error, StoreError):
            continue  # an older schema without this table
    return counts


def _sqlite_status(path: Path) -> StoreStatus:
    where = str(path)
    if not path.exists():
        return StoreStatus(
            "sqlite", where, reachable=True, version=0,
            problem="not created yet: the application creates it when it first starts",
        )  # fmt: skip
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return StoreStatus("sqlite", where, problem=f"cannot be opened: {exc}")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        counts = _counts(conn.execute)
    except sqlite3.Error as exc:
        return StoreStatus("sqlite", where, problem=f"cannot be read: {exc}")
    finally:
        conn.close()
    return StoreStatus("sqlite", where, reachable=True, version=version, counts=counts)


def _postgres_status(url: str) -> StoreStatus:
    from regal_desktop.store.postgres import connect_postgres, describe_url, url_user
    from regal_desktop.store.schema_pg import schema_version

    where, user = describe_url(url), url_user(url)
    try:
        conn = connect_postgres(url, database_password(url))
    except StoreError as exc:
        return StoreStatus("postgresql", where, user, problem=str(exc))
    try:
        role = str(conn.execute("SELECT current_user").fetchone()[0])
        version = schema_version(conn)
        counts = _counts(conn.execute) if version else {}
    except StoreError as exc:
        return StoreStatus("postgresql", where, user, problem=str(exc))
    finally:
        conn.close()
    return StoreStatus("postgresql", where, role, reachable=True, version=version, counts=counts)


def store_status(location: Location) -> StoreStatus:
    """The status of the store at ``location`` (a SQLite file or a ``postgresql://`` URL)."""
    if isinstance(location, str) and location.startswith(("postgresql://", "postgres://")):
        found = _postgres_status(location)
    else:
        found = _sqlite_status(Path(location))
    if found.reachable and found.version is not None and found.problem is None:
        if found.version > SCHEMA_VERSION:
            return _with_problem(found, "written by a newer Regal Desktop: upgrade this one")
        if found.version == 0 and found.kind == "postgresql":
            return _with_problem(found, "empty: the application creates its tables on first use")
        if found.version < SCHEMA_VERSION:
            return _with_problem(
                found, "older schema: it is migrated when the application opens it"
            )
    return found


def _with_problem(found: StoreStatus, problem: str) -> StoreStatus:
    return StoreStatus(
        found.kind, found.where, found.user, found.reachable, found.version, problem, found.counts
    )
