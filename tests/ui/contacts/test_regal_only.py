"""Contacts finds a contact only Regal's events mention, marked "known from Regal", and
opens what those events say of it in the editor."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import ConsentState
from tests.helpers.desk import Desk
from tests.helpers.regal import regal_event

NUMBER = "+13055550100"


def _search(qtbot: QtBot, desk: Desk, text: str) -> list[list[str]]:
    view = desk.side.show_directory()
    view.search_edit.setText(text)
    view.search()
    model = view.model
    return [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]


def test_a_contact_only_regal_reported_is_found_marked_and_opened(qtbot: QtBot, desk: Desk) -> None:
    assert _search(qtbot, desk, "(305) 555-0100") == []
    desk.parts.app.store.events.add(
        [regal_event(NUMBER, False, "2026-11-21T09:30:00Z", user_id="r-9")], "test"
    )
    for typed in ("(305) 555-0100", "r-9"):
        assert _search(qtbot, desk, typed) == [["(known from Regal)", "+1 305-555-0100", "r-9"]], (
            typed
        )
    view = desk.side.show_directory()
    assert view.count_label.text() == "1 found"
    tip = view.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Only Regal's events mention this contact" in tip
    assert view.timeline.point_combo.currentData() == NUMBER
    assert view.open_selected()
    body = desk.editor.checked.body
    assert body["userId"] == "r-9"
    assert NUMBER in body["traits"]["phones"]
    assert desk.editor.document.rows("phones")[0].sms.state is ConsentState.UNSUBSCRIBED


def test_without_events_a_search_finds_only_the_directory(qtbot: QtBot, desk: Desk) -> None:
    assert _search(qtbot, desk, "r-9") == []
    assert desk.side.show_directory().count_label.text() == "No contact matches “r-9”."
