"""Settings offers the account's kind: choosing Segment sets Segment's endpoint and rate,
names the key a write key, and saves the kind."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot

from regal_desktop.domain.segment import SEGMENT_ENDPOINT, SEGMENT_EU_ENDPOINT
from tests.helpers.bodies import BODY
from tests.helpers.desk import Desk
from tests.helpers.settings import click, edit, open_settings


def test_a_segment_account_is_set_up_in_settings(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    desk = open_desk(BODY)
    dialog = open_settings(qtbot, desk)
    click(qtbot, dialog, "addProfileButton")
    qtbot.keyClicks(edit(dialog, "profileNameEdit"), "seg")
    endpoint = edit(dialog, "profileEndpointEdit")
    assert endpoint.text() == "https://events.regalvoice.com/events"
    kind = dialog.findChild(QComboBox, "profileKindCombo")
    kind.setCurrentIndex(kind.findData("segment"))
    assert endpoint.text() == SEGMENT_ENDPOINT
    assert dialog.accounts.rate.value() == 1000
    key_label = dialog.accounts._form.labelForField(edit(dialog, "profileKeyEdit"))
    assert key_label.text() == "Write key"
    note = dialog.findChild(QLabel, "profileNote")
    assert note.text().startswith("Sends Segment calls (identify, track) to a Segment source")

    endpoint.clear()
    qtbot.keyClicks(endpoint, SEGMENT_EU_ENDPOINT)
    assert "⚠ Warning: this is Segment's EU endpoint" in note.text()
    dialog.accounts.default_box.setChecked(True)
    dialog.accept()
    assert not dialog.isVisible()  # a warning, not a refusal

    saved = desk.parts.app.accounts.get("seg")
    assert (saved.kind, saved.endpoint, saved.rate) == ("segment", SEGMENT_EU_ENDPOINT, 1000)
    badge = desk.window.findChild(QLabel, "profileBadge")
    assert badge.text() == "PRODUCTION · seg · Segment ⚠"
    assert desk.editor.account is not None and desk.editor.account.is_segment


def test_going_back_to_regal_restores_regals_defaults(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    desk = open_desk(BODY)
    dialog = open_settings(qtbot, desk)
    click(qtbot, dialog, "addProfileButton")
    qtbot.keyClicks(edit(dialog, "profileNameEdit"), "main")
    kind = dialog.findChild(QComboBox, "profileKindCombo")
    kind.setCurrentIndex(kind.findData("segment"))
    kind.setCurrentIndex(kind.findData("regal"))
    assert edit(dialog, "profileEndpointEdit").text() == "https://events.regalvoice.com/events"
    assert dialog.accounts.rate.value() == 290
    key_label = dialog.accounts._form.labelForField(edit(dialog, "profileKeyEdit"))
    assert key_label.text() == "API key"
    assert kind.isEnabled()
    dialog.accounts.list.setCurrentRow(0)  # the built-in sandbox: its kind cannot change
    assert not kind.isEnabled()
