"""Settings: an account's answer timeout and longest wait before a retry."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDoubleSpinBox, QLabel
from pytestqt.qtbot import QtBot

from regal_desktop.delivery.waits import DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT
from regal_desktop.ui.settings.dialog import SettingsDialog
from tests.helpers.bodies import BODY
from tests.helpers.desk import Desk
from tests.helpers.settings import KEY, add_production, open_settings


def spin(dialog: SettingsDialog, name: str) -> QDoubleSpinBox:
    found = dialog.findChild(QDoubleSpinBox, name)
    assert found is not None, name
    return found


def test_the_timeout_and_the_longest_wait_are_saved_with_the_account(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    sending = open_desk(BODY)
    dialog = open_settings(qtbot, sending)
    add_production(qtbot, dialog, KEY)
    timeout, longest = spin(dialog, "profileTimeoutSpin"), spin(dialog, "profileMaxWaitSpin")
    assert (timeout.value(), longest.value()) == (DEFAULT_TIMEOUT, DEFAULT_MAX_WAIT)
    timeout.setValue(120)
    longest.setValue(600)
    dialog.accept()
    qtbot.waitUntil(lambda: sending.window.findChild(SettingsDialog) is None)  # deleted

    profile = sending.parts.app.accounts.get("production")
    assert (profile.timeout, profile.max_wait) == (120, 600)
    dialog = open_settings(qtbot, sending)
    dialog.accounts.list.setCurrentRow(1)
    assert spin(dialog, "profileTimeoutSpin").value() == 120
    assert spin(dialog, "profileMaxWaitSpin").value() == 600
    dialog.accounts.list.setCurrentRow(0)  # the built-in sandbox: defaults, not editable
    assert not spin(dialog, "profileTimeoutSpin").isEnabled()
    assert spin(dialog, "profileTimeoutSpin").value() == DEFAULT_TIMEOUT
    assert dialog.findChild(QLabel, "profileError") is not None
