"""One signal for "the store changed", so every open view reads again what it shows.

Whoever writes to the store through ``services`` (a send, a delivery, a drop, Settings,
an import) says what changed; views listen instead of being kept on refresh lists.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Flag, auto

from PySide6.QtCore import QObject, Qt, QTimer, Signal


class What(Flag):
    """Which part of the store changed."""

    OUTBOX = auto()  #: requests queued, retried, dropped or moving through delivery
    HISTORY = auto()  #: requests settled (delivered, rejected, held, dropped)
    DIRECTORY = auto()  #: what is known of contacts (after a delivery)
    SETTINGS = auto()  #: accounts, templates, defaults


#: What another desk's change to the team store (``services.live``) means for the views.
_ELSEWHERE = {
    "outbox": What.OUTBOX | What.HISTORY,
    "history": What.HISTORY,
    "directory": What.DIRECTORY,
    "events": What.HISTORY | What.DIRECTORY,
    "settings": What.SETTINGS,
}


class StoreChanges(QObject):
    """Emits ``changed(What)`` once per change."""

    changed = Signal(object)
    _elsewhere = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._elsewhere.connect(self._arrived, Qt.ConnectionType.QueuedConnection)

    def from_other_desks(self, parts: set[str]) -> None:
        """Another desk changed ``parts`` of the team store (any thread may call this;
        ``changed`` is emitted on this object's thread)."""
        self._elsewhere.emit(set(parts))

    def _arrived(self, parts: set[str]) -> None:
        what = What(0)
        for part in parts:
            what |= _ELSEWHERE.get(part, What(0))
        if what:
            self.notify(what)

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
        self._stopped = False
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(self._later)

    def __call__(self, *_signal_arguments: object) -> None:
        """Run now, or once the interval since the last run has passed (any arguments a
        signal passes are ignored)."""
        if self._stopped:
            return
        if self._timer.isActive():
            self._pending = True
            return
        self._action()
        self._timer.start()

    def cancel(self) -> None:
        """Forget a pending run and run no more (the window is closing: the store may
        close next, and a late delivery report or another desk's change must not read
        it)."""
        self._stopped = True
        self._pending = False
        self._timer.stop()

    def _later(self) -> None:
        if self._pending and not self._stopped:
            self._pending = False
            self._action()
            self._timer.start()
