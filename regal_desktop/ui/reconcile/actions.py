"""Regal's side in the window: File → Import Regal events… and View → Reconcile with Regal….

The import reads the chosen file on a worker thread with a connection of its own
(``services.event_import``), then says what it stored in the status bar and lists the
rejected lines (``FILE:LINE: reason``) in a message; every open view reads again
(``StoreChanges``: what is known of contacts changed). The Reconcile view is made the
first time it is opened (its module loads then) and read again while it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction

from regal_desktop.context import AppContext
from regal_desktop.ui.shell.changes import StoreChanges, What
from regal_desktop.ui.shell.dialogs import Dialogs
from regal_desktop.ui.shell.window import MainWindow
from regal_desktop.ui.shell.worker import Worker

if TYPE_CHECKING:
    from regal_desktop.services.event_import import EventsImported
    from regal_desktop.ui.reconcile.window import ReconcileView

#: How many rejected lines the message lists before "… and N more".
SHOWN_REJECTIONS = 20


def rejection_message(result: EventsImported) -> str:
    """The rejected lines of an import, for the message shown after it."""
    lines = result.rejected[:SHOWN_REJECTIONS]
    more = len(result.rejected) - len(lines)
    tail = [f"… and {more:,} more"] if more else []
    good = (
        "The other events were stored." if result.read else "No event of the file could be taken."
    )
    return "\n".join([f"{result.summary}.", good, "", *lines, *tail])


class RegalSide(QObject):
    """The two actions, the import's worker and the Reconcile view."""

    def __init__(
        self,
        app: AppContext,
        window: MainWindow,
        dialogs: Dialogs,
        changes: StoreChanges,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__(window)
        self.app, self.window, self.dialogs = app, window, dialogs
        self.changes, self.clock = changes, clock
        self.view: ReconcileView | None = None
        self.worker: Worker | None = None
        self.folder = Path.home()
        self.import_action = QAction("Import &Regal events…", window)
        self.import_action.setObjectName("importEventsAction")
        self.import_action.triggered.connect(self.import_events)
        self.reconcile_action = QAction("Reconcile with Re&gal…", window)
        self.reconcile_action.setObjectName("reconcileAction")
        self.reconcile_action.setShortcut("Ctrl+Shift+G")
        self.reconcile_action.triggered.connect(self.show_reconcile)
        changes.changed.connect(self._store_changed)
        window.closing.connect(self.shutdown)

    def show_reconcile(self) -> ReconcileView:
        """Show the Reconcile view, read again now."""
        if self.view is None:
            from regal_desktop.ui.reconcile.window import ReconcileView

            self.view = ReconcileView(self.app.database, self.clock, self.window)
            self.view.setWindowFlag(Qt.WindowType.Window)
        else:
            self.view.refresh()
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        return self.view

    def import_events(self) -> Worker | None:
        """Ask for a file of Regal's events and import it on a worker; None if cancelled
        or an import is still running."""
        if self.worker is not None:
            self.window.say("An import of Regal events is still running")
            return None
        path = self.dialogs.ask_events_path(self.window, self.folder)
        if path is None:
            return None
        self.folder = path.parent
        from regal_desktop.services.event_import import EventFileError, import_event_file
        from regal_desktop.store import StoreError

        database, region = self.app.database, self.app.region  # read on the GUI thread

        def job(report: Callable[[Any], None], should_stop: Callable[[], bool]) -> Any:
            return import_event_file(database, path, region, report)

        worker = Worker(
            job,
            lambda exc: f"The import of {path.name} stopped: {exc}",
            expected=(EventFileError, StoreError),
            parent=self,
        )
        worker.progressed.connect(lambda read: self.window.say(f"{read:,} events read…"))
        worker.done.connect(self._imported)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._finished)
        self.worker = worker
        self.window.say(f"Importing Regal events from {path.name}…", 0)
        worker.start()
        return worker

    def _imported(self, result: EventsImported) -> None:
        self.window.say(result.summary, 30_000)
        self.changes.notify(What.DIRECTORY | What.HISTORY)
        if result.rejected:
            self.dialogs.show_warning(
                self.window, "Some events were rejected", rejection_message(result)
            )

    def _failed(self, message: str) -> None:
        self.window.say("The import of Regal events stopped", 10_000)
        self.changes.notify(What.DIRECTORY | What.HISTORY)  # earlier chunks may be stored
        self.dialogs.show_error(self.window, "Cannot import Regal events", message)

    def _finished(self) -> None:
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None

    def shutdown(self) -> None:
        """Wait for an import or a read still running (the window is closing)."""
        if self.worker is not None:
            self.worker.wait()
        if self.view is not None:
            self.view.stop_reading()

    def _store_changed(self, what: What) -> None:
        view = self.view
        if (What.HISTORY | What.DIRECTORY) & what and view is not None and view.isVisible():
            view.refresh()
