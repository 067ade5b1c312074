"""Run as a subprocess by bench_window: a bare PySide6 window, or ours.

``bare``: QApplication + QMainWindow shown and painted, then exit (the start-up baseline).
``full``: QApplication + our whole window (store, domain, blank document) shown and
painted, then exit: when the person can work, whatever ``--smoke`` waits for.
``memory-bare`` / ``memory-ours``: print the resident set size (KiB) after showing a bare
window, or ours after opening a 500-phone, 100-e-mail contact.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow


class _Painted(QObject):
    seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen = True
        return False


def _show_until_painted(app: QApplication, window: QMainWindow) -> None:
    watcher = _Painted(window)
    window.installEventFilter(watcher)
    window.show()
    while not watcher.seen:
        app.processEvents()


def _rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def main(mode: str) -> None:
    """Run one probe."""
    app = QApplication([sys.argv[0]])
    if mode in ("bare", "memory-bare"):
        window = QMainWindow()
        window.resize(1200, 800)
        _show_until_painted(app, window)
    else:
        from regal_desktop.ui.shell.build import build_main_window

        desk = build_main_window()
        if mode == "memory-ours":
            from benchmarks.bench_validation import big_contact

            desk.editor.document.from_raw(big_contact(500, 100))
        _show_until_painted(app, desk.window)
        app.processEvents()
    if mode.startswith("memory"):
        print(_rss_kib())


if __name__ == "__main__":
    main(sys.argv[1])
