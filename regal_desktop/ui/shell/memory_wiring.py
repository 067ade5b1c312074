"""Adds the desk's memory to an editor window: history, contact directory, CSV import.

``attach_memory(window)`` is the one call the application makes, after
``attach_sending`` (the import delivers through ``window.sending``). It adds:

* View → History… (Ctrl+H): every request, filters, detail, evidence export;
* View → Contacts… (Ctrl+Shift+F): search as you type, open in editor, consent timeline;
* File → Import CSV… (Ctrl+I): the import wizard.

Each opens its own window, kept for the session and read again when shown and after
every delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from regal_desktop.ui.shell.memory_dialogs import DialogMemoryPrompts, MemoryPrompts
from regal_desktop.ui.shell.window import MainWindow

if TYPE_CHECKING:
    # Imported when first opened: the window should not wait for them at start-up.
    from regal_desktop.ui.contacts.window import DirectoryView
    from regal_desktop.ui.csv_import.wizard import ImportWizard
    from regal_desktop.ui.history.window import HistoryView


class MemoryUi(QObject):
    """The actions attach_memory adds and the windows they open (made on first use)."""

    def __init__(self, window: MainWindow, prompts: MemoryPrompts) -> None:
        super().__init__(window)
        self.setObjectName("memoryUi")
        if window.sending is None:
            raise RuntimeError("attach_memory needs attach_sending(window) to run first")
        self.window = window
        self.sending = window.sending
        self.prompts = prompts
        self.history: HistoryView | None = None
        self.directory: DirectoryView | None = None
        self.wizard: ImportWizard | None = None

        self.history_action = self._action(
            "&History…", "Ctrl+H", "historyAction", self.show_history
        )
        self.contacts_action = self._action(
            "&Contacts…", "Ctrl+Shift+F", "contactsAction", self.show_directory
        )
        self.import_action = self._action(
            "&Import CSV…", "Ctrl+I", "importAction", self.show_import
        )
        view = window.menu("&View")
        view.addSeparator()
        view.addAction(self.history_action)
        view.addAction(self.contacts_action)
        file_menu = window.menu("&File")
        # Before "Save draft" and "Quit": after Open recent, with the other ways in.
        if window.save_action in file_menu.actions():
            file_menu.insertAction(window.save_action, self.import_action)
            file_menu.insertSeparator(window.save_action)
        else:
            file_menu.addAction(self.import_action)
        self.sending.finished.connect(self._delivered)

    def _action(self, text: str, keys: str, name: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    @staticmethod
    def _raise(widget: QWidget) -> None:
        widget.show()
        widget.raise_()
        widget.activateWindow()

    def show_history(self) -> HistoryView:
        """Show the history window (read again)."""
        if self.history is None:
            from regal_desktop.ui.history.window import HistoryView

            store = self.window.context.app.store
            self.history = HistoryView(store, self.prompts, self.open_body, self.window)
            self.history.setWindowFlag(Qt.WindowType.Window)
        else:
            self.history.refresh()
        self._raise(self.history)
        return self.history

    def show_directory(self) -> DirectoryView:
        """Show the contacts window with the search box focused."""
        if self.directory is None:
            from regal_desktop.ui.contacts.window import DirectoryView

            store = self.window.context.app.store
            self.directory = DirectoryView(store, self.open_contact, self.window)
            self.directory.setWindowFlag(Qt.WindowType.Window)
        self._raise(self.directory)
        self.directory.search_edit.setFocus()
        self.directory.search_edit.selectAll()
        return self.directory

    def show_import(self) -> ImportWizard:
        """Show the import wizard; a new one unless one is open."""
        if self.wizard is None or not self.wizard.isVisible():
            from regal_desktop.ui.csv_import.wizard import ImportWizard

            app = self.window.context.app
            self.wizard = ImportWizard(app, self.prompts, self.sending, self.window)
            self.wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.wizard.destroyed.connect(self._wizard_gone)
        self._raise(self.wizard)
        return self.wizard

    def _wizard_gone(self) -> None:
        self.wizard = None

    def open_body(self, body: dict[str, Any]) -> None:
        """Load a request's body from the history into the editor as a new contact."""
        if self.window.maybe_save():
            self.window.show_payload(body, None, modified=True)
            self.window.statusBar().showMessage("Opened a request from the history", 5000)
            self._raise(self.window)

    def open_contact(self, profile: dict[str, Any]) -> None:
        """Load a contact's profile from the directory into the editor."""
        if self.window.maybe_save():
            self.window.show_payload(profile, None)
            self.window.statusBar().showMessage("Opened a contact from the directory", 5000)
            self._raise(self.window)

    def _delivered(self) -> None:
        # A delivery adds history rows and reshapes contacts: open windows read again.
        if self.history is not None and self.history.isVisible():
            self.history.refresh()
        if self.directory is not None and self.directory.isVisible():
            self.directory.refresh()


def attach_memory(window: MainWindow, prompts: MemoryPrompts | None = None) -> None:
    """Add History, Contacts and Import CSV to ``window`` (after ``attach_sending``).

    ``prompts`` replaces the dialogs (tests script them); find the pieces with
    ``window.findChild(MemoryUi, "memoryUi")``.
    """
    MemoryUi(window, prompts or DialogMemoryPrompts())
