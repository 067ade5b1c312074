"""Reaching the editor's widgets the way a person does: by name, by click, by typing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QTableView, QWidget
from pytestqt.qtbot import QtBot


def child(parent: QWidget, kind: type, name: str) -> Any:
    """The child widget of ``kind`` named ``name`` (the test fails if there is none)."""
    widget = parent.findChild(kind, name)
    assert widget is not None, name
    return widget


def click(qtbot: QtBot, parent: QWidget, kind: type, name: str) -> None:
    """Click a button once the event loop has laid it out (rows appear with a state)."""
    widget = child(parent, kind, name)
    qtbot.waitUntil(lambda: widget.isVisible() and widget.height() > 0)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def add_phone(qtbot: QtBot, editor: Any, typed: str) -> int:
    """Click "Add phone", type the number into the cell editor and press Enter; the row
    it went to."""
    click(qtbot, editor, QPushButton, "addPhoneButton")
    view = child(editor, QTableView, "phonesView")
    cell = QApplication.focusWidget()
    assert isinstance(cell, QLineEdit) and cell.parent() is view.viewport()
    qtbot.keyClicks(cell, typed)
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    # The delegate commits from the event loop, as it does for a person typing.
    qtbot.waitUntil(lambda: editor.document.draft.phones[-1].number == typed)
    return int(view.currentIndex().row())
