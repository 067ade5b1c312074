"""The few statements whose SQL differs between SQLite and PostgreSQL, chosen per connection.

Every other statement of the store is one text that runs on both (``ON CONFLICT``,
``RETURNING``, ``CASE`` instead of SQLite's two-argument ``max``, ``LIKE`` on lower-cased
or letter-free patterns). What cannot be written once lives here, one entry per
statement, picked by ``dialect(conn)``: a ``sqlite3.Connection`` speaks SQLite; the team
store's connection (``store/postgres.py``) names its ``kind``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


@dataclass(frozen=True)
class Dialect:
    """The statements (or fragments) one database needs written its own way."""

    name: str
    #: Taken first by a transaction that gives new requests their ids (max + 1): SQLite's
    #: ``BEGIN IMMEDIATE`` already holds the one write lock; PostgreSQL has many writers.
    lock_request_ids: str | None
    #: Ends the sub-select of the rows a claim takes: two desks never take the same row,
    #: and neither waits for the other's.
    claim_lock: str
    #: Ends the read of a request a person retries, drops or fixes, so that no other
    #: desk changes it before this transaction ends.
    row_lock: str
    #: Whether the directory's profiles are read point by point in SQL (SQLite's JSON
    #: functions, tolerant of a damaged profile) or whole, and picked apart in Python.
    json_in_sql: bool


_DIALECTS = {
    SQLITE: Dialect(
        name=SQLITE,
        lock_request_ids=None,
        claim_lock="",
        row_lock="",
        json_in_sql=True,
    ),
    POSTGRESQL: Dialect(
        name=POSTGRESQL,
        # One fixed key for "request ids" (any 64-bit number the application owns).
        lock_request_ids="SELECT pg_advisory_xact_lock(7201510612)",
        claim_lock=" FOR UPDATE SKIP LOCKED",
        row_lock=" FOR UPDATE",
        json_in_sql=False,
    ),
}


def dialect(conn: Any) -> Dialect:
    """The dialect ``conn`` speaks: the team store's connection says (``kind``); a
    ``sqlite3.Connection`` has no ``kind`` and speaks SQLite."""
    return _DIALECTS[getattr(conn, "kind", SQLITE)]


__all__ = ["POSTGRESQL", "SQLITE", "Dialect", "dialect"]
