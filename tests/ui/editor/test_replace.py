"""Replace…: a number or address Regal holds cannot be renamed (Regal cannot delete it);
Replace… adds the new one, moves primary to it and retires the old one, in one undo step.
A misspelt address Regal does not hold yet is still a plain edit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import Channel, ConsentState
from regal_desktop.services.retire import RETIRED_SOURCE
from regal_desktop.ui.editor.contact_points import POINT
from tests.helpers.desk import Desk
from tests.helpers.known import MOBILE, MOBILE_SHOWN, open_known

NEW = "+19545550101"


def test_retyping_a_number_regal_holds_is_refused_with_a_way_out(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    model = desk.editor.form.phones.model

    assert not model.setData(model.index(0, POINT), "954 555 0101")

    assert desk.editor.document.rows("phones")[0].number == MOBILE
    note = desk.window.findChild(QLabel, "phonesNote")
    assert note.isVisible()
    assert f"Regal cannot delete {MOBILE_SHOWN}" in note.text() and "Replace…" in note.text()
    assert desk.status() == note.text()
    # Retyping it in another format is no rename: allowed.
    assert model.setData(model.index(0, POINT), "(954) 555-2399")
    assert not note.isVisible()


def test_replace_adds_the_new_number_moves_primary_and_retires_the_old(
    qtbot: QtBot, desk: Desk, now_text: str
) -> None:
    open_known(qtbot, desk)
    phones = desk.editor.form.phones
    phones.select_row(0)
    button = desk.window.findChild(QPushButton, "replacePhoneButton")
    assert button.isEnabled()
    desk.dialogs.replacement_answer = "(954) 555-0101"

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert desk.dialogs.asked == [f"replace {MOBILE_SHOWN}"]
    document = desk.editor.document
    old, new = document.rows("phones")[:2]
    assert old.retired and not old.primary
    for channel in (Channel.VOICE, Channel.SMS):
        consent = getattr(old, channel.value)
        assert consent.state is ConsentState.UNSUBSCRIBED
        assert (consent.timestamp, consent.source) == (now_text, RETIRED_SOURCE)
    assert new.number == "(954) 555-0101" and new.primary and new.label == "Mobile"
    shown = phones.model.index(0, POINT).data(Qt.ItemDataRole.DisplayRole)
    assert shown == f"{MOBILE} (retired)"
    assert not button.isEnabled()  # a retired point is not replaced again
    desk.editor.refresh_review()
    body = desk.editor.checked.body["traits"]["phones"]
    assert body[NEW] == {"label": "Mobile", "isPrimary": True}
    assert body[MOBILE]["smsOptIn"]["subscribed"] is False
    assert body[MOBILE]["voiceOptIn"]["subscribed"] is False
    assert "isPrimary" not in body[MOBILE]
    notes = desk.editor.send_notes()
    assert notes[(MOBILE, "sms")].reason == "Retired: replaced by +1 954-555-0101"
    assert desk.editor.retired_points() == {f"phone:{MOBILE}": "Replaced by +1 954-555-0101"}

    # One undo step puts everything back.
    desk.editor.undo_action.trigger()
    assert [row.number for row in document.rows("phones")] == [MOBILE, "+13055550142"]
    assert not document.rows("phones")[0].retired


def test_a_sent_replacement_shows_the_old_point_as_retired_in_contacts(
    qtbot: QtBot, desk: Desk
) -> None:
    open_known(qtbot, desk)
    desk.dialogs.replacement_answer = NEW
    desk.editor.replace_point("phones", 0)

    with qtbot.waitSignal(desk.controller.finished, timeout=15_000):
        desk.editor.request_send()
    qtbot.waitUntil(lambda: not desk.controller.is_running(), timeout=5_000)

    retired = desk.parts.app.store.revocations.retired([f"phone:{MOBILE}"])
    assert list(retired) == [f"phone:{MOBILE}"]


def test_replace_refuses_a_bad_or_listed_number(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    for answer in ("12", "+1 305 555 0142", MOBILE):
        desk.dialogs.replacement_answer = answer
        desk.editor.replace_point("phones", 0)
    assert len(desk.dialogs.errors) == 3
    assert "already listed" in desk.dialogs.errors[1]
    assert "being replaced" in desk.dialogs.errors[2]
    assert len(desk.editor.document.rows("phones")) == 2


def test_fixing_a_misspelt_address_regal_does_not_hold_is_a_plain_edit(
    qtbot: QtBot, desk: Desk
) -> None:
    open_known(qtbot, desk)
    emails = desk.editor.form.emails
    row = desk.editor.document.add_row("emails")
    model = emails.model
    assert model.setData(model.index(row, POINT), "ana@exmaple.com")
    assert not emails.can_replace(row)

    assert model.setData(model.index(row, POINT), "ana.new@example.com")

    assert desk.editor.document.rows("emails")[row].address == "ana.new@example.com"
    assert not desk.window.findChild(QLabel, "emailsNote").isVisible()


def test_replace_an_address_from_the_e_mail_table(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    emails = desk.editor.form.emails
    emails.select_row(0)
    desk.dialogs.replacement_answer = "Ana.Lopez@Example.com"

    qtbot.mouseClick(
        desk.window.findChild(QPushButton, "replaceEmailButton"), Qt.MouseButton.LeftButton
    )

    desk.editor.refresh_review()
    body = desk.editor.checked.body["traits"]["emails"]
    assert body["Ana.Lopez@example.com"] == {"isPrimary": True}
    assert body["ana@example.com"]["emailOptIn"]["subscribed"] is False
    assert desk.editor.retired_points() == {
        "email:ana@example.com": "Replaced by Ana.Lopez@example.com"
    }
