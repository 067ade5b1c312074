"""Helpers for sender tests: a real outbox file filled with realistic bodies."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from regal_desktop.domain.model import body_text
from regal_desktop.store import NewRequest, open_store

PROFILE = "sandbox"


def make_body(number: int) -> str:
    """A small contact body, different for every number, as the editor would write it."""
    return body_text(
        {
            "userId": f"user-{number}",
            "traits": {
                "firstName": "Zoë",
                "emails": {f"jane.{number}@example.com": {"label": "Personal"}},
            },
        }
    )


def fill_outbox(db_path: Path, bodies: list[str], profile: str = PROFILE) -> list[int]:
    """Queue ``bodies`` for ``profile`` and return their ids."""
    store = open_store(db_path)
    try:
        return store.outbox.enqueue(
            [NewRequest(profile, "http://127.0.0.1/events", "tester", body) for body in bodies]
        )
    finally:
        store.close()


def states(db_path: Path) -> dict[str, int]:
    """How many requests are in each state, read straight from the file."""
    with closing(sqlite3.connect(db_path)) as conn:
        return dict(conn.execute("SELECT state, count(*) FROM requests GROUP BY state").fetchall())
