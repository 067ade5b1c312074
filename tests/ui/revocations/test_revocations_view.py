"""The Revocations view: opened from the View menu, overdue first and marked in words,
read again when the history changes; retired points marked in Contacts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction, QFont
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from regal_desktop.store import AttemptResult, Outcome, Store
from regal_desktop.ui.revocations.window import COLUMNS, RevocationsView
from tests.helpers.desk import FIXED_NOW, Desk, send_body
from tests.helpers.store import request

PHONE, OTHER, THIRD = "+19545582399", "+19545550100", "+19545550177"


def opt_out(number: str, timestamp: str, channel: str = "sms") -> dict[str, Any]:
    return {
        "traits": {
            "phones": {number: {f"{channel}OptIn": {"subscribed": False, "timestamp": timestamp}}}
        }
    }


def queue(store: Store, body: dict[str, Any], outcome: Outcome | None, at: str) -> int:
    """Queue ``body`` at ``at`` and settle it with ``outcome`` (None: leave it queued)."""
    (request_id,) = store.outbox.enqueue([request(body, profile="test")])
    store.conn.execute("UPDATE requests SET created_at = ? WHERE id = ?", (at, request_id))
    if outcome is not None:
        store.outbox.claim("test", 1, "host:1")
        status = 200 if outcome is Outcome.DELIVERED else 400
        store.outbox.record([AttemptResult(request_id, at, at, status, "answer", outcome)])
    return request_id


def view_action(desk: Desk) -> QAction:
    found = [a for a in desk.window.view_menu.actions() if a.objectName() == "revocationsAction"]
    assert len(found) == 1
    return found[0]


def texts(view: RevocationsView, column: str) -> list[str]:
    index = COLUMNS.index(column)
    model = view.model
    return [model.data(model.index(row, index)) for row in range(model.rowCount())]


def test_overdue_first_then_oldest_received_and_marked_in_words(qtbot: QtBot, desk: Desk) -> None:
    store = desk.parts.app.store
    # FIXED_NOW is Wednesday 25 November 2026.
    queue(store, opt_out(OTHER, "2026-11-20T10:00:00Z"), None, "2026-11-20T10:05:00.000Z")
    queue(
        store, opt_out(PHONE, "2026-11-02T15:00:00Z"), Outcome.REJECTED, "2026-11-02T15:05:00.000Z"
    )
    queue(
        store, opt_out(THIRD, "2026-10-01T09:00:00Z"), Outcome.DELIVERED, "2026-10-01T09:05:00.000Z"
    )
    view_action(desk).trigger()
    view = desk.side.revocations
    assert view is not None and view.isVisible()
    assert view.windowTitle() == "Revocations — Regal Desktop"
    assert texts(view, "Number or address") == [
        "+1 954-558-2399",  # overdue
        "+1 954-555-0177",  # then the oldest received
        "+1 954-555-0100",
    ]
    assert texts(view, "Status") == ["⚠ Overdue", "Accepted", "Waiting for Regal"]
    assert texts(view, "Accepted by Regal")[0] == "not yet"
    assert texts(view, "Business days") == ["17", "0", "3"]
    assert texts(view, "Due by (UTC day)")[0] == "2026-11-16"
    model = view.model
    font = model.data(model.index(0, 0), Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()  # not by colour alone
    assert model.data(model.index(1, 0), Qt.ItemDataRole.FontRole) is None
    assert "has passed" in (model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) or "")
    assert "3 opt-outs recorded; 1 overdue" in view.count_label.text()
    view.overdue_box.setChecked(True)
    assert texts(view, "Number or address") == ["+1 954-558-2399"]


def test_the_clock_decides_what_is_overdue(qtbot: QtBot, desk: Desk) -> None:
    store = desk.parts.app.store
    queue(
        store, opt_out(PHONE, "2026-11-02T15:00:00Z"), Outcome.REJECTED, "2026-11-02T15:05:00.000Z"
    )
    view = RevocationsView(store, lambda: datetime.fromisoformat("2026-11-16T23:00:00+00:00"))
    qtbot.addWidget(view)
    assert texts(view, "Status") == ["Waiting for Regal"]
    assert texts(view, "Business days") == ["10"]
    assert "none overdue" in view.count_label.text()


def test_a_send_from_the_window_shows_in_the_open_view(qtbot: QtBot, desk: Desk) -> None:
    view = desk.side.show_revocations()
    assert view.model.rowCount() == 0
    assert view.count_label.text() == "No opt-outs recorded yet."
    body = opt_out(PHONE, FIXED_NOW.isoformat(), "voice")
    send_body(qtbot, desk, body)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5_000)
    qtbot.waitUntil(lambda: texts(view, "Status") == ["Accepted"], timeout=5_000)
    assert texts(view, "Channel") == ["Voice"]


def test_contacts_mark_a_retired_number(qtbot: QtBot, desk: Desk) -> None:
    store = desk.parts.app.store
    contact = {"userId": "7", "traits": {"firstName": "Ann", "phones": {PHONE: {}, OTHER: {}}}}
    queue(store, contact, Outcome.DELIVERED, "2026-11-20T10:00:00.000Z")
    retired = queue(
        store, opt_out(PHONE, "2026-11-21T10:00:00Z"), Outcome.DELIVERED, "2026-11-21T10:00:00.000Z"
    )
    store.revocations.retire(f"phone:{PHONE}", retired, "reassigned", "2026-11-21T10:00:00.000Z")
    directory = desk.side.show_directory()
    phones = directory.model.data(directory.model.index(0, 3))
    assert phones == "+1 954-558-2399 (retired), +1 954-555-0100"


def test_every_focusable_widget_has_a_spoken_name(qtbot: QtBot, desk: Desk) -> None:
    view = desk.side.show_revocations()
    unnamed = []
    for widget in [view, *view.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        if interface is None or not interface.text(QAccessible.Text.Name).strip():
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert unnamed == []
