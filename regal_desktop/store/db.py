"""The SQLite database: opening it safely and migrating its schema by version number.

One file holds the outbox, the history of every attempt, the contact directory and the
settings that are not secrets. WAL journal, foreign keys on, file mode 0600. Each
migration runs in its own transaction and bumps ``PRAGMA user_version``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

#: Schema steps; the database's ``user_version`` is how many of them have run.
MIGRATIONS: tuple[str, ...] = (
    # 1: outbox and history share one table of requests; attempts are their own rows.
    """
    CREATE TABLE requests (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,            -- ISO 8601 UTC, when it was queued
        profile TEXT NOT NULL,               -- account profile name
        endpoint TEXT NOT NULL,              -- where it is (to be) sent
        operator TEXT NOT NULL,              -- OS user, and configured e-mail if any
        contact TEXT NOT NULL DEFAULT '',    -- display key: primary phone, e-mail or userId
        origin TEXT NOT NULL DEFAULT '',     -- file name, 'editor', 'import:FILE:LINE', ...
        body TEXT NOT NULL,                  -- exact bytes sent, as UTF-8 text
        sha256 TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'sending', 'delivered', 'rejected', 'held', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL DEFAULT 0,  -- unix time; backoff moves it forward
        claimed_by TEXT,                     -- 'host:pid' of the sender holding it
        last_status INTEGER,                 -- HTTP status of the last attempt, if any
        last_answer TEXT,                    -- Regal's answer or the network error
        finished_at TEXT                     -- when delivered, rejected or dropped
    );
    CREATE INDEX requests_pending ON requests (state, profile, next_attempt_at);
    CREATE INDEX requests_contact ON requests (contact);
    CREATE INDEX requests_created ON requests (created_at);
    -- Every identity a request names ('phone:+1...', 'email:...', 'user:...'), so the
    -- history of a contact finds requests whatever number or address they led with.
    CREATE TABLE request_keys (
        key TEXT NOT NULL,
        request_id INTEGER NOT NULL REFERENCES requests (id),
        PRIMARY KEY (key, request_id)
    ) WITHOUT ROWID;

    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        request_id INTEGER NOT NULL REFERENCES requests (id),
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        status INTEGER,                      -- NULL when no HTTP answer came back
        answer TEXT NOT NULL DEFAULT ''      -- response body or error description
    );
    CREATE INDEX attempts_request ON attempts (request_id);

    -- One row per consent change a request carries, for timelines and evidence.
    CREATE TABLE consent_changes (
        id INTEGER PRIMARY KEY,
        request_id INTEGER NOT NULL REFERENCES requests (id),
        kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
        point TEXT NOT NULL,                 -- E.164 number or lower-cased e-mail address
        channel TEXT NOT NULL CHECK (channel IN ('voice', 'sms', 'email')),
        subscribed INTEGER NOT NULL,
        text TEXT,
        ip TEXT,
        timestamp TEXT,
        source TEXT
    );
    CREATE INDEX consent_point ON consent_changes (point, channel);
    CREATE INDEX consent_request ON consent_changes (request_id);

    -- The directory: the profile Regal holds, as this desk has shaped it.
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        user_id TEXT,
        name TEXT NOT NULL DEFAULT '',       -- 'First Last', lower-cased for search
        profile TEXT NOT NULL,               -- payload-shaped JSON, explicit isPrimary
        updated_at TEXT NOT NULL
    );
    CREATE INDEX contacts_name ON contacts (name);
    -- Identifiers: 'phone:+19545582399', 'email:jane@example.com', 'user:123'.
    CREATE TABLE contact_keys (
        key TEXT PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX contact_keys_contact ON contact_keys (contact_id);
    -- Each word of a contact's name, lower-cased, for indexed as-you-type search by
    -- first or last name.
    CREATE TABLE contact_words (
        word TEXT NOT NULL,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        PRIMARY KEY (word, contact_id)
    ) WITHOUT ROWID;
    CREATE INDEX contact_words_contact ON contact_words (contact_id);

    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL                  -- JSON; never a secret
    ) WITHOUT ROWID;
    """,
    # 2: the lease of a claim, why a request is held, and where each attempt was sent.
    """
    -- Unix time the claim was taken or last renewed by its sender (store/claimers.py).
    ALTER TABLE requests ADD COLUMN claimed_at REAL;
    -- Why a held request waits: NULL, Regal refused the key; 'endpoint', its account's
    -- endpoint changed after it was queued (it goes nowhere until retried or dropped).
    ALTER TABLE requests ADD COLUMN held_for TEXT;
    -- The URL this attempt was posted to (NULL for attempts made before version 2).
    ALTER TABLE attempts ADD COLUMN endpoint TEXT;
    """,
    # 3: the directory lists recent contacts first and finds e-mails by their domain;
    # History groups requests by import.
    """
    CREATE INDEX contacts_updated ON contacts (updated_at, id);
    -- The domain of each e-mail address and every ending of it after a dot
    -- ('mail.example.com', 'example.com', 'com'), for indexed search by domain.
    CREATE TABLE contact_domains (
        part TEXT NOT NULL,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        PRIMARY KEY (part, contact_id)
    ) WITHOUT ROWID;
    CREATE INDEX contact_domains_contact ON contact_domains (contact_id);
    INSERT OR IGNORE INTO contact_domains (part, contact_id)
    WITH RECURSIVE parts (rest, contact_id) AS (
        SELECT substr(key, instr(key, '@') + 1), contact_id FROM contact_keys
        WHERE key >= 'email:' AND key < 'email;' AND instr(key, '@') > 0
        UNION ALL
        SELECT substr(rest, instr(rest, '.') + 1), contact_id FROM parts
        WHERE instr(rest, '.') > 0
    )
    SELECT rest, contact_id FROM parts WHERE rest != '';
    -- History lists the imports (an import's requests share their file and queue time)
    -- without reading the bodies.
    CREATE INDEX requests_origin ON requests (origin, created_at);
    """,
    # 4: consent evidence counts changes against the known state (issue 10): whether each
    # consent object changed the state or restated it, what was known before, and what
    # the operator said about it (kept here as evidence, never sent to Regal); retired
    # numbers and addresses.
    """
    -- 'change': the subscribed state differs from what was known when it was queued (or
    -- nothing was known); 'restatement': the same state sent again.
    ALTER TABLE consent_changes ADD COLUMN change TEXT NOT NULL DEFAULT 'change'
        CHECK (change IN ('change', 'restatement'));
    ALTER TABLE consent_changes ADD COLUMN was INTEGER;  -- known subscribed before; NULL: none
    ALTER TABLE consent_changes ADD COLUMN reason TEXT;  -- why, in the operator's words
    ALTER TABLE consent_changes ADD COLUMN proof TEXT;   -- recording id, ticket, form URL
    ALTER TABLE consent_changes ADD COLUMN method TEXT;  -- how an opt-out was received
    ALTER TABLE consent_changes ADD COLUMN received_at TEXT;  -- when the person asked
    ALTER TABLE consent_changes ADD COLUMN template TEXT;  -- consent wording's name
    ALTER TABLE consent_changes ADD COLUMN template_version TEXT;
    CREATE INDEX consent_revocations ON consent_changes (subscribed, change);
    -- A number or address retired from a contact (Regal cannot delete one): every channel
    -- unsubscribed by the request named here.
    CREATE TABLE retired_points (
        key TEXT PRIMARY KEY,                -- 'phone:+1...' or 'email:...'
        request_id INTEGER REFERENCES requests (id),
        reason TEXT NOT NULL,
        retired_at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 5: the Segment route (issue 13): which route a request takes, the message id Segment
    # deduplicates by (stable across retries and restarts), and the batch of each attempt.
    """
    ALTER TABLE requests ADD COLUMN route TEXT NOT NULL DEFAULT 'regal'
        CHECK (route IN ('regal', 'segment'));
    ALTER TABLE requests ADD COLUMN message_id TEXT;
    ALTER TABLE attempts ADD COLUMN batch TEXT;
    """,
    # 6: Regal's own contact events (issue 11): what Regal reported, kept once each.
    """
    CREATE TABLE regal_events (
        id INTEGER PRIMARY KEY,
        identity TEXT NOT NULL UNIQUE,       -- message id where present, else content hash
        event TEXT NOT NULL,                 -- 'contact.subscribed', 'contact.unsubscribed', ...
        kind TEXT CHECK (kind IN ('phone', 'email')),
        point TEXT,                          -- E.164 number or lower-cased e-mail address
        channel TEXT CHECK (channel IN ('voice', 'sms', 'email')),
        subscribed INTEGER,                  -- NULL for events that are not consent
        user_id TEXT,
        source TEXT,
        text TEXT,
        ip TEXT,
        timestamp TEXT,                      -- consent time, stored UTC ISO 8601
        stored_at TEXT NOT NULL,             -- when this desk stored it
        origin TEXT NOT NULL,                -- 'FILE:LINE' or 'listen'
        raw TEXT NOT NULL                    -- the event as received (JSON)
    );
    CREATE INDEX regal_events_point ON regal_events (point, channel, timestamp);
    CREATE INDEX regal_events_user ON regal_events (user_id);
    """,
    # 7: one send schedule per account (issue 12): the next free send time (unix seconds)
    # every desk and process sending for the account reserves its slots from.
    """
    CREATE TABLE send_slots (
        profile TEXT PRIMARY KEY,
        next_at REAL NOT NULL
    );
    -- The team database's role that queued the request (PostgreSQL's current_user, set
    -- by the column's default there); NULL on a desk's own SQLite file.
    ALTER TABLE requests ADD COLUMN db_role TEXT;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The database cannot be used; the message says why and what to do."""


class DatabaseUnreachable(StoreError):  # noqa: N818 - reads as what happened
    """The team database cannot be reached or dropped the connection (defined here, not
    beside the PostgreSQL driver, so delivery can wait for it without loading psycopg)."""


class NotADatabaseError(StoreError):
    """The file exists but is not a readable SQLite database (garbage or damaged)."""


#: What a database call may raise, on either store: catch this where code caught
#: ``sqlite3.Error`` (the PostgreSQL connection raises ``StoreError`` s of one line).
DatabaseError: tuple[type[Exception], ...] = (sqlite3.Error, StoreError)

#: Where the store is: the SQLite file, or a ``postgresql://`` URL (no password in it).
Location = Path | str


#: Team-database passwords this process was given (from the keychain), by server: the
#: workers that open their own connection find them here. Never written anywhere.
_passwords: dict[str, str] = {}


def _server(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return rest.rsplit("@", 1)[-1].split("?", 1)[0]


def remember_password(url: str, password: str) -> None:
    """Keep ``password`` for the team database at ``url`` for this process only."""
    _passwords[_server(url)] = password


def database_password(url: str) -> str | None:
    """The password remembered for ``url``'s server, if any (libpq reads the URL,
    ``PGPASSWORD`` and ``~/.pgpass`` itself)."""
    return _passwords.get(_server(url))


def newer_schema(version: int) -> str:
    """The one line refusing a database written by a newer version of the application."""
    return (
        f"the database was written by a newer Regal Desktop (schema {version}, "
        f"this version knows {SCHEMA_VERSION}); upgrade the application"
    )


def utc_now() -> str:
    """The current time as stored in the database: ISO 8601 UTC with milliseconds and Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _create_private(path: Path) -> None:
    """Create an empty file readable only by its owner (SQLite copies this mode to -wal)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


#: SQLite's result codes for "this file is not a database" and "the file is damaged".
_DAMAGED = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch to write-ahead logging. Switching needs the file to itself for a moment and
    SQLite's busy handler does not wait for that, so when several processes create the
    database at once, try again until ``timeout`` has passed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def connect(path: Path, *, timeout: float = 10.0) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the database at ``path``.

    The connection is in autocommit mode (``isolation_level=None``): callers group writes
    with ``BEGIN IMMEDIATE`` / ``COMMIT`` (see ``transaction``). It may be used from the
    thread that opened it only; open another connection per thread. Raises
    ``NotADatabaseError`` for a file that is not a database and ``StoreError`` for any other
    reason it cannot be opened.
    """
    try:
        if not path.exists():
            _create_private(path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the database: {exc.strerror or exc}") from exc
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        _use_wal(conn, timeout)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn)
    except (sqlite3.DatabaseError, StoreError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, StoreError):
            raise StoreError(f"{path}: {exc}") from exc
        if getattr(exc, "sqlite_errorname", "") in _DAMAGED:
            raise NotADatabaseError(
                f"{path} is not a Regal Desktop database or is damaged ({exc}); "
                "move it aside or restore it from a backup"
            ) from exc
        raise StoreError(f"{path}: cannot open the database: {exc}") from exc
    return conn


def _statements(script: str) -> list[str]:
    """Split a migration script into complete SQL statements (';' in comments is safe)."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip() != ";":
                statements.append(pending.strip())
            pending = ""
    return statements


def migrate(conn: sqlite3.Connection) -> int:
    """Run the migrations the database has not seen yet; return the resulting version."""
    for number in range(SCHEMA_VERSION):
        # Each step and its version bump are one transaction. The version is read again
        # under the write lock, so two processes opening a new file at once migrate once.
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(newer_schema(version))
            if version == number:
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # some errors (disk full) have rolled back already
                conn.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


#: How a failed transaction's message ends: true of that transaction alone (a delivery
#: that stops on it says what it had already done: ``services.sending.deliver``).
NOTHING_CHANGED = "; nothing was changed"


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Group writes into one ``BEGIN IMMEDIATE`` transaction, or join the caller's.

    Inside an open transaction this adds nothing (the caller commits or rolls back);
    otherwise it commits on success and rolls back on any exception.
    """
    if conn.in_transaction:
        yield conn
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # some errors (disk full) have rolled back already
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise  # callers that can wait (the sender) retry; others report it
        raise StoreError(
            f"{database_file(conn)}: cannot write to the database: {exc}"
            f"{_HINTS.get(str(exc), '')}{NOTHING_CHANGED}"
        ) from exc


#: What to try, for errors whose SQLite wording does not say it.
_HINTS = {"disk I/O error": " (is the disk full?)", "database or disk is full": ""}


def is_busy(exc: sqlite3.Error) -> bool:
    """True when another connection holds the lock (worth waiting and trying again)."""
    text = str(exc)
    return "database is locked" in text or "database is busy" in text


def database_file(conn: sqlite3.Connection) -> str:
    """The file behind ``conn``, or the server of a team database (for messages)."""
    where = getattr(conn, "where", None)
    if where is not None:
        return f"the team database at {where}"
    try:
        return str(conn.execute("PRAGMA database_list").fetchone()[2]) or "the database"
    except sqlite3.Error:
        return "the database"
