"""The application context: the one place that wires paths, store, accounts and keys.

The window and the command line each build one and pass it to whoever needs it; there
are no module-level globals.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from regal_desktop.delivery.keys import KeyStore
from regal_desktop.paths import AppPaths, app_paths
from regal_desktop.services.accounts import (
    AccountProfile,
    Accounts,
    Destination,
    destination,
    effective_profile,
)
from regal_desktop.store import Store, open_store
from regal_desktop.store.operator import operator_name

DEFAULT_REGION = "US"


@dataclass
class AppContext:
    """Everything a command or a window needs, opened once."""

    paths: AppPaths
    store: Store
    keys: KeyStore
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def accounts(self) -> Accounts:
        """The configured account profiles."""
        return Accounts(self.store.settings)

    @property
    def region(self) -> str:
        """Where numbers without a country code are assumed to be (ISO code, e.g. US)."""
        value = self.store.settings.get("default_region", DEFAULT_REGION)
        return value if isinstance(value, str) and value else DEFAULT_REGION

    @property
    def operator(self) -> str:
        """Who is sending: the OS user, with the configured e-mail if any."""
        email = self.store.settings.get("operator_email")
        return operator_name(email if isinstance(email, str) and email else None)

    @property
    def database(self) -> Path:
        """The SQLite file, for workers that open their own connection."""
        return self.paths.database

    def destination(self, profile: str | None = None, rate: float | None = None) -> Destination:
        """Where a send goes now, with ``REGAL_ENDPOINT``/``REGAL_API_KEY`` applied."""
        return destination(self.accounts, self.keys, self.environ, profile, rate)

    def profile(self, name: str | None = None) -> AccountProfile:
        """Where a send would go (``REGAL_ENDPOINT`` applied), without reading the key."""
        return effective_profile(self.accounts, self.environ, name)

    def close(self) -> None:
        """Close the store."""
        self.store.close()


def open_context(environ: Mapping[str, str] | None = None) -> AppContext:
    """Open the application's folders and store (setting a corrupt database aside)."""
    env = dict(os.environ if environ is None else environ)
    paths = app_paths(env).ensure()
    store = open_store(paths.database, set_aside_corrupt=True)
    return AppContext(paths=paths, store=store, keys=KeyStore(), environ=env)
