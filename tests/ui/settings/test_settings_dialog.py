"""The Settings dialog: profiles and keys, general preferences, consent texts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QLabel,
    QListWidget,
    QPlainTextEdit,
)
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import Channel
from regal_desktop.services.consent_texts import consent_templates
from regal_desktop.ui.settings.dialog import NO_KEYCHAIN_NOTE, SettingsDialog
from tests.helpers.bodies import BODY
from tests.helpers.desk import Desk
from tests.helpers.settings import KEY, add_production, click, edit, open_settings


def test_saves_a_profile_and_keeps_its_key_out_of_the_database(
    qtbot: QtBot,
    open_desk: Callable[..., Desk],
    memory_keyring: keyring.backend.KeyringBackend,
) -> None:
    sending = open_desk(BODY)
    dialog = open_settings(qtbot, sending)
    assert dialog.findChild(QLabel, "keychainNote").text().startswith("Keys are saved in")

    add_production(qtbot, dialog, KEY)
    dialog.accept()

    app = sending.parts.app
    profile = app.accounts.get("production")
    assert profile.endpoint == "https://events.regalvoice.com/events" and profile.is_production
    assert app.accounts.default_name() == "production"
    assert memory_keyring.get_password("regal-desktop", "production") == KEY
    stored = b"".join(
        path.read_bytes() for path in app.database.parent.glob(f"{app.database.name}*")
    )
    assert b"events.regalvoice.com" in stored  # the profile is in what was read
    assert KEY.encode() not in stored and KEY[-8:].encode() not in stored
    badge = sending.window.findChild(QLabel, "profileBadge")
    assert badge.text() == "PRODUCTION · production"
    assert sending.window.findChild(QComboBox, "profileCombo").currentText() == "production"
    assert sending.window.findChild(QFrame, "welcomeBanner").isHidden()


def test_problems_are_shown_next_to_the_field_and_nothing_is_saved(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    sending = open_desk(BODY)
    dialog = open_settings(qtbot, sending)
    add_production(qtbot, dialog, KEY)
    endpoint = edit(dialog, "profileEndpointEdit")
    endpoint.clear()
    qtbot.keyClicks(endpoint, "http://regal.example.com/events")

    error = dialog.findChild(QLabel, "profileError")
    assert error.isVisible()
    assert error.text().startswith("Endpoint 'http://regal.example.com/events': http:// is only")

    dialog.accept()

    assert dialog.isVisible()
    assert [p.name for p in sending.parts.app.accounts.all()] == ["sandbox"]


def test_rate_beyond_regals_limit_or_below_one_is_refused_where_it_is_entered(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    sending = open_desk(BODY)
    dialog = open_settings(qtbot, sending)
    add_production(qtbot, dialog, KEY)
    rate = dialog.findChild(QDoubleSpinBox, "profileRateSpin")
    rate.setValue(0.5)
    assert rate.value() == 1  # less than one a second cannot be entered
    rate.setValue(2000)

    error = dialog.findChild(QLabel, "profileError")
    assert error.isVisible()
    assert error.text().startswith(
        "Rate 2000 is more than the 300 requests per second Regal allows an account"
    )
    dialog.accept()
    assert dialog.isVisible()
    assert [p.name for p in sending.parts.app.accounts.all()] == ["sandbox"]

    rate.setValue(300)
    assert not error.isVisible()
    dialog.accept()
    assert [p.rate for p in sending.parts.app.accounts.all()] == [290, 300]


@pytest.fixture
def no_keychain() -> Iterator[None]:
    """A computer without any keychain."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keychain_the_key_lasts_for_this_session_only(
    qtbot: QtBot, open_desk: Callable[..., Desk], no_keychain: None
) -> None:
    sending = open_desk(BODY)
    dialog = open_settings(qtbot, sending)
    assert dialog.findChild(QLabel, "keychainNote").text() == NO_KEYCHAIN_NOTE

    add_production(qtbot, dialog, KEY)
    dialog.accept()

    assert sending.controller.keys.typed == {"production": KEY}
    message = sending.window.statusBar().currentMessage()
    assert "No keychain on this computer" in message and "this session only" in message
    destination = sending.controller.keys.destination("production")
    assert destination is not None and destination.key == KEY


def test_general_preferences_are_checked_and_saved(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    sending = open_desk(BODY)
    dialog = open_settings(qtbot, sending)
    dialog.tabs.setCurrentIndex(1)
    email = edit(dialog, "operatorEmailEdit")
    qtbot.keyClicks(email, "jane@")
    assert dialog.findChild(QLabel, "generalError").isVisible()
    dialog.accept()
    assert dialog.isVisible()

    qtbot.keyClicks(email, "Example.COM")
    dialog.findChild(QComboBox, "regionCombo").setCurrentText("GB")
    qtbot.keyClicks(edit(dialog, "eventSourceDefaultEdit"), "crm")
    dialog.accept()

    app = sending.parts.app
    assert not dialog.isVisible()
    assert app.region == "GB"
    assert app.store.settings.get("default_event_source") == "crm"
    assert app.operator.endswith("<jane@example.com>")


def test_consent_texts_are_edited_and_saved(qtbot: QtBot, open_desk: Callable[..., Desk]) -> None:
    sending = open_desk(BODY)
    settings = sending.parts.app.store.settings
    bundled = consent_templates(settings)
    dialog = open_settings(qtbot, sending)
    dialog.tabs.setCurrentIndex(2)
    click(qtbot, dialog, "addTemplateButton")
    qtbot.keyClicks(edit(dialog, "templateNameEdit"), bundled[0].name)
    assert "used twice" in dialog.findChild(QLabel, "templateError").text()
    edit(dialog, "templateNameEdit").clear()
    qtbot.keyClicks(edit(dialog, "templateNameEdit"), "Survey texts")
    dialog.findChild(QPlainTextEdit, "templateTextEdit").setPlainText("I agree to surveys.")
    # Written for SMS only, second version of the words.
    for name in ("templateVoiceCheck", "templateEmailCheck"):
        dialog.findChild(QCheckBox, name).setChecked(False)
    assert "(SMS)" in dialog.findChild(QListWidget, "templateList").currentItem().text()
    version = edit(dialog, "templateVersionEdit")
    version.selectAll()
    qtbot.keyClick(version, Qt.Key.Key_Backspace)
    assert "give the words a version" in dialog.findChild(QLabel, "templateError").text()
    qtbot.keyClicks(version, "2")

    dialog.accept()

    saved = settings.get("consent_templates")
    assert saved[-1] == {
        "name": "Survey texts",
        "text": "I agree to surveys.",
        "channels": ["sms"],
        "version": "2",
    }
    assert len(saved) == len(bundled) + 1
    assert consent_templates(settings)[-1].name == "Survey texts"
    # The editor offers it at once, on SMS only.
    editor = sending.editor.form.consent.editors
    assert "Survey texts (v2)" in combo_items(editor[Channel.SMS].wording_combo)
    assert "Survey texts (v2)" not in combo_items(editor[Channel.VOICE].wording_combo)


def combo_items(combo: QComboBox) -> list[str]:
    """Every entry of a combo box."""
    return [combo.itemText(i) for i in range(combo.count())]


def test_removing_a_profile_forgets_its_key_and_falls_back_to_the_sandbox(
    qtbot: QtBot,
    open_desk: Callable[..., Desk],
    memory_keyring: keyring.backend.KeyringBackend,
) -> None:
    sending = open_desk(BODY)
    dialog = open_settings(qtbot, sending)
    add_production(qtbot, dialog, KEY)
    dialog.accept()
    qtbot.waitUntil(lambda: sending.window.findChild(SettingsDialog) is None)  # deleted
    dialog = open_settings(qtbot, sending)
    assert dialog.accounts.list.item(1).text() == "production — default"
    dialog.accounts.list.setCurrentRow(1)
    assert edit(dialog, "profileKeyEdit").placeholderText() == "saved (••••4b3c); type to replace"

    click(qtbot, dialog, "removeProfileButton")
    dialog.accept()

    app = sending.parts.app
    assert [p.name for p in app.accounts.all()] == ["sandbox"]
    assert app.accounts.default_name() == "sandbox"
    assert memory_keyring.get_password("regal-desktop", "production") is None
    assert sending.window.findChild(QLabel, "profileBadge").text() == "SANDBOX · this computer"
