"""Live views: the window hears of other desks' changes to the team store.

``watch_other_desks(location, changed)`` listens on the team database (store/notify.py)
and calls ``changed(parts)`` from its own thread with the parts that changed
(``outbox``, ``history``, ``directory``, ``events``, ``settings``); the caller hands that
over to its own thread. On a desk's SQLite file there is nothing to listen to: None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from regal_desktop.store.db import Location, database_password


class Watching(Protocol):
    """A running watch; ``stop`` ends it."""

    def stop(self) -> None:
        """Stop listening."""


def watch_other_desks(location: Location, changed: Callable[[set[str]], None]) -> Watching | None:
    """Start listening for other desks' changes to the team database at ``location``;
    None for a SQLite file (psycopg is loaded only for the team database)."""
    if not isinstance(location, str) or not location.startswith(("postgresql://", "postgres://")):
        return None
    from regal_desktop.store.notify import listen_for_changes

    return listen_for_changes(location, database_password(location), changed)


__all__ = ["Watching", "watch_other_desks"]
