"""The API keys of this session: typed keys win over the keychain until Regal refuses
them, and a refused or missing key is asked for before the next send."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from regal_desktop.context import AppContext
from regal_desktop.delivery.endpoint import EndpointError
from regal_desktop.delivery.keys import KeychainUnavailable, UnusableKey, clean_key
from regal_desktop.services import requests
from regal_desktop.services.accounts import AccountError, Destination
from regal_desktop.services.confirmation import session_only
from regal_desktop.ui.shell.changes import StoreChanges, What
from regal_desktop.ui.shell.dialogs import Dialogs


def _sentence(text: str) -> str:
    """``text`` with a capital first letter, to stand as a sentence."""
    return text[:1].upper() + text[1:]


class KeySession:
    """Where each account's sends go, with the key to use; asks for the key when needed."""

    def __init__(
        self,
        app: AppContext,
        dialogs: Dialogs,
        changes: StoreChanges,
        say: Callable[[str, int], None],
        parent: QWidget,
    ) -> None:
        self.app, self.dialogs, self.changes = app, dialogs, changes
        self._say, self._parent = say, parent
        #: Keys typed this session, by account: they win over the keychain until refused.
        self.typed: dict[str, str] = {}
        #: Accounts whose key Regal refused: the next send asks for a new one.
        self.refused: set[str] = set()

    def remember(self, account: str, key: str) -> bool:
        """Use ``key`` for ``account`` and queue the requests held for a bad key again.

        Returns True when the key was saved in the keychain, False when there is none
        and the key lasts for this session only.
        """
        self.typed[account] = key
        self.refused.discard(account)
        requests.release_held(self.app.store, account)
        self.changes.notify(What.OUTBOX)
        try:
            self.app.keys.set(account, key)
        except KeychainUnavailable:
            return False
        return True

    def refuse(self, account: str) -> None:
        """Regal refused the account's key: forget a typed one, ask on the next send."""
        self.refused.add(account)
        self.typed.pop(account, None)

    def destination(self, account: str) -> Destination | None:
        """Where a send to ``account`` goes, asking for a missing or refused key; None
        (the user was told why) when it cannot be sent."""
        unusable: UnusableKey | None = None
        try:
            try:
                found = self.app.destination(account)
            except UnusableKey as exc:  # the saved key (or REGAL_API_KEY): ask for it again
                unusable, found = exc, Destination(self.app.profile(account), None)
        except (AccountError, EndpointError) as exc:
            self.dialogs.show_error(self._parent, "Cannot send", f"Account {account}: {exc}")
            return None
        key = self.typed.get(account)
        if key:
            found, unusable = dataclasses.replace(found, key=key), None
        if not (found.needs_key or account in self.refused or unusable):
            return found
        if unusable:
            reason = f"{_sentence(str(unusable))}."
        elif account in self.refused:
            reason = f"Regal refused the API key for account {account}. Enter the right key."
        else:
            reason = f"Account {account} has no API key yet."
        typed = self.dialogs.ask_key(self._parent, account, reason, self.app.keys.available())
        try:
            key = clean_key(typed or "", f"the API key typed for account {account}")
        except UnusableKey as exc:
            self.dialogs.show_error(self._parent, "Not sent", f"{_sentence(str(exc))}.")
            return None
        if not key:
            self._say(f"Not sent: no API key for account {account}", 10_000)
            return None
        if not self.remember(account, key):
            self._say(session_only(account), 30_000)
        return dataclasses.replace(found, key=key)
