"""Settings checks a typed key where it is entered, and warns about an endpoint whose host
is not Regal's own; the account badge says the same."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from regal_desktop.ui.settings.dialog import SettingsDialog
from tests.conftest import MemoryKeyring
from tests.helpers.bodies import BODY
from tests.helpers.desk import Desk
from tests.helpers.settings import edit, open_settings

WRAPPED = "sk-live-5f2b9c0d\n7e1a4b3c9d8e"
LOOK_ALIKE = "https://\u0435vents.regalvoice.com/events"  # a Cyrillic е


def new_account(qtbot: QtBot, dialog: SettingsDialog, name: str) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, "addProfileButton"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit(dialog, "profileNameEdit"), name)


def test_a_pasted_key_with_a_line_break_is_refused_next_to_the_field(
    qtbot: QtBot, open_desk: Callable[..., Desk], memory_keyring: MemoryKeyring
) -> None:
    sending = open_desk(BODY)
    dialog = open_settings(qtbot, sending)
    new_account(qtbot, dialog, "production")
    edit(dialog, "profileKeyEdit").insert(WRAPPED)  # as a paste: QLineEdit keeps the break

    error = dialog.findChild(QLabel, "profileError")
    assert error.isVisible()
    assert error.text().startswith("API key: the key contains a line break at character 17")
    assert "5f2b9c0d" not in error.text() and "7e1a4b3c" not in error.text()
    dialog.accept()
    assert dialog.isVisible()
    assert memory_keyring.secrets == {}

    key = edit(dialog, "profileKeyEdit")
    key.clear()
    key.insert("  sk-live-5f2b9c0d7e1a4b3c9d8e \n")  # surrounding white space is fine
    dialog.accept()
    assert not dialog.isVisible()
    assert memory_keyring.secrets == {
        ("regal-desktop", "production"): "sk-live-5f2b9c0d7e1a4b3c9d8e"
    }


def test_a_look_alike_endpoint_is_warned_about_in_settings_and_on_the_badge(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    sending = open_desk(BODY)
    dialog = open_settings(qtbot, sending)
    new_account(qtbot, dialog, "lookalike")
    note = dialog.findChild(QLabel, "profileNote")
    assert note.text() == ""  # Regal's own endpoint: nothing to say
    endpoint = edit(dialog, "profileEndpointEdit")
    endpoint.clear()
    endpoint.insert(LOOK_ALIKE)
    assert note.text().startswith("⚠ Warning: the host name")
    assert "xn--vents-ywe.regalvoice.com" in note.text()
    dialog.accounts.default_box.setChecked(True)
    dialog.accept()
    assert not dialog.isVisible()  # a warning, not a refusal

    badge = sending.window.findChild(QLabel, "profileBadge")
    assert badge.text() == "PRODUCTION · lookalike ⚠"
    assert "xn--vents-ywe.regalvoice.com" in badge.toolTip()
    assert "Warning" in badge.toolTip()
