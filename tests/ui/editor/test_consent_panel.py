"""The consent panel: the known state, no invented time, opt-out words, readable wordings."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
)
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import Channel, ConsentState
from regal_desktop.store.requests import ChangeNote
from regal_desktop.ui.editor.consent_channel import CUSTOM_WORDS
from regal_desktop.ui.editor.draft import Consent
from regal_desktop.ui.editor.editor import Editor
from regal_desktop.ui.editor.known import readable_time
from tests.helpers.desk import TEMPLATES, Desk
from tests.helpers.editor_widgets import add_phone, child, click

PHONE = "+19545582399"
CALLS = TEMPLATES[0].text
TEXTS = TEMPLATES[1].text
VOICE_TIME = "2026-03-12T14:02:00-05:00"


def known_body() -> dict[str, Any]:
    """A contact the directory knows: voice opt-in on the marketing-calls words, SMS
    opt-out after a STOP reply."""
    return {
        "userId": "u-7",
        "traits": {
            "lastName": "Doe",
            "phones": {
                PHONE: {
                    "label": "Mobile",
                    "isPrimary": True,
                    "voiceOptIn": {"subscribed": True, "timestamp": VOICE_TIME, "text": CALLS},
                    "smsOptIn": {"subscribed": False, "timestamp": "2026-04-01T09:00:00Z"},
                }
            },
        },
    }


def open_known(qtbot: QtBot, editor: Editor) -> None:
    """Put the contact in the directory (as a delivery does) and open it."""
    editor.context.app.store.directory.apply(known_body())
    editor.forget_known_profiles()
    editor.show_payload(known_body(), None)
    qtbot.waitUntil(lambda: editor.document.baseline is not None)


def consent(editor: Editor, channel: Channel) -> Consent:
    return editor.document.consent("phones", 0, channel)


def combo_items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_known_state_is_shown_and_a_change_is_marked(qtbot: QtBot, editor: Editor) -> None:
    open_known(qtbot, editor)
    voice_known = child(editor, QLabel, "voiceKnownLabel")
    voice_changed = child(editor, QLabel, "voiceChangedLabel")
    assert voice_known.text() == f"Known: Subscribed since {readable_time(VOICE_TIME)}, this desk"
    assert "Mar 2026" in voice_known.text()
    assert child(editor, QLabel, "smsKnownLabel").text().startswith("Known: Unsubscribed since")
    assert voice_changed.isHidden()
    revert = child(editor, QPushButton, "revertPhonesToKnownButton")
    assert not revert.isEnabled()  # nothing differs

    click(qtbot, editor, QRadioButton, "voiceUnsubscribedButton")
    assert voice_changed.isVisible() and voice_changed.text() == "✎ Changed from known"
    assert voice_changed.font().bold()  # text and style, not colour alone
    assert child(editor, QLabel, "voiceKnownLabel").parent().title() == "Voice: changed"
    assert revert.isEnabled()

    click(qtbot, editor, QRadioButton, "voiceSubscribedButton")  # back as it was
    assert voice_changed.isHidden()
    assert not revert.isEnabled()


def test_revert_to_known_restores_the_point_in_one_undo_step(qtbot: QtBot, editor: Editor) -> None:
    open_known(qtbot, editor)
    known = (consent(editor, Channel.VOICE), consent(editor, Channel.SMS))
    click(qtbot, editor, QRadioButton, "voiceNoStatusButton")
    click(qtbot, editor, QRadioButton, "smsSubscribedButton")
    click(qtbot, editor, QPushButton, "smsNowButton")
    assert (consent(editor, Channel.VOICE), consent(editor, Channel.SMS)) != known
    steps = editor.document.undo_stack.count()

    click(qtbot, editor, QPushButton, "revertPhonesToKnownButton")
    assert (consent(editor, Channel.VOICE), consent(editor, Channel.SMS)) == known
    assert child(editor, QLabel, "smsChangedLabel").isHidden()
    assert editor.document.undo_stack.count() == steps + 1
    assert editor.document.undo_stack.undoText() == "Revert phone to known"
    editor.document.undo_stack.undo()
    assert consent(editor, Channel.SMS).state is ConsentState.SUBSCRIBED
    assert consent(editor, Channel.VOICE).state is ConsentState.NO_STATUS


def test_a_point_nobody_knows_shows_nothing_known(qtbot: QtBot, editor: Editor) -> None:
    add_phone(qtbot, editor, "+13055550142")
    assert child(editor, QLabel, "voiceKnownLabel").text() == "Known: nothing"
    assert not child(editor, QPushButton, "revertPhonesToKnownButton").isEnabled()
    click(qtbot, editor, QRadioButton, "smsSubscribedButton")
    assert child(editor, QLabel, "smsChangedLabel").text() == "✎ New: not known before"


def test_choosing_a_state_leaves_the_time_empty_and_now_fills_it(
    qtbot: QtBot, editor: Editor, now_text: str
) -> None:
    add_phone(qtbot, editor, PHONE)
    click(qtbot, editor, QRadioButton, "smsSubscribedButton")
    timestamp = child(editor, QLineEdit, "smsTimestampEdit")
    assert timestamp.text() == ""
    assert editor.document.to_raw()["traits"]["phones"][PHONE]["smsOptIn"] == {"subscribed": True}
    editor.refresh_review()
    missing = [f for f in editor.checked.findings if "time is missing" in f.message]
    assert [f.level.value for f in missing] == ["warning"]
    assert missing[0].path.startswith('traits.phones["+19545582399"].smsOptIn')
    click(qtbot, editor, QPushButton, "smsNowButton")
    assert timestamp.text() == now_text
    assert consent(editor, Channel.SMS).timestamp == now_text


def test_typing_into_the_time_replaces_it(qtbot: QtBot, editor: Editor) -> None:
    add_phone(qtbot, editor, PHONE)
    click(qtbot, editor, QRadioButton, "voiceSubscribedButton")
    click(qtbot, editor, QPushButton, "voiceNowButton")
    timestamp = child(editor, QLineEdit, "voiceTimestampEdit")
    qtbot.mouseClick(timestamp, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(timestamp, "2026-03-12 14:02:00 -05:00")
    assert timestamp.text() == "2026-03-12 14:02:00 -05:00"
    assert consent(editor, Channel.VOICE).timestamp == "2026-03-12 14:02:00 -05:00"
    # The placeholder's shape is a time the checker reads.
    editor.refresh_review()
    assert not [f for f in editor.checked.findings if f.path.endswith("voiceOptIn.timestamp")]


def test_an_opt_out_records_how_and_when_it_was_received_outside_the_body(
    qtbot: QtBot, editor: Editor, now_text: str
) -> None:
    add_phone(qtbot, editor, PHONE)
    wording = child(editor, QComboBox, "smsWordingCombo")
    method = child(editor, QComboBox, "smsMethodCombo")
    assert method.isHidden() and not wording.isHidden()
    click(qtbot, editor, QRadioButton, "smsUnsubscribedButton")
    assert method.isVisible() and wording.isHidden()
    assert child(editor, QPlainTextEdit, "smsTextEdit").isHidden()  # no words to agree to
    method.setCurrentIndex(method.findText("STOP reply"))
    method.activated.emit(method.currentIndex())
    click(qtbot, editor, QPushButton, "smsReceivedNowButton")
    assert child(editor, QLineEdit, "smsReceivedAtEdit").text() == now_text

    assert editor.change_notes() == {
        (PHONE, "sms"): ChangeNote(method="stop_reply", received_at=now_text)
    }
    body = json.dumps(editor.document.to_raw())
    assert "stop_reply" not in body and "received" not in body.lower()
    assert editor.document.to_raw()["traits"]["phones"][PHONE]["smsOptIn"] == {"subscribed": False}


def test_wordings_are_offered_by_channel_and_shown_in_full(qtbot: QtBot, editor: Editor) -> None:
    add_phone(qtbot, editor, PHONE)
    voice = child(editor, QComboBox, "voiceWordingCombo")
    assert combo_items(voice) == [CUSTOM_WORDS, "Marketing calls (v1)"]
    assert combo_items(child(editor, QComboBox, "smsWordingCombo")) == [
        CUSTOM_WORDS,
        "Marketing texts (v1)",
    ]
    click(qtbot, editor, QRadioButton, "voiceSubscribedButton")
    voice.setCurrentIndex(1)
    voice.activated.emit(1)
    words = child(editor, QPlainTextEdit, "voiceTextEdit")
    assert words.toPlainText() == CALLS
    assert words.lineWrapMode() is QPlainTextEdit.LineWrapMode.WidgetWidth
    assert words.height() > 2 * words.fontMetrics().lineSpacing()  # several lines
    assert editor.change_notes() == {
        (PHONE, "voice"): ChangeNote(template="Marketing calls", template_version="1")
    }
    # Words typed over it are no longer that wording.
    words.setFocus()
    qtbot.keyClicks(words, " And more.")
    assert consent(editor, Channel.VOICE).template == ""
    assert voice.currentText() == CUSTOM_WORDS


def test_a_wording_of_another_channel_is_a_warning(qtbot: QtBot, editor: Editor) -> None:
    add_phone(qtbot, editor, PHONE)
    click(qtbot, editor, QRadioButton, "voiceSubscribedButton")
    words = child(editor, QPlainTextEdit, "voiceTextEdit")
    words.setPlainText(TEXTS)  # the SMS wording, on voice
    warning = child(editor, QLabel, "voiceWordingWarning")
    assert warning.isVisible() and "written for SMS, not Voice" in warning.text()
    editor.refresh_review()
    findings = child(editor, QListWidget, "findingsView")
    shown = [findings.item(i).text() for i in range(findings.count())]
    assert any("Voice consent: the words are the wording 'Marketing texts'" in s for s in shown)
    words.setPlainText(CALLS)
    assert warning.isHidden()


def test_the_opt_out_method_and_wording_reach_the_evidence_not_the_body(
    qtbot: QtBot, desk: Desk, now_text: str
) -> None:
    editor = desk.editor
    editor.show_payload({"userId": "u-9", "traits": {"phones": {PHONE: {}}}}, None)
    click(qtbot, editor, QRadioButton, "voiceSubscribedButton")
    click(qtbot, editor, QPushButton, "voiceNowButton")
    wording = child(editor, QComboBox, "voiceWordingCombo")
    wording.setCurrentIndex(1)
    wording.activated.emit(1)
    click(qtbot, editor, QRadioButton, "smsUnsubscribedButton")
    click(qtbot, editor, QPushButton, "smsNowButton")
    method = child(editor, QComboBox, "smsMethodCombo")
    method.setCurrentIndex(method.findText("Call"))
    method.activated.emit(method.currentIndex())
    click(qtbot, editor, QPushButton, "smsReceivedNowButton")
    with qtbot.waitSignal(desk.controller.finished, timeout=15_000):
        editor.request_send()
    qtbot.waitUntil(lambda: not desk.controller.is_running(), timeout=5_000)

    history = editor.context.app.store.history
    rows = {row["channel"]: row for row in history.evidence(contact=PHONE)}
    assert rows["sms"]["method"] == "call" and rows["sms"]["received_at"] == now_text
    assert rows["voice"]["template"] == "Marketing calls"
    assert rows["voice"]["template_version"] == "1"
    assert rows["voice"]["text"] == CALLS
    # The body sent holds none of it (the request's exact text, by its hash).
    (request,) = history.search(contact=PHONE)
    assert request.sha256 == rows["sms"]["sha256"]
    for evidence in ('"call"', "Marketing calls", "method", "received"):
        assert evidence not in request.body
