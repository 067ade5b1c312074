"""The contact directory: search as you type, open in the editor, the consent timeline."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import ConsentState
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.ui.contacts.window import DirectoryView
from tests.helpers.bodies import BOB, JANE_PHONE, jane
from tests.helpers.desk import Desk, send_body


@pytest.fixture
def desk(
    qtbot: QtBot, open_desk: Callable[[], Desk], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> Desk:
    """Jane opted in to SMS then out, and Bob to voice, all delivered."""
    monkeypatch.setenv("REGAL_ENDPOINT", sandbox.url)
    opened = open_desk()
    send_body(qtbot, opened, jane(True, "2026-11-25T09:00:00-05:00"))
    send_body(qtbot, opened, jane(False, "2026-11-26T09:00:00-05:00"))
    send_body(qtbot, opened, BOB)
    return opened


def names_after_typing(qtbot: QtBot, view: DirectoryView, text: str) -> list[str]:
    """Type ``text`` into the search box and wait for the debounced search."""
    view.search_edit.clear()
    searched: list[str] = []  # each search shows its results anew: one model reset

    def note_search() -> None:
        searched.append(view.search_edit.text())

    view.model.modelReset.connect(note_search)
    try:
        qtbot.keyClicks(view.search_edit, text)
        assert searched == []  # a burst of keys waits for a pause: one search, not many
        qtbot.waitUntil(lambda: searched != [], timeout=2_000)
    finally:
        view.model.modelReset.disconnect(note_search)
    assert searched == [text]
    return [view.model.index(row, 0).data() for row in range(view.model.rowCount())]


#: Jane's number in the formats people type, a prefix, her e-mail, userId and name.
JANE_TYPED = (
    "(954) 558-2399",
    "954.558.2399",
    "+1 954 558 2399",
    "19545582399",
    "954558",
    "Jane@Example",
    "u-1",
    "jane",
    "doe jan",
)


def test_search_finds_the_contact_by_any_identifier_or_name(qtbot: QtBot, desk: Desk) -> None:
    view = desk.side.show_directory()
    found = {typed: names_after_typing(qtbot, view, typed) for typed in JANE_TYPED}
    assert found == {typed: ["Jane Doe"] for typed in JANE_TYPED}


def test_search_lists_only_matches_and_says_when_none(qtbot: QtBot, desk: Desk) -> None:
    view = desk.side.show_directory()
    assert "3" not in view.count_label.text()  # two contacts, not one per request
    assert view.count_label.text().startswith("2 contacts")
    assert names_after_typing(qtbot, view, "515") == ["Bob"]
    assert names_after_typing(qtbot, view, "nobody@example.com") == []
    assert view.count_label.text() == "No contact matches “nobody@example.com”."
    assert not view.open_button.isEnabled()


def test_timeline_lists_the_opt_in_then_the_opt_out_with_their_status(
    qtbot: QtBot, qtmodeltester: ModelTester, desk: Desk
) -> None:
    view = desk.side.show_directory()
    names_after_typing(qtbot, view, "jane")
    timeline = view.timeline
    assert timeline.point_combo.currentData() == JANE_PHONE
    assert timeline.point_combo.count() == 2  # the phone and the e-mail
    qtmodeltester.check(timeline.model, force_py=True)
    qtmodeltester.check(view.model, force_py=True)
    rows = [
        [timeline.model.index(row, column).data() for column in range(9)]
        for row in range(timeline.model.rowCount())
    ]
    assert [row[1:7] for row in rows] == [
        [
            "SMS",
            "Opt-in",
            "Yes, text me offers from Acme.",
            "203.0.113.7",
            "2026-11-25T09:00:00-05:00",
            "web form",
        ],
        [
            "SMS",
            "Opt-out",
            "Customer replied STOP.",
            "203.0.113.7",
            "2026-11-26T09:00:00-05:00",
            "sms keyword",
        ],
    ]
    assert all(row[8].startswith("Delivered 20") for row in rows)
    assert rows[0][0] <= rows[1][0]
    timeline.channel_combo.setCurrentIndex(timeline.channel_combo.findData("voice"))
    assert timeline.model.rowCount() == 0
    timeline.point_combo.setCurrentIndex(1)  # the e-mail: no consent recorded
    assert timeline.model.rowCount() == 0
    assert "No consent change" in timeline.summary.text()


def test_open_in_editor_fills_the_form_with_the_contact(qtbot: QtBot, desk: Desk) -> None:
    editor = desk.editor
    editor.show_payload({"userId": "someone-else"}, None, modified=True)
    view = desk.side.show_directory()
    names_after_typing(qtbot, view, "954-558-2399")
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)

    body = editor.checked.body
    assert body["userId"] == "u-1"
    assert body["traits"]["firstName"] == "Jane"
    # The form holds the known opt-out; the body leaves it out, as unchanged.
    assert editor.document.rows("phones")[0].sms.state is ConsentState.UNSUBSCRIBED
    assert "smsOptIn" not in body["traits"]["phones"][JANE_PHONE]
    assert not editor.document.is_modified


def test_before_a_search_the_contacts_are_listed_recent_first_in_pages(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from regal_desktop.ui.contacts import window

    monkeypatch.setattr(window, "PAGE", 1)
    view = desk.side.show_directory()
    assert view.model.rowCount() == 1 and not view.more_button.isHidden()
    assert view.open_button.isEnabled()  # the first is chosen
    qtbot.mouseClick(view.more_button, Qt.MouseButton.LeftButton)
    listed = [view.model.index(row, 0).data() for row in range(view.model.rowCount())]
    assert listed == ["Bob", "Jane Doe"]  # Bob was sent last
    assert view.more_button.isHidden()
    assert view.count_label.text().startswith("2 contacts")
    view.refresh()  # a delivery re-reads the list: what was shown stays shown
    assert view.model.rowCount() == 2


@pytest.mark.parametrize("typed", ["example", "@example.com", "jane@", "com"])
def test_search_finds_an_email_by_its_start_or_its_domain(
    qtbot: QtBot, desk: Desk, typed: str
) -> None:
    view = desk.side.show_directory()
    assert names_after_typing(qtbot, view, typed) == ["Jane Doe"]


def test_a_contact_opened_from_the_directory_is_titled_by_its_name(
    qtbot: QtBot, desk: Desk
) -> None:
    desk.editor.show_payload({}, None)
    assert desk.editor.document_name == "Untitled contact"
    view = desk.side.show_directory()
    names_after_typing(qtbot, view, "Bob")
    assert view.open_selected()
    assert desk.editor.document_name == "Bob"
    assert desk.window.windowTitle() == "Bob[*] — Regal Desktop"
    desk.editor.show_payload({"traits": {"phones": {"+15155552355": {}}}}, None)
    assert desk.editor.document_name == "+1 515-555-2355"
    desk.editor.show_payload({"userId": "u-7"}, None)
    assert desk.editor.document_name == "u-7"


def test_long_consent_wording_is_elided_and_shown_whole_on_hover_and_below(
    qtbot: QtBot, desk: Desk
) -> None:
    from regal_desktop.ui.contacts.timeline import TEXT_COLUMN_MAX

    wording = "I agree to receive recurring automated marketing texts from Acme. " * 8
    wording = wording.strip()
    body = jane(True, "2026-11-27T09:00:00-05:00")
    body["traits"]["phones"][JANE_PHONE]["smsOptIn"]["text"] = wording
    send_body(qtbot, desk, body)
    view = desk.side.show_directory()
    view.resize(1000, 640)
    names_after_typing(qtbot, view, "jane")
    timeline = view.timeline
    latest = timeline.model.rowCount() - 1
    assert timeline.model.index(latest, 3).data(Qt.ItemDataRole.ToolTipRole) == wording
    assert timeline.table.columnWidth(3) <= TEXT_COLUMN_MAX
    status_x = timeline.table.columnViewportPosition(8)
    assert 0 <= status_x < timeline.table.viewport().width()  # the status stays in view

    assert timeline.table.currentIndex().row() == latest  # the latest change, in full
    detail = timeline.detail.text()
    assert f"Consent text: {wording}" in detail
    for line in ("IP: 203.0.113.7", "Consent time: 2026-11-27T09:00:00-05:00"):
        assert line in detail
    assert "Source: web form" in detail and "Status: Delivered 20" in detail
    timeline.table.selectRow(0)
    assert "Consent text: Yes, text me offers from Acme." in timeline.detail.text()
