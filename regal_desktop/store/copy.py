"""Copy a desk's store into the team's store, once: ``regal-desktop db copy --to URL``.

What is copied, one transaction per group (a group either arrives whole or not at all):

- team settings: the accounts (with their endpoints and rates; never a key, which lives
  in each person's keychain), the default account, region, event source and the consent
  templates. Accounts the team store lacks (by name) are added; a setting it already has
  is left as it is. Per-desk things (the operator's e-mail, the welcome banner) stay.
- the directory: every contact none of whose identifiers the team store knows, with its
  identifiers, name words and e-mail domains.
- history and outbox: every request with its attempts, identifiers and consent changes
  (the evidence), and the numbers and addresses it retired. A request is known by what
  it is: (queued at, sha256 of the body, account, origin), counted, so the same body
  queued twice in one import is copied twice and a second copy adds nothing. A request
  a sender here had claimed is copied as queued (delivered at least once).
- Regal's events, known by their identity.

Ids are given anew in the target and the references follow them.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from regal_desktop.store.db import transaction
from regal_desktop.store.sql import POSTGRESQL, dialect

#: The settings that belong to the team (the rest belong to the desk).
TEAM_SETTINGS = (
    "profiles",
    "default_profile",
    "default_region",
    "default_event_source",
    "consent_templates",
)
#: How many requests are read and written at a time.
_CHUNK = 500
_IDENTITY = ("created_at", "sha256", "profile", "origin")


@dataclass
class Copied:
    """What one group brought over, and what the target had already."""

    group: str
    copied: int = 0
    already: int = 0

    def line(self) -> str:
        """``history: 120 copied, 3 already there``."""
        return f"{self.group}: {self.copied} copied, {self.already} already there"


@dataclass
class CopyReport:
    """Every group's counts, in the order they were copied."""

    groups: list[Copied] = field(default_factory=list)

    @property
    def copied(self) -> int:
        """How many rows (requests, contacts, events, settings) were copied in all."""
        return sum(group.copied for group in self.groups)


def _rows(conn: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(sql, args).fetchall()]


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``."""
    if not rows:
        return
    columns = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [tuple(row[column] for column in columns) for row in rows],
    )


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns ``table`` has in the database behind ``conn``."""
    if dialect(conn).name == POSTGRESQL:
        sql = (
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = current_schema() ORDER BY ordinal_position"
        )
    else:
        sql = "SELECT name FROM pragma_table_info(?)"
    return [str(row[0]) for row in conn.execute(sql, (table,)).fetchall()]


def copy_settings(source: sqlite3.Connection, target: sqlite3.Connection) -> Copied:
    """The team's settings: missing accounts by name, and settings the target lacks."""
    done = Copied("team settings")
    with transaction(target):
        for key in TEAM_SETTINGS:
            row = source.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            if row is None:
                continue
            there = target.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            if key == "profiles" and there is not None:
                added = _merge_accounts(target, json.loads(row[0]), json.loads(there[0]))
                done.copied += added
                done.already += len(json.loads(row[0])) - added
            elif there is None:
                target.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, row[0]))
                done.copied += len(json.loads(row[0])) if key == "profiles" else 1
            else:
                done.already += 1
    return done


def _merge_accounts(target: sqlite3.Connection, ours: list[Any], theirs: list[Any]) -> int:
    names = {account.get("name") for account in theirs if isinstance(account, dict)}
    new = [a for a in ours if isinstance(a, dict) and a.get("name") not in names]
    if new:
        target.execute(
            "UPDATE settings SET value = ? WHERE key = 'profiles'",
            (json.dumps(theirs + new, ensure_ascii=False),),
        )
    return len(new)


def copy_directory(source: sqlite3.Connection, target: sqlite3.Connection) -> Copied:
    """Every contact whose identifiers the target does not know, with keys, words, domains."""
    done = Copied("directory")
    keys: dict[int, list[str]] = {}
    for row in source.execute("SELECT key, contact_id FROM contact_keys"):
        keys.setdefault(int(row[1]), []).append(str(row[0]))
    with transaction(target):
        for contact in _rows(source, "SELECT * FROM contacts ORDER BY id"):
            old_id = int(contact.pop("id"))
            mine = keys.get(old_id, [])
            if mine and _known_keys(target, mine):
                done.already += 1
                continue
            new_id = int(
                target.execute(
                    "INSERT INTO contacts (user_id, name, profile, updated_at) "
                    "VALUES (?, ?, ?, ?) RETURNING id",
                    (
                        contact["user_id"],
                        contact["name"],
                        contact["profile"],
                        contact["updated_at"],
                    ),
                ).fetchone()[0]
            )
            _insert(target, "contact_keys", [{"key": k, "contact_id": new_id} for k in mine])
            for table, column in (("contact_words", "word"), ("contact_domains", "part")):
                found = source.execute(
                    f"SELECT {column} FROM {table} WHERE contact_id = ?", (old_id,)
                ).fetchall()
                _insert(target, table, [{column: r[0], "contact_id": new_id} for r in found])
            done.copied += 1
    return done


def _known_keys(target: sqlite3.Connection, keys: list[str]) -> bool:
    marks = ", ".join("?" * len(keys))
    found = target.execute(
        f"SELECT 1 FROM contact_keys WHERE key IN ({marks}) LIMIT 1", tuple(keys)
    ).fetchone()
    return found is not None


def copy_requests(
    source: sqlite3.Connection, target: sqlite3.Connection, say: Callable[[str], None]
) -> Copied:
    """History and outbox: the requests the target lacks, with everything that hangs on them."""
    done = Copied("history and outbox")
    wanted = _missing_requests(source, target)
    done.already = sum(1 for _ in source.execute("SELECT id FROM requests")) - len(wanted)
    columns = set(_columns(target, "requests"))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        with transaction(target):
            _copy_chunk(source, target, chunk, columns)
        done.copied += len(chunk)
        if len(wanted) > _CHUNK:
            say(f"history and outbox: {done.copied} of {len(wanted)} requests copied")
    return done


def _missing_requests(source: sqlite3.Connection, target: sqlite3.Connection) -> list[int]:
    """The ids (in the source) of the requests the target does not have yet, oldest first."""
    there: Counter[tuple[Any, ...]] = Counter(
        tuple(row) for row in target.execute(f"SELECT {', '.join(_IDENTITY)} FROM requests")
    )
    wanted: list[int] = []
    for row in source.execute(f"SELECT id, {', '.join(_IDENTITY)} FROM requests ORDER BY id"):
        identity = tuple(row[1:])
        if there[identity] > 0:
            there[identity] -= 1
        else:
            wanted.append(int(row[0]))
    return wanted


def _copy_chunk(
    source: sqlite3.Connection, target: sqlite3.Connection, ids: list[int], columns: set[str]
) -> None:
    marks = ", ".join("?" * len(ids))
    lock = dialect(target).lock_request_ids
    if lock is not None:
        target.execute(lock).fetchone()
    first = int(target.execute("SELECT coalesce(max(id), 0) + 1 FROM requests").fetchone()[0])
    new_id = {old: first + number for number, old in enumerate(ids)}
    requests = []
    for row in _rows(source, f"SELECT * FROM requests WHERE id IN ({marks}) ORDER BY id", (*ids,)):
        row["id"] = new_id[row["id"]]
        if row["state"] == "sending":  # claimed here, maybe sent: at least once, not lost
            row["state"] = "queued"
        row["claimed_by"] = None
        row["claimed_at"] = None
        row["db_role"] = None  # queued on a desk, not through a team database role
        requests.append({key: value for key, value in row.items() if key in columns})
    _insert(target, "requests", requests)
    for table in ("request_keys", "attempts", "consent_changes", "retired_points"):
        rows = _rows(source, f"SELECT * FROM {table} WHERE request_id IN ({marks})", (*ids,))
        wanted = set(_columns(target, table)) - ({"id"} if table != "request_keys" else set())
        moved = [
            {key: (new_id[value] if key == "request_id" else value) for key, value in row.items()}
            for row in rows
        ]
        moved = [{k: v for k, v in row.items() if k in wanted} for row in moved]
        if table == "retired_points":
            _insert_new(target, table, moved, "key")
        else:
            _insert(target, table, moved)


def _insert_new(
    conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]], unique: str
) -> int:
    """Insert the ``rows`` whose ``unique`` column is not taken yet; how many were new."""
    if not rows:
        return 0
    columns = list(rows[0])
    before = conn.total_changes
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({unique}) DO NOTHING",
        [tuple(row[column] for column in columns) for row in rows],
    )
    return int(conn.total_changes - before)


def copy_events(source: sqlite3.Connection, target: sqlite3.Connection) -> Copied:
    """Regal's events the target does not have (by identity)."""
    done = Copied("Regal events")
    rows = _rows(source, "SELECT * FROM regal_events ORDER BY id")
    for row in rows:
        del row["id"]
    with transaction(target):
        for start in range(0, len(rows), _CHUNK):
            done.copied += _insert_new(
                target, "regal_events", rows[start : start + _CHUNK], "identity"
            )
    done.already = len(rows) - done.copied
    return done


def copy_store(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    say: Callable[[str], None] = lambda _line: None,
) -> CopyReport:
    """Copy ``source`` (a desk's store) into ``target`` (the team's), saying each group's
    counts as it is done. Running it again copies nothing more."""
    report = CopyReport()
    for step in _steps(source, target, say):
        report.groups.append(step)
        say(step.line())
    return report


def _steps(
    source: sqlite3.Connection, target: sqlite3.Connection, say: Callable[[str], None]
) -> Iterator[Copied]:
    yield copy_settings(source, target)
    yield copy_directory(source, target)
    yield copy_requests(source, target, say)
    yield copy_events(source, target)


__all__ = ["TEAM_SETTINGS", "Copied", "CopyReport", "copy_store"]
