"""Inputs of the consent panel that behave the way people expect of them.

A time field whose text is replaced by typing after a click (as after Tab), and a
several-line field for the words agreed to that says when the user leaves it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QFontMetrics, QMouseEvent
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget


class ReplacingLineEdit(QLineEdit):
    """A line edit that selects all its text when focused, by click as by Tab, so what
    is typed replaces it (a time is retyped whole, never appended to)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._select_on_release = False

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # Tab already selects all; a click sets the cursor on press, so select on release.
        self._select_on_release = event.reason() == Qt.FocusReason.MouseFocusReason

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self._select_on_release and not self.hasSelectedText():
            self.selectAll()
        self._select_on_release = False


class WordsEdit(QPlainTextEdit):
    """The consent words in full: wrapped, a few lines tall, Tab moves on."""

    #: The user left the field (the next keystroke there starts a new undo step).
    editingFinished = Signal()

    def __init__(self, lines: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Undo goes to the document (the window's Undo), not to the field's own history.
        self.setUndoRedoEnabled(False)
        line = QFontMetrics(self.font()).lineSpacing()
        margins = self.contentsMargins()
        frame = 2 * self.frameWidth() + margins.top() + margins.bottom()
        self.setFixedHeight(lines * line + frame + 2 * int(self.document().documentMargin()))

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()


__all__ = ["ReplacingLineEdit", "WordsEdit"]
