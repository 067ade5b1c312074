"""The window frame: title, menus, status bar, docks and the place the editor goes.

The frame knows no feature. It is cheap to build (Qt only: no domain, no store), so the
application can paint it before the domain loads; ``ui.shell.build`` then puts the
editor in it and fills the menus. Closing is explicit: ``close_requested`` lets whoever
holds unsaved work refuse (``event.ignore()``), and ``closing`` says the window is going.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QVBoxLayout, QWidget

from regal_desktop.paths import AppPaths

#: What a file dropped on the window may be called to be opened.
OPENABLE_SUFFIXES = (".json", ".jsonc")


def app_icon() -> QIcon:
    """Regal Desktop's own icon, from the installed resources."""
    # resources/ is installed as regal_desktop.resources (pyproject's package-dir).
    resources = import_module("regal_desktop.resources")
    return QIcon(str(Path(str(resources.__file__)).with_name("icons") / "regal-desktop.svg"))


class MainWindow(QMainWindow):
    """The frame every feature is placed in; its menus are filled by the composition root."""

    #: Asked before closing: a slot that must keep the window open calls ``ignore()``.
    close_requested = Signal(QCloseEvent)
    #: The close was accepted: stop work, the window is going.
    closing = Signal()
    #: A payload file was dropped on the window.
    file_dropped = Signal(Path)

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("mainWindow")
        self.setWindowTitle("Regal Desktop")
        self.setAcceptDrops(True)
        menus = self.menuBar()
        self.file_menu = menus.addMenu("&File")
        self.edit_menu = menus.addMenu("&Edit")
        self.contact_menu = menus.addMenu("&Contact")
        self.view_menu = menus.addMenu("&View")
        # The banner (first run) sits above the editor; both arrive after the first paint.
        self.central = QWidget()
        self.central_layout = QVBoxLayout(self.central)
        self.central_layout.setContentsMargins(0, 0, 0, 0)
        self.central_layout.setSpacing(4)
        self.setCentralWidget(self.central)
        self.statusBar()
        self._restore_geometry()

    def add_content(self, widget: QWidget, stretch: int = 0) -> None:
        """Put ``widget`` below what the central area already shows."""
        self.central_layout.addWidget(widget, stretch)

    def show_title(self, document_name: str, modified: bool) -> None:
        """``name[*] — Regal Desktop``, with the platform's mark for unsaved changes."""
        self.setWindowTitle(f"{document_name}[*] — Regal Desktop")
        self.setWindowModified(modified)

    def say(self, text: str, timeout_ms: int = 5000) -> None:
        """Show ``text`` in the status bar for ``timeout_ms``."""
        self.statusBar().showMessage(text, timeout_ms)

    def bring_to_front(self) -> None:
        """Show, raise and activate the window."""
        self.show()
        self.raise_()
        self.activateWindow()

    # -- state kept between sessions ------------------------------------------------------

    def restore_docks(self) -> None:
        """Put the docks (outbox, ...) back as the user left them; call once they exist."""
        docks = self.settings.value("window/docks")
        if isinstance(docks, QByteArray):
            self.restoreState(docks)

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return
        screen = QApplication.primaryScreen()
        available = screen.availableGeometry() if screen else None
        width = min(1360, available.width() - 80) if available else 1360
        height = min(860, available.height() - 80) if available else 860
        self.resize(width, height)

    # -- window events --------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        event.accept()
        self.close_requested.emit(event)
        if not event.isAccepted():
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/docks", self.saveState())
        self.closing.emit()
        self.settings.sync()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.file_dropped.emit(path)


def dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
    """The one local payload file being dragged, else None."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    if len(urls) == 1 and urls[0].isLocalFile():
        path = Path(urls[0].toLocalFile())
        if path.suffix.lower() in OPENABLE_SUFFIXES:
            return path
    return None


def build_frame(paths: AppPaths) -> MainWindow:
    """The empty window; its state (geometry, docks) is kept in the config folder."""
    settings = QSettings(str(paths.window_settings), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.setWindowIcon(app_icon())
    return window
