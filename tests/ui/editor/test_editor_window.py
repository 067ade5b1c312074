"""The editor, driven through its widgets the way a person would use it."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import Channel, ConsentState, body_text
from regal_desktop.ui.editor.contact_points import PRIMARY
from regal_desktop.ui.editor.editor import Editor
from tests.helpers.desk import Desk
from tests.helpers.editor_widgets import add_phone


def preview_text(editor: Editor) -> str:
    """What the preview widget shows."""
    return editor.findChild(QPlainTextEdit, "jsonPreview").toPlainText()


def expect_preview(qtbot: QtBot, editor: Editor, body: dict[str, Any]) -> None:
    """Wait for the preview to show exactly ``body`` as it is sent."""
    expected = body_text(body)
    qtbot.waitUntil(lambda: preview_text(editor) == expected, timeout=2000)


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, one key event per character (QTest only knows ASCII keys)."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character)
            QApplication.sendEvent(widget, event)


def line_edit(editor: Editor, name: str) -> QLineEdit:
    edit = editor.findChild(QLineEdit, name)
    assert edit is not None, name
    return edit


def test_typing_each_kind_of_field_shows_in_preview(qtbot: QtBot, editor: Editor) -> None:
    qtbot.keyClicks(line_edit(editor, "userIdEdit"), "u-1")
    expect_preview(qtbot, editor, {"userId": "u-1"})
    type_text(line_edit(editor, "firstNameEdit"), "Zoë")
    qtbot.keyClicks(line_edit(editor, "cityEdit"), "Miami")
    expect_preview(
        qtbot,
        editor,
        {"userId": "u-1", "traits": {"firstName": "Zoë", "address": {"city": "Miami"}}},
    )
    add_phone(qtbot, editor, "(954) 558-2399")
    qtbot.keyClicks(line_edit(editor, "eventNameEdit"), "Signed Up")
    expect_preview(
        qtbot,
        editor,
        {
            "userId": "u-1",
            "traits": {
                "firstName": "Zoë",
                "phones": {"+19545582399": {}},
                "address": {"city": "Miami"},
            },
            "name": "Signed Up",
        },
    )
    phones = editor.findChild(QTableView, "phonesView").model()
    assert phones.index(0, 0).data() == "+19545582399"
    assert phones.index(0, 0).data(Qt.ItemDataRole.EditRole) == "(954) 558-2399"


def test_primary_is_exclusive(qtbot: QtBot, editor: Editor) -> None:
    add_phone(qtbot, editor, "+19545582399")
    add_phone(qtbot, editor, "+13055550142")
    model = editor.findChild(QTableView, "phonesView").model()
    model.setData(model.index(0, PRIMARY), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(1, PRIMARY), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    checked = [model.index(r, PRIMARY).data(Qt.ItemDataRole.CheckStateRole) for r in (0, 1)]
    assert checked == [Qt.CheckState.Unchecked, Qt.CheckState.Checked]
    expect_preview(
        qtbot,
        editor,
        {"traits": {"phones": {"+19545582399": {}, "+13055550142": {"isPrimary": True}}}},
    )


def test_choosing_a_consent_state_leaves_the_time_to_now(
    qtbot: QtBot, editor: Editor, now_text: str
) -> None:
    add_phone(qtbot, editor, "+19545582399")
    qtbot.mouseClick(
        editor.findChild(QRadioButton, "voiceSubscribedButton"), Qt.MouseButton.LeftButton
    )
    # No invented time: the field stays empty until "Now" or typing fills it.
    assert line_edit(editor, "voiceTimestampEdit").text() == ""
    qtbot.mouseClick(editor.findChild(QPushButton, "voiceNowButton"), Qt.MouseButton.LeftButton)
    # Choosing a wording records its exact words.
    wording = editor.findChild(QComboBox, "voiceWordingCombo")
    wording.setCurrentIndex(1)
    wording.activated.emit(1)
    expect_preview(
        qtbot,
        editor,
        {
            "traits": {
                "phones": {
                    "+19545582399": {
                        "voiceOptIn": {
                            "subscribed": True,
                            "timestamp": now_text,
                            "text": "I agree to receive marketing calls from Example Co.",
                        }
                    }
                }
            }
        },
    )


def test_now_button_replaces_the_timestamp(qtbot: QtBot, editor: Editor, now_text: str) -> None:
    add_phone(qtbot, editor, "+19545582399")
    timestamp = line_edit(editor, "smsTimestampEdit")
    qtbot.keyClicks(timestamp, "2020-01-01 10:00:00 Z")
    qtbot.mouseClick(editor.findChild(QPushButton, "smsNowButton"), Qt.MouseButton.LeftButton)
    assert timestamp.text() == now_text
    assert editor.document.consent("phones", 0, Channel.SMS).timestamp == now_text


def test_bad_number_is_a_finding_that_leads_to_its_row(qtbot: QtBot, editor: Editor) -> None:
    qtbot.keyClicks(line_edit(editor, "userIdEdit"), "u-1")
    add_phone(qtbot, editor, "+19545582399")
    add_phone(qtbot, editor, "+144455555555")
    send = editor.findChild(QPushButton, "sendButton")
    findings = editor.findChild(QListWidget, "findingsView")
    qtbot.waitUntil(lambda: not send.isEnabled())
    errors = [findings.item(i) for i in range(findings.count())]
    bad = next(item for item in errors if "+144455555555" in item.text())
    editor.form.phones.select_row(0)
    editor.review.tabs.setCurrentWidget(findings)
    # A real double-click starts with a press; QTest's double-click event alone does not.
    where = findings.visualItemRect(bad).center()
    qtbot.mouseClick(findings.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(findings.viewport(), Qt.MouseButton.LeftButton, pos=where)
    phones = editor.findChild(QTableView, "phonesView")
    assert phones.currentIndex().row() == 1
    assert editor.form.consent.target == ("phones", 1)


def test_send_is_enabled_only_without_errors(qtbot: QtBot, editor: Editor) -> None:
    send = editor.findChild(QPushButton, "sendButton")
    assert not send.isEnabled()  # an empty request names nobody
    qtbot.keyClicks(line_edit(editor, "userIdEdit"), "u-1")
    qtbot.waitUntil(send.isEnabled)
    with qtbot.waitSignal(editor.send_requested, timeout=1000):
        qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(editor.send_requested, timeout=1000):
        qtbot.keyClick(
            line_edit(editor, "userIdEdit"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )


def test_undo_and_redo_restore_the_preview(qtbot: QtBot, editor: Editor) -> None:
    user_id = line_edit(editor, "userIdEdit")
    qtbot.keyClicks(user_id, "abc")
    user_id.editingFinished.emit()  # leaving the field ends the undo step
    qtbot.keyClicks(editor.findChild(QLineEdit, "lastNameEdit"), "Doe")
    expect_preview(qtbot, editor, {"userId": "abc", "traits": {"lastName": "Doe"}})
    # Ctrl+Z in a line edit undoes in the document, one field's typing at a time.
    qtbot.keyClick(user_id, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    expect_preview(qtbot, editor, {"userId": "abc"})
    assert editor.findChild(QLineEdit, "lastNameEdit").text() == ""
    editor.undo_action.trigger()
    expect_preview(qtbot, editor, {})
    assert user_id.text() == ""
    qtbot.keyClick(
        user_id,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    expect_preview(qtbot, editor, {"userId": "abc"})
    assert user_id.text() == "abc"


def test_custom_trait_types(qtbot: QtBot, editor: Editor) -> None:
    row = editor.document.add_row("traits")
    model = editor.form.traits.model
    model.setData(model.index(row, 0), "savingsGoal")
    model.setData(model.index(row, 1), "number")
    model.setData(model.index(row, 2), "25000")
    expect_preview(qtbot, editor, {"traits": {"savingsGoal": 25000}})
    model.setData(model.index(row, 2), "lots")
    qtbot.waitUntil(
        lambda: any(f.path == "traits.savingsGoal" for f in editor.review.findings.findings)
    )
    assert not editor.findChild(QPushButton, "sendButton").isEnabled()


def test_copy_as_curl_never_holds_a_key(qtbot: QtBot, editor: Editor) -> None:
    qtbot.keyClicks(line_edit(editor, "userIdEdit"), "u-1")
    expect_preview(qtbot, editor, {"userId": "u-1"})
    editor.review.preview.set_endpoint("https://events.regalvoice.com/events")
    editor.review.preview.copy_curl()
    command = QGuiApplication.clipboard().text()
    assert "Authorization: $REGAL_API_KEY" in command
    assert json.dumps({"userId": "u-1"}, indent=2) in command


def test_finding_without_a_field_is_reported_in_the_status_bar(desk: Desk) -> None:
    desk.editor.go_to_finding("$")
    assert "not a field" in desk.status()


def test_tab_follows_the_page_from_names_to_phones(qtbot: QtBot, editor: Editor) -> None:
    for start, expected in (
        (line_edit(editor, "lastNameEdit"), editor.findChild(QTableView, "phonesView")),
        (line_edit(editor, "countryEdit"), editor.findChild(QTableView, "traitsView")),
    ):
        start.setFocus()
        qtbot.keyClick(start, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected


def test_a_consent_finding_focuses_the_consent_field(qtbot: QtBot, editor: Editor) -> None:
    add_phone(qtbot, editor, "+19545582399")
    add_phone(qtbot, editor, "+13055550142")
    editor.document.set_consent("phones", 1, Channel.SMS, timestamp="yesterday")
    editor.refresh_review()
    # Details without a state are not sent; the findings say so instead of dropping them.
    unsent = 'traits.phones["+13055550142"].smsOptIn'
    assert any(f.path == unsent for f in editor.review.findings.findings)
    editor.document.set_consent("phones", 1, Channel.SMS, state=ConsentState.SUBSCRIBED)
    editor.refresh_review()
    path = 'traits.phones["+13055550142"].smsOptIn.timestamp'
    assert any(f.path == path for f in editor.review.findings.findings)
    editor.go_to_finding(path)
    assert editor.form.consent.target == ("phones", 1)
    assert QApplication.focusWidget() is line_edit(editor, "smsTimestampEdit")


def test_every_input_has_an_accessible_name(editor: Editor) -> None:
    inputs = (QLineEdit, QComboBox, QTableView, QRadioButton, QListWidget, QPlainTextEdit)
    for kind in inputs:
        found = editor.findChildren(kind)
        assert found, kind.__name__  # the check below looks at every kind of input
        for widget in found:
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox):
                continue  # a combo box's own line edit is named by the combo
            assert widget.accessibleName(), widget.objectName()


def test_loading_another_contact_shows_its_consent_at_once(editor: Editor) -> None:
    phone = {"isPrimary": True, "smsOptIn": {"subscribed": True, "timestamp": "2026-11-25"}}
    editor.show_payload({"traits": {"phones": {"+19545582399": phone}}}, None)
    title = editor.findChild(QGroupBox, "consentGroup")
    assert title.title() == "Consent for +1 954-558-2399"
    # The next contact's primary phone is in the same row: its consent still shows.
    editor.show_payload({"traits": {"phones": {"+13055550123": phone}}}, None)
    assert title.title() == "Consent for +1 305-555-0123"


def test_the_consent_editors_keep_the_form_width_when_another_contact_loads(
    qtbot: QtBot, desk: Desk
) -> None:
    desk.window.resize(1360, 860)  # wider than the editors need
    editor = desk.editor
    phone = {"isPrimary": True}
    panel = editor.form.consent
    voice = panel.editors[Channel.VOICE]
    editor.show_payload({"traits": {"phones": {"+19545582399": phone}}}, None)
    qtbot.waitUntil(lambda: voice.width() == panel.width())
    editor.show_payload({"traits": {"phones": {"+13055550123": phone}}}, None)
    # Laid out again after the load, the editors take the panel's width, not their own.
    QApplication.processEvents()
    qtbot.waitUntil(lambda: voice.width() == panel.width(), timeout=2000)
