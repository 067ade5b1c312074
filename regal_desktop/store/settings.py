"""Preferences that are not secrets, as JSON values in the ``settings`` table.

API keys live in the OS keychain. To make sure no secret ends up in this file by
mistake, a setting whose name mentions a key, secret, token or password is refused.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any

log = logging.getLogger(__name__)

_SECRET_WORDS = ("key", "secret", "token", "password")


def _check_name(name: str) -> None:
    lowered = name.lower()
    for word in _SECRET_WORDS:
        if word in lowered:
            raise ValueError(
                f"setting {name!r} looks like a secret (its name contains {word!r}); "
                "secrets belong in the OS keychain, not in the settings"
            )


class Settings:
    """Read and write preferences; every value is stored as JSON."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, key: str, default: Any = None) -> Any:
        """The value of setting ``key``, or ``default`` when it was never set."""
        _check_name(key)
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except ValueError:
            # Only a hand-edited database holds this; the stored text stays for inspection.
            log.warning("setting %r is not valid JSON; using the default", key)
            return default

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` (anything JSON can hold) under ``key``, replacing the old one."""
        _check_name(key)
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"setting {key!r}: the value cannot be stored as JSON: {exc}") from exc
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, text),
        )


__all__ = ["Settings"]
