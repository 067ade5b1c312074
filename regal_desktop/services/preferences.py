"""What the window writes to the settings: the Settings dialog (profiles and preferences,
written together or not at all) and the first-run welcome."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from regal_desktop.store import Store, StoreError
from regal_desktop.store.db import transaction
from regal_desktop.store.settings import WELCOME_DISMISSED, Settings


@contextmanager
def saving_together(store: Store) -> Iterator[Settings]:
    """The store's settings, for writes that are kept only if the whole block succeeds.

    Raises StoreError (nothing was changed) when the database refuses, and whatever the
    block raised (a ``ValueError`` for a value that is not valid) after undoing it.
    """
    try:
        with transaction(store.conn):
            yield store.settings
    except sqlite3.Error as exc:
        raise StoreError(str(exc)) from exc


def dismiss_welcome(store: Store) -> None:
    """Remember that the first-run welcome was dismissed, for good."""
    store.settings.write(WELCOME_DISMISSED, True)


def welcome_dismissed(store: Store) -> bool:
    """Whether the first-run welcome was dismissed."""
    return store.settings.read(WELCOME_DISMISSED)


__all__ = ["dismiss_welcome", "saving_together", "welcome_dismissed"]
