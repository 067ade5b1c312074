"""Errors shown on their field: a frame in the error colour and the finding's message as
the field's tooltip (and accessible description), taken off again once it is fixed."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

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
