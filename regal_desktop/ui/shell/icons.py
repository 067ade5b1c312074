"""The style's error and warning signs beside findings (the application icon is the
frame's: ``ui.shell.window.app_icon``)."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from regal_desktop.domain.findings import Level


def level_icon(level: Level) -> QIcon:
    """The platform style's icon for an error or a warning (follows light and dark themes)."""
    style = QApplication.style()
    pixmap = (
        QStyle.StandardPixmap.SP_MessageBoxCritical
        if level is Level.ERROR
        else QStyle.StandardPixmap.SP_MessageBoxInformation
        if level is Level.INFO
        else QStyle.StandardPixmap.SP_MessageBoxWarning
    )
    return style.standardIcon(pixmap)
