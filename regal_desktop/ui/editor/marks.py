"""Marks on the form's fields. Errors: a frame in the error colour and the finding's message
as the field's tooltip (and accessible description), taken off again once it is fixed.
Changes against what Regal holds: a dot inside the field and its label in italics.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from regal_desktop.ui.shell.style import error_color

#: The dynamic property that says a widget is marked (tests and style sheets can read it).
MARKED = "finding"


def error_frame(widget: QWidget) -> str:
    """The style sheet that frames ``widget`` (and only it) in the error colour."""
    kind = widget.metaObject().className()
    colour = error_color(widget.palette()).name()
    return f"{kind} {{ border: 2px solid {colour}; border-radius: 2px; padding: 1px; }}"


class FieldMarks:
    """Which fields are marked now, and what they showed before."""

    def __init__(self) -> None:
        self._before: dict[QWidget, tuple[str, str, str]] = {}

    def show(self, marks: dict[QWidget, list[str]]) -> None:
        """Mark exactly the widgets in ``marks`` with their messages; clear the others."""
        for widget in [w for w in self._before if w not in marks]:
            style, tip, description = self._before.pop(widget)
            widget.setStyleSheet(style)
            widget.setToolTip(tip)
            widget.setAccessibleDescription(description)
            widget.setProperty(MARKED, None)
        for widget, messages in marks.items():
            if widget not in self._before:
                before = (widget.styleSheet(), widget.toolTip(), widget.accessibleDescription())
                self._before[widget] = before
            text = "\n".join(messages)
            widget.setStyleSheet(error_frame(widget))
            widget.setToolTip(text)
            widget.setAccessibleDescription(text)
            widget.setProperty(MARKED, text)

    def marked(self) -> dict[QWidget, str]:
        """The marked widgets and their messages."""
        return {widget: str(widget.property(MARKED)) for widget in self._before}


#: The dynamic property that says a field differs from what Regal holds (its tooltip text).
CHANGED = "changed"
#: What a marked field's label ends with, so the change reads without colour.
CHANGED_SUFFIX = " (changed)"


def changed_icon(palette: QPalette) -> QIcon:
    """A dot in the highlight colour: "differs from what Regal holds" (an edited-file dot)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 1))
    painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
    painter.drawEllipse(3, 3, 10, 10)
    painter.end()
    return QIcon(pixmap)


def changed_font(font: QFont) -> QFont:
    """``font`` in italics: how a changed cell or label reads beside the unchanged ones."""
    marked = QFont(font)
    marked.setItalic(True)
    return marked


class ChangeMarks:
    """Single-line fields marked as differing from what Regal holds: a dot inside the
    field (its tooltip says what is known), and the field's label in italics ending with
    "(changed)". The error frame of :class:`FieldMarks` stays free for errors."""

    def __init__(self, edits: dict[str, QLineEdit], labels: dict[str, QLabel]) -> None:
        self._edits = edits
        self._labels = labels
        self._texts = {name: label.text() for name, label in labels.items()}
        self._fonts = {name: QFont(label.font()) for name, label in labels.items()}
        self._actions: dict[str, QAction] = {}
        self._shown: dict[str, str] = {}

    def show(self, marks: dict[str, str]) -> None:
        """Mark exactly the fields in ``marks`` (attribute -> known text); clear the rest."""
        if marks == self._shown:
            return
        for name in [n for n in self._shown if n not in marks]:
            self._set(name, None)
        for name, known in marks.items():
            if self._shown.get(name) != known:
                self._set(name, known)
        self._shown = dict(marks)

    def marked(self) -> dict[str, str]:
        """The marked fields and their tooltips ("Known: Smith")."""
        return {name: self._tip(known) for name, known in self._shown.items()}

    @staticmethod
    def _tip(known: str) -> str:
        return f"Known: {known}" if known else "Known: nothing (Regal holds no value here)"

    def _set(self, name: str, known: str | None) -> None:
        edit = self._edits[name]
        action = self._actions.get(name)
        if action is None:
            if known is None:
                return
            action = edit.addAction(
                changed_icon(edit.palette()), QLineEdit.ActionPosition.TrailingPosition
            )
            action.setObjectName(f"{edit.objectName()}Changed")
            self._actions[name] = action
        action.setVisible(known is not None)
        tip = self._tip(known) if known is not None else ""
        action.setToolTip(tip)
        action.setText(tip)
        edit.setProperty(CHANGED, tip or None)
        label = self._labels.get(name)
        if label is not None:
            text = self._texts[name]
            if known is not None:
                text = text.removesuffix(":") + CHANGED_SUFFIX + ":"
            label.setText(text)
            font = self._fonts[name]
            label.setFont(changed_font(font) if known is not None else font)
            label.setToolTip(tip)
