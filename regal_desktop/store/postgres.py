"""The team store on PostgreSQL, behind the part of the sqlite3 API the store uses.

``connect_postgres(url)`` opens a psycopg 3 connection and wraps it in ``Connection``:
``execute(sql, params)`` with SQLite's ``?`` placeholders (translated to ``%s`` outside
string literals), ``executemany``, ``in_transaction``, ``total_changes``, rows read as
``row["col"]``, ``row[0]`` and ``dict(row)``. It runs in autocommit mode; ``BEGIN`` /
``COMMIT`` / ``ROLLBACK`` are issued by ``store.db.transaction`` as on SQLite
(``BEGIN IMMEDIATE`` becomes ``BEGIN``). Every error of the server or the network becomes
a ``StoreError`` of one line naming the server (never the password).

psycopg is imported here only, and this module only when a ``postgresql://`` URL is used,
so start-up on SQLite loads none of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import errors as pg_errors

from regal_desktop.store.db import NOTHING_CHANGED, DatabaseUnreachable, StoreError

#: The URL schemes taken for PostgreSQL.
SCHEMES = ("postgresql://", "postgres://")
#: How long to wait for the server to answer a new connection, in seconds.
CONNECT_TIMEOUT = 10


class DatabaseRefused(StoreError):  # noqa: N818 - reads as what happened
    """The server answered but refused a statement (a constraint, a permission)."""


def is_postgres_url(location: object) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def describe_url(url: str) -> str:
    """``host:port/dbname`` of ``url``, with no user name or password."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or 5432
    dbname = unquote(parts.path.lstrip("/")) or (parts.username or "")
    return f"{host}:{port}/{dbname}"


def url_user(url: str) -> str | None:
    """The user name in ``url``, if it names one."""
    name = urlsplit(url).username
    return unquote(name) if name else None


def without_password(url: str) -> str:
    """``url`` with any password taken out (for messages and settings)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}@{netloc}").geturl()


#: A string literal, a quoted name, a comment, or a placeholder / percent sign.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|\?|%", re.S)


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite's ``?`` placeholders as psycopg's ``%s``, except inside string literals,
    quoted names and comments; every ``%`` is doubled (psycopg reads them everywhere)."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        return token.replace("%", "%%")  # psycopg reads '%' even inside literals

    text = _TOKENS.sub(swap, sql)
    head = text.lstrip().upper()
    if head.startswith("BEGIN"):
        return "BEGIN"
    return text


class Row:
    """One result row, read as ``row["col"]``, ``row[0]``, ``dict(row)`` or unpacked."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        """The column names, in order (as ``sqlite3.Row.keys``)."""
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return tuple(self._values) == tuple(other._values)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    description = cursor.description or []
    index = {column.name: number for number, column in enumerate(description)}

    def make(values: Sequence[Any]) -> Row:
        return Row(values, index)

    return make


class Cursor:
    """The result of one statement: ``fetchone``, ``fetchall``, iteration, ``rowcount``."""

    def __init__(self, cursor: psycopg.Cursor[Any], where: str) -> None:
        self._cursor = cursor
        self._where = where
        self.rowcount: int = cursor.rowcount

    def fetchone(self) -> Any:
        """The next row, or None."""
        if self._cursor.description is None:
            return None
        with _mapped(self._where):
            return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        if self._cursor.description is None:
            return []
        with _mapped(self._where):
            return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    @property
    def lastrowid(self) -> int | None:
        """Not known on PostgreSQL (use ``RETURNING id``)."""
        return None


@contextmanager
def _mapped(where: str) -> Iterator[None]:
    """Turn psycopg's errors into one-line ``StoreError`` s that name the server."""
    try:
        yield
    except psycopg.Error as exc:
        raise store_error(exc, where) from exc


def store_error(exc: psycopg.Error, where: str) -> StoreError:
    """The one-line ``StoreError`` for a psycopg error at server ``where``."""
    detail = _first_line(str(exc)) or type(exc).__name__
    if "password" in detail and isinstance(exc, psycopg.OperationalError):
        return DatabaseRefused(
            f"the team database at {where} refused the sign-in: {detail} (give the password "
            f"in PGPASSWORD, ~/.pgpass or the keychain){NOTHING_CHANGED}"
        )
    if isinstance(exc, psycopg.OperationalError) and not isinstance(
        exc, pg_errors.QueryCanceled | pg_errors.LockNotAvailable
    ):
        return DatabaseUnreachable(
            f"the team database at {where} is not reachable: {detail}{NOTHING_CHANGED}"
        )
    return DatabaseRefused(f"the team database at {where} refused it: {detail}{NOTHING_CHANGED}")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


class Connection:
    """A psycopg connection offering the sqlite3 calls the store makes.

    When the server went away (restarted, the network dropped), the next statement outside
    a transaction connects again: the one that failed said so in one line, nothing more.
    """

    #: Which SQL dialect the store speaks through this connection.
    kind = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any], url: str, password: str | None) -> None:
        self.raw = raw
        self.url = without_password(url)
        self.where = describe_url(url)
        self.total_changes = 0
        self._secret = (url, password)  # in memory only, to connect again
        self._closed = False

    @property
    def in_transaction(self) -> bool:
        """True between ``BEGIN`` and ``COMMIT`` / ``ROLLBACK`` (as sqlite3's); false on a
        lost connection (its transaction is gone with it)."""
        if self.raw.closed:
            return False
        status = self.raw.info.transaction_status
        return status not in (
            psycopg.pq.TransactionStatus.IDLE,
            psycopg.pq.TransactionStatus.UNKNOWN,
        )

    def _ready(self) -> None:
        """Connect again if the connection was lost (not if it was closed on purpose)."""
        if self.raw.closed and not self._closed:
            self.raw = _open_raw(*self._secret)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        """Run one statement with ``?`` placeholders; the cursor holds its rows.

        A session the server ended while it sat idle (a restart: "terminating connection
        due to administrator command") is opened again and the statement run once more:
        the server never saw it, so nothing runs twice."""
        query = translate(sql)
        self._ready()
        idle = not self.in_transaction
        args = tuple(params) if params is not None else ()
        try:
            with _mapped(self.where):
                cursor = self.raw.execute(query, args)
        except DatabaseUnreachable as exc:
            if not (idle and isinstance(exc.__cause__, pg_errors.AdminShutdown)):
                raise
            self._ready()
            with _mapped(self.where):
                cursor = self.raw.execute(query, args)
        if cursor.rowcount > 0 and cursor.description is None:
            self.total_changes += cursor.rowcount
        return Cursor(cursor, self.where)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        """Run one statement for each row of parameters."""
        query = translate(sql)
        self._ready()
        with _mapped(self.where), self.raw.cursor() as cursor:
            cursor.executemany(query, rows)
            if cursor.rowcount > 0:
                self.total_changes += cursor.rowcount
            return Cursor(cursor, self.where)

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back)."""
        self._closed = True
        self.raw.close()


def connect_postgres(url: str, password: str | None = None) -> Connection:
    """Connect to the PostgreSQL database at ``url`` (autocommit, rows as ``Row``).

    ``password`` is used when the URL, ``PGPASSWORD`` and ``~/.pgpass`` give none (libpq
    reads those itself). Raises ``DatabaseUnreachable`` with one line, never the password.
    """
    return Connection(_open_raw(url, password), url, password)


def _open_raw(url: str, password: str | None) -> psycopg.Connection[Any]:
    extra: dict[str, Any] = {}
    if password:
        extra["password"] = password
    where = describe_url(url)
    try:
        raw = psycopg.connect(
            url,
            autocommit=True,
            row_factory=_row_factory,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="regal-desktop",
            **extra,
        )
    except psycopg.Error as exc:
        raise _scrubbed(store_error(exc, where), url, password) from None
    return raw


def _scrubbed(error: StoreError, url: str, password: str | None) -> StoreError:
    """``error`` with any password (from the URL or given) taken out of its message."""
    text = str(error)
    for secret in (urlsplit(url).password, password):
        if secret:
            text = text.replace(secret, "[password hidden]").replace(
                unquote(secret), "[password hidden]"
            )
    return type(error)(text)
