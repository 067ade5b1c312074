"""Saving the Settings dialog: profiles and preferences written together or not at all."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from regal_desktop.store import Store, StoreError
from regal_desktop.store.db import transaction
from regal_desktop.store.settings import Settings


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


__all__ = ["saving_together"]
