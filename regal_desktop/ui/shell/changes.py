"""One signal for "the store changed", so every open view reads again what it shows.

Whoever writes to the store through ``services`` (a send, a delivery, a drop, Settings,
an import) says what changed; views listen instead of being kept on refresh lists.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Flag, auto

from PySide6.QtCore import QObject, QTimer, Signal


class What(Flag):
    """Which part of the store changed."""

    OUTBOX = auto()  #: requests queued, retried, dropped or moving through delivery
    HISTORY = auto()  #: requests settled (delivered, rejected, held, dropped)
    DIRECTORY = auto()  #: what is known of contacts (after a delivery)
    SETTINGS = auto()  #: accounts, templates, defaults


class StoreChanges(QObject):
    """Emits ``changed(What)`` once per change."""

    changed = Signal(object)

    def notify(self, what: What) -> None:
        """Tell every listener that ``what`` changed."""
        self.changed.emit(what)


class Throttle(QObject):
    """Runs ``action`` at once, then at most once per ``interval_ms`` however often it is
    asked: delivery reports progress ten times a second, a list is read four times."""

    def __init__(self, action: Callable[[], None], interval_ms: int, parent: QObject) -> None:
        super().__init__(parent)
        self._action = action
        self._pending = False
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(self._later)

    def __call__(self, *_signal_arguments: object) -> None:
        """Run now, or once the interval since the last run has passed (any arguments a
        signal passes are ignored)."""
        if self._timer.isActive():
            self._pending = True
            return
        self._action()
        self._timer.start()

    def cancel(self) -> None:
        """Forget a pending run (the window is closing: the store may close next)."""
        self._pending = False
        self._timer.stop()

    def _later(self) -> None:
        if self._pending:
            self._pending = False
            self._action()
            self._timer.start()
