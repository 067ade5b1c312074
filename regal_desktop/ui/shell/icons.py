"""Icons the editor uses: the application icon and the style's error/warning signs."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from regal_desktop.domain.findings import Level


def app_icon() -> QIcon:
    """Regal Desktop's own icon, from the installed resources."""
    return QIcon(str(files("regal_desktop.resources").joinpath("icons", "regal-desktop.svg")))


def level_icon(level: Level) -> QIcon:
    """The platform style's icon for an error or a warning (follows light and dark themes)."""
    style = QApplication.style()
    pixmap = (
        QStyle.StandardPixmap.SP_MessageBoxCritical
        if level is Level.ERROR
        else QStyle.StandardPixmap.SP_MessageBoxWarning
    )
    return style.standardIcon(pixmap)
