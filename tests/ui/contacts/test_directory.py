"""The contact directory: search as you type, open in the editor, the consent timeline."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

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
    assert body["traits"]["phones"][JANE_PHONE]["smsOptIn"]["subscribed"] is False
    assert not editor.document.is_modified
