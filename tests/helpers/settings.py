"""Driving the Settings dialog of a test window: open it, fill an account, click by name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from regal_desktop.ui.settings.dialog import SettingsDialog
from tests.helpers.desk import Desk

#: A key that looks like a real one.
KEY = "sk-live-5f2b9c0d7e1a4b3c"


def open_settings(qtbot: QtBot, sending: Desk) -> SettingsDialog:
    """Open Settings from its menu action and wait until the dialog shows."""
    sending.window.findChild(QAction, "settingsAction").trigger()
    dialog = sending.window.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def edit(dialog: SettingsDialog, name: str) -> QLineEdit:
    """The dialog's line edit called ``name`` (it must exist)."""
    found = dialog.findChild(QLineEdit, name)
    assert found is not None, name
    return found


def click(qtbot: QtBot, dialog: SettingsDialog, name: str) -> None:
    """Click the dialog's button called ``name``."""
    qtbot.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def add_production(qtbot: QtBot, dialog: SettingsDialog, key: str) -> None:
    """Add a default account "production" on Regal's endpoint with ``key``."""
    click(qtbot, dialog, "addProfileButton")
    qtbot.keyClicks(edit(dialog, "profileNameEdit"), "production")
    qtbot.keyClicks(edit(dialog, "profileKeyEdit"), key)
    dialog.accounts.default_box.setChecked(True)
