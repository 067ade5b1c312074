"""Colours with a meaning, chosen from the palette so they read on light and dark themes.

A dark red that reads on a light window is too dark on a dark one, so each colour has a
light-theme and a dark-theme shade (both above 4.5:1 contrast on their background), and
the palette's window colour picks between them. The production badge is white on its own
red and keeps its colour (see ``outbox/account_bar.py``).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

#: Errors and opt-outs: (on a light window, on a dark window).
_ERROR = ("#b3261e", "#ff8a80")
#: Opt-ins and other good news: (on a light window, on a dark window).
_GOOD = ("#1b5e20", "#81c784")


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (else the application's) draws dark windows."""
    used = palette if palette is not None else QGuiApplication.palette()
    return used.color(QPalette.ColorRole.Window).lightness() < 128


def error_color(palette: QPalette | None = None) -> QColor:
    """The colour of an error (and of an opt-out) on ``palette``'s windows."""
    return QColor(_ERROR[is_dark(palette)])


def good_color(palette: QPalette | None = None) -> QColor:
    """The colour of an opt-in, the opposite of an error, on ``palette``'s windows."""
    return QColor(_GOOD[is_dark(palette)])


def error_style(palette: QPalette | None = None) -> str:
    """A style sheet giving a label the error colour: ``color: #b3261e;``."""
    return f"color: {error_color(palette).name()};"


__all__ = ["error_color", "error_style", "good_color", "is_dark"]
