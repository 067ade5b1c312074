"""Starting the window: the QApplication, the first paint, then everything else.

``run_gui`` owns the QApplication and the event loop: it paints the empty frame first,
then has ``ui.shell.build.compose`` build every part (tests use
``ui.shell.build.build_main_window``, which does both without an event loop).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

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
from regal_desktop.logs import report_unexpected, setup_logging, stop_logging
from regal_desktop.paths import AppPaths, HomeError, app_paths
from regal_desktop.ui.shell.window import MainWindow, app_icon, build_frame

if TYPE_CHECKING:
    from regal_desktop.ui.shell.build import Desk

#: Qt messages that say nothing about the application (headless platform plugins).
_HARMLESS_QT_MESSAGES = frozenset({"This plugin does not support propagateSizeHints()"})

_CANNOT_START = "Regal Desktop cannot start"

#: How long ``--smoke`` waits for the first paint before calling the start a failure.
_SMOKE_TIMEOUT_S = 20.0


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="regal-desktop", add_help=False)
    parser.add_argument("file", nargs="?")
    parser.add_argument("--smoke", action="store_true")
    return parser.parse_args(argv)


def _forward_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Write Qt's messages to stderr, except the known harmless ones, so ``--smoke`` on a
    headless platform stays silent while real warnings still show."""
    if message not in _HARMLESS_QT_MESSAGES:
        print(message, file=sys.stderr)


class _FirstPaint(QObject):
    """Notices the window's first paint, then runs ``then`` (once) on the next loop turn."""

    def __init__(self, window: MainWindow, then: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self.painted = False
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            if self._then is not None:
                QTimer.singleShot(0, self._then)
        return False


class ShowUnexpected:
    """``sys.excepthook`` for the window: an error in a slot is logged with its traceback
    and shown as one sentence; the window goes on (drafts are autosaved)."""

    def __init__(self, window: MainWindow, paths: AppPaths) -> None:
        self.window, self.paths = window, paths

    def __call__(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        from regal_desktop.delivery.keys import scrub

        message = report_unexpected(error.with_traceback(trace), self.paths, scrub)
        QMessageBox.warning(self.window, "Regal Desktop", message)


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(["regal-desktop"])
    assert isinstance(app, QApplication)
    app.setApplicationName("Regal Desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("regal-desktop")
    app.setWindowIcon(app_icon())
    return app


def _wait_for_paint(app: QApplication, window: MainWindow) -> bool:
    watcher = _FirstPaint(window)
    window.show()
    deadline = time.monotonic() + _SMOKE_TIMEOUT_S
    while not watcher.painted and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    return watcher.painted


class _Start:
    """What follows the first paint: open the store, load the domain, build every part."""

    def __init__(self, window: MainWindow, paths: AppPaths, file: str | None) -> None:
        self.window, self.paths, self.file = window, paths, file
        self.desk: Desk | None = None

    def __call__(self) -> None:
        from regal_desktop.context import open_context
        from regal_desktop.store import StoreError
        from regal_desktop.ui.shell.build import compose

        try:
            app_context = open_context(paths=self.paths)
        except (StoreError, HomeError) as exc:
            QMessageBox.critical(self.window, _CANNOT_START, str(exc))
            QApplication.exit(1)
            return
        self.desk = desk = compose(self.window, app_context)
        if self.file:
            desk.editor.open_path(Path(self.file))
        else:
            desk.editor.offer_autosave()
        QTimer.singleShot(0, desk.sending.resume)


def run_gui(argv: list[str]) -> int:
    """Run the window until it closes; returns the exit code.

    The empty window is shown and painted first; the store, the domain and every part
    of the window follow at once (``ui.shell.build.compose``), so the user sees the window
    before pydantic and the models have loaded. ``--smoke`` exits with 0 and no output
    once the window has been painted (1 if it never paints): packaging tests run it on
    the bundle, and ``validate`` there proves that the domain loads.
    """
    options = _parse(argv)
    app = _application()
    try:
        paths = app_paths().ensure()  # the folders only: the store opens after the first paint
    except HomeError as exc:
        QMessageBox.critical(None, _CANNOT_START, str(exc))
        return 1
    window = build_frame(paths)
    if options.smoke:
        qInstallMessageHandler(_forward_qt_message)
        painted = _wait_for_paint(app, window)
        window.close()
        return 0 if painted else 1
    from regal_desktop.delivery.keys import scrub  # stdlib only: no keychain, no HTTP

    log = setup_logging(paths, scrub=scrub)
    sys.excepthook = ShowUnexpected(window, paths)
    start = _Start(window, paths, options.file)
    _FirstPaint(window, then=start)
    window.show()
    try:
        return app.exec()
    finally:
        sys.excepthook = sys.__excepthook__
        stop_logging(log)
        if start.desk is not None:
            start.desk.app.close()
