"""Starting the window: the one place that wires the application context into the GUI.

``build_main_window`` builds a ready window inside an existing QApplication (tests and
``run_gui`` both use it); ``run_gui`` owns the QApplication and the event loop.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QMessageBox

from regal_desktop import __version__
from regal_desktop.context import open_context
from regal_desktop.logs import report_unexpected, setup_logging, stop_logging
from regal_desktop.paths import AppPaths
from regal_desktop.store import StoreError
from regal_desktop.ui.outbox.account_bar import attach_sending
from regal_desktop.ui.settings.dialog import consent_templates
from regal_desktop.ui.shell.context import WindowContext, window_settings
from regal_desktop.ui.shell.icons import app_icon
from regal_desktop.ui.shell.memory_wiring import attach_memory
from regal_desktop.ui.shell.window import MainWindow

#: Qt messages that say nothing about the application (headless platform plugins).
_HARMLESS_QT_MESSAGES = frozenset({"This plugin does not support propagateSizeHints()"})

#: How long ``--smoke`` waits for the first paint before calling the start a failure.
_SMOKE_TIMEOUT_S = 20.0


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="regal-desktop", add_help=False)
    parser.add_argument("file", nargs="?")
    parser.add_argument("--smoke", action="store_true")
    return parser.parse_args(argv)


def build_main_window(argv: list[str]) -> MainWindow:
    """Open the store, build the window and open ``[FILE]`` if given; no event loop.

    Needs a QApplication. Raises StoreError when the database cannot be opened. The
    caller closes the store (``window.context.app.close()``) when the window is done.
    """
    options = _parse(argv)
    app_context = open_context()
    window = MainWindow(
        WindowContext(app_context, window_settings(app_context.paths)),
        templates=consent_templates(app_context.store.settings),
    )
    attach_sending(window)  # sets window.sending
    attach_memory(window)
    window.restore_docks()
    if options.file:
        window.open_path(Path(options.file))
    elif blank := window.blank_payload():
        window.show_payload(blank, None)
    return window


def _forward_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Write Qt's messages to stderr, except the known harmless ones, so ``--smoke`` on a
    headless platform stays silent while real warnings still show."""
    if message not in _HARMLESS_QT_MESSAGES:
        print(message, file=sys.stderr)


class _FirstPaint(QObject):
    """Notices the window's first paint (what ``--smoke`` waits for)."""

    painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


class _ShowUnexpected:
    """``sys.excepthook`` for the window: an error in a slot is logged with its traceback
    and shown as one sentence; the window goes on (drafts are autosaved)."""

    def __init__(self, window: MainWindow, paths: AppPaths) -> None:
        self.window, self.paths = window, paths

    def __call__(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        message = report_unexpected(error.with_traceback(trace), self.paths)
        QMessageBox.warning(self.window, "Regal Desktop", message)


def run_gui(argv: list[str]) -> int:
    """Run the window until it closes; returns the exit code.

    ``--smoke`` builds and shows the window, waits until it has been painted and exits
    with 0 and no output (1 if it never paints): packaging tests run it on the bundle.
    """
    options = _parse(argv)
    app = QApplication.instance() or QApplication(["regal-desktop"])
    assert isinstance(app, QApplication)
    app.setApplicationName("Regal Desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("regal-desktop")
    app.setWindowIcon(app_icon())
    try:
        window = build_main_window(argv)
    except StoreError as exc:
        QMessageBox.critical(None, "Regal Desktop cannot start", str(exc))
        return 1
    if options.smoke:
        qInstallMessageHandler(_forward_qt_message)
        watcher = _FirstPaint(window)
        window.installEventFilter(watcher)
        window.show()
        deadline = time.monotonic() + _SMOKE_TIMEOUT_S
        while not watcher.painted and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        window.close()
        window.context.app.close()
        return 0 if watcher.painted else 1
    paths = window.context.paths
    log = setup_logging(paths)
    sys.excepthook = _ShowUnexpected(window, paths)
    window.show()
    if window.sending is not None:
        QTimer.singleShot(0, window.sending.resume)
    if not options.file:
        window.offer_autosave()
    try:
        return app.exec()
    finally:
        sys.excepthook = sys.__excepthook__
        stop_logging(log)
        window.context.app.close()
