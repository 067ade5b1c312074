"""The application context: the one place that wires paths, store, accounts and keys.

The window and the command line each build one and pass it to whoever needs it; there
are no module-level globals.

Importing this module is cheap (standard library and ``regal_desktop.paths`` only): the
store, the accounts (pydantic) and the keychain are loaded when a context is opened or
asked for them. The window frame, which paints before anything else loads, takes just
the folders (``paths.app_paths``); ``open_context(paths=...)`` then opens the rest.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from regal_desktop.paths import AppPaths, app_paths, database_location

if TYPE_CHECKING:
    from regal_desktop.delivery.keys import KeyStore
    from regal_desktop.services.accounts import AccountProfile, Accounts, Destination
    from regal_desktop.store import Store


@dataclass
class AppContext:
    """Everything a command or a window needs, opened once."""

    paths: AppPaths
    store: Store
    keys: KeyStore
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    #: The account this command works on (its ``--profile``); None: the default account.
    #: ``REGAL_API_KEY`` is this account's key and no other's.
    account: str | None = None

    @property
    def accounts(self) -> Accounts:
        """The configured account profiles."""
        from regal_desktop.services.accounts import Accounts

        return Accounts(self.store.settings)

    @property
    def region(self) -> str:
        """Where numbers without a country code are assumed to be (ISO code, e.g. US)."""
        from regal_desktop.store.settings import DEFAULT_REGION

        return self.store.settings.read(DEFAULT_REGION)

    @property
    def operator(self) -> str:
        """Who is sending: the OS user, with the configured e-mail if any."""
        from regal_desktop.store.operator import operator_name
        from regal_desktop.store.settings import OPERATOR_EMAIL

        return operator_name(self.store.settings.read(OPERATOR_EMAIL) or None)

    @property
    def database(self) -> Path | str:
        """Where the store is (the SQLite file or the team database's URL, never with a
        password), for workers that open their own connection."""
        return self.store.location or self.paths.database

    def destination(self, profile: str | None = None, rate: float | None = None) -> Destination:
        """Where a send goes now, with ``REGAL_ENDPOINT`` applied, and ``REGAL_API_KEY`` if
        the profile is ``account`` (the one this command works on)."""
        from regal_desktop.services.accounts import destination

        return destination(
            self.accounts, self.keys, self.environ, profile, rate, key_account=self.account
        )

    def profile(self, name: str | None = None) -> AccountProfile:
        """Where a send would go (``REGAL_ENDPOINT`` applied), without reading the key."""
        from regal_desktop.services.accounts import effective_profile

        return effective_profile(self.accounts, self.environ, name)

    def close(self) -> None:
        """Close the store."""
        self.store.close()


def open_context(
    environ: Mapping[str, str] | None = None, paths: AppPaths | None = None
) -> AppContext:
    """Open the application's folders and store (setting a corrupt database aside).

    ``paths`` are the folders the window frame already has (else they are found again);
    either way they are created if missing.
    """
    from regal_desktop.delivery.keys import KeyStore
    from regal_desktop.store import open_store

    env = dict(os.environ if environ is None else environ)
    paths = (paths or app_paths(env)).ensure()
    keys = KeyStore()
    location = database_location(paths, env)
    if isinstance(location, str):
        from regal_desktop.store.db import remember_password

        password = keys.database_password(location)
        if password:
            remember_password(location, password)
    store = open_store(location, set_aside_corrupt=True)
    return AppContext(paths=paths, store=store, keys=keys, environ=env)
