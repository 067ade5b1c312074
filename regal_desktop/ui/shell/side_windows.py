"""The windows beside the editor: History, Contacts, Revocations and the CSV import.

Each is made the first time it is opened (its module loads then, not at start-up) and
kept for the session; they read the store again whenever it changes while they show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from regal_desktop.context import AppContext
from regal_desktop.ui.editor.editor import Editor
from regal_desktop.ui.outbox.controller import SendController
from regal_desktop.ui.reconcile.actions import RegalSide
from regal_desktop.ui.shell.changes import StoreChanges, What
from regal_desktop.ui.shell.dialogs import Dialogs
from regal_desktop.ui.shell.window import MainWindow

if TYPE_CHECKING:
    from regal_desktop.ui.contacts.window import DirectoryView
    from regal_desktop.ui.csv_import.wizard import ImportWizard
    from regal_desktop.ui.history.window import HistoryView
    from regal_desktop.ui.revocations.window import RevocationsView


def _raise(widget: QWidget) -> None:
    widget.show()
    widget.raise_()
    widget.activateWindow()


class SideWindows(QObject):
    """Opens History, Contacts and Import; loads what they pick into the editor."""

    def __init__(
        self,
        app: AppContext,
        window: MainWindow,
        editor: Editor,
        sending: SendController,
        dialogs: Dialogs,
        changes: StoreChanges,
    ) -> None:
        super().__init__(window)
        self.app, self.window, self.editor = app, window, editor
        self.sending, self.dialogs = sending, dialogs
        self.history: HistoryView | None = None
        self.directory: DirectoryView | None = None
        self.wizard: ImportWizard | None = None
        self.revocations: RevocationsView | None = None
        self.revocations_action = QAction("&Revocations…", window)
        self.revocations_action.setObjectName("revocationsAction")
        self.revocations_action.setShortcut("Ctrl+Shift+R")
        self.revocations_action.triggered.connect(self.show_revocations)
        #: File → Import Regal events… and View → Reconcile with Regal… (``regal.*_action``).
        self.regal = RegalSide(app, window, dialogs, changes, editor.context.clock)
        changes.changed.connect(self._store_changed)

    def show_history(self) -> HistoryView:
        """Show the history window (read again)."""
        if self.history is None:
            from regal_desktop.ui.history.window import HistoryView

            self.history = HistoryView(self.app.store, self.dialogs, self.open_body, self.window)
            self.history.setWindowFlag(Qt.WindowType.Window)
        else:
            self.history.refresh()
        _raise(self.history)
        return self.history

    def show_directory(self) -> DirectoryView:
        """Show the contacts window with the search box focused."""
        if self.directory is None:
            from regal_desktop.ui.contacts.window import DirectoryView

            self.directory = DirectoryView(self.app.store, self.open_contact, self.window)
            self.directory.setWindowFlag(Qt.WindowType.Window)
        _raise(self.directory)
        self.directory.search_edit.setFocus()
        self.directory.search_edit.selectAll()
        return self.directory

    def show_revocations(self) -> RevocationsView:
        """Show the revocations (opt-outs against their deadline), read again now."""
        if self.revocations is None:
            from regal_desktop.ui.revocations.window import RevocationsView

            clock = self.editor.context.clock
            self.revocations = RevocationsView(self.app.store, clock, self.window)
            self.revocations.setWindowFlag(Qt.WindowType.Window)
        else:
            self.revocations.refresh()
        _raise(self.revocations)
        return self.revocations

    def show_import(self) -> ImportWizard:
        """Show the import wizard; a new one unless one is open."""
        if self.wizard is None or not self.wizard.isVisible():
            from regal_desktop.ui.csv_import.wizard import ImportWizard

            self.wizard = ImportWizard(self.app, self.dialogs, self.sending, self.window)
            self.wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.wizard.destroyed.connect(self._wizard_gone)
        _raise(self.wizard)
        return self.wizard

    def _wizard_gone(self) -> None:
        self.wizard = None

    def open_body(self, body: dict[str, Any]) -> None:
        """Load a request's body from the history into the editor as a new contact."""
        if self.editor.maybe_save() and self.editor.show_payload(body, None, modified=True):
            self.window.say("Opened a request from the history")
            self.window.bring_to_front()

    def open_contact(self, profile: dict[str, Any]) -> None:
        """Load a contact's profile from the directory into the editor."""
        if self.editor.maybe_save() and self.editor.show_payload(profile, None):
            self.window.say("Opened a contact from the directory")
            self.window.bring_to_front()

    def _store_changed(self, what: What) -> None:
        # Settled requests add history rows and reshape contacts: open windows read again.
        if What.HISTORY in what and self.history is not None and self.history.isVisible():
            self.history.refresh()
        if What.DIRECTORY in what and self.directory is not None and self.directory.isVisible():
            self.directory.refresh()
        revocations = self.revocations
        if What.HISTORY in what and revocations is not None and revocations.isVisible():
            revocations.refresh()
