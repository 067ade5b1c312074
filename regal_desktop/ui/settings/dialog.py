"""Settings: accounts and their keys, general preferences, consent texts.

Nothing is written until Save: every tab edits a copy, Save checks all of it (errors are
shown next to the field, in plain words) and then writes the profiles and preferences to
the store's settings and each typed key to the OS keychain. The store refuses setting
names that mention keys or secrets, so no key can end up in the database by mistake.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.context import AppContext
from regal_desktop.services.preferences import saving_together
from regal_desktop.store import StoreError
from regal_desktop.ui.settings.accounts import AccountsTab
from regal_desktop.ui.settings.tabs import (
    NO_KEYCHAIN_NOTE,
    ConsentTextsTab,
    GeneralTab,
    error_label,
    named,
    show_error,
)

__all__ = ["NO_KEYCHAIN_NOTE", "SettingsDialog"]


class SettingsDialog(QDialog):
    """Accounts, General and Consent texts; Save writes everything or nothing."""

    def __init__(
        self,
        app: AppContext,
        remember_key: Callable[[str, str], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings — Regal Desktop")
        self._app = app
        self._remember_key = remember_key
        #: Profiles whose typed key could not be saved (no keychain): this session only.
        self.unsaved_keys: list[str] = []
        self.accounts = AccountsTab(app)
        self.general = GeneralTab(app)
        self.consent = ConsentTextsTab(app.store.settings)
        self.tabs = named(QTabWidget(), "settingsTabs")
        self.tabs.addTab(self.accounts, "Accounts")
        self.tabs.addTab(self.general, "General")
        self.tabs.addTab(self.consent, "Consent texts")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.error = error_label()
        self.error.setObjectName("settingsError")
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(760, 460)
        self.setWindowModality(Qt.WindowModality.WindowModal)

    def accept(self) -> None:
        """Check every tab; show the first problem next to its field, or save and close."""
        for row, message in self.accounts.problems()[:1]:
            self.tabs.setCurrentWidget(self.accounts)
            self.accounts.show_problem(row, message)
            return
        problem = self.general.problem()
        if problem:
            self.tabs.setCurrentWidget(self.general)
            show_error(self.general.error, problem)
            return
        for row, message in self.consent.problems()[:1]:
            self.tabs.setCurrentWidget(self.consent)
            self.consent.show_problem(row, message)
            return
        try:
            with saving_together(self._app.store) as settings:
                self.accounts.save()
                self.general.save(settings)
                self.consent.save(settings)
        except (StoreError, ValueError) as exc:
            show_error(self.error, f"Nothing was saved: {exc}")
            return
        for name in self.accounts.removed:
            self._app.keys.delete(name)
        for name, key in self.accounts.typed_keys().items():
            if not self._remember_key(name, key):
                self.unsaved_keys.append(name)
        super().accept()
