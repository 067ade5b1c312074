"""Undo keys in line edits go to the document, not to the line edit's own history."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence


class DocumentUndoKeys(QObject):
    """Sends Ctrl+Z / Ctrl+Shift+Z in a line edit to the document's undo stack.

    A QLineEdit claims those keys for its own undo, which would bypass the document and
    leave the preview and the form disagreeing.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            keys = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)
            if any(event.matches(key) for key in keys) or (
                QKeySequence(event.keyCombination()) == QKeySequence("Ctrl+Shift+Z")
            ):
                event.ignore()
                return True
        return False
