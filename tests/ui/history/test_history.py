"""The history editor: filters, the detail of a request, and evidence export."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from regal_desktop.domain.check import check
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.ui.history.request_detail import RequestDetailDialog
from regal_desktop.ui.history.window import HistoryView
from tests.helpers.bodies import BOB, JANE_PHONE, jane
from tests.helpers.desk import Desk, send_body


@pytest.fixture
def desk_with_history(
    qtbot: QtBot, open_desk: Callable[[], Desk], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> Desk:
    """Jane opted in to SMS, then out; Bob opted in to voice; all delivered to ``sandbox``."""
    monkeypatch.setenv("REGAL_ENDPOINT", sandbox.url)
    desk = open_desk()
    send_body(qtbot, desk, jane(True, "2026-11-25T09:00:00-05:00"))
    send_body(qtbot, desk, jane(False, "2026-11-26T09:00:00-05:00"))
    send_body(qtbot, desk, BOB)
    assert len(sandbox.received) == 3
    return desk


def column(view: HistoryView, number: int) -> list[str]:
    model = view.model
    return [model.index(row, number).data() for row in range(model.rowCount())]


def test_every_request_is_listed_newest_first_and_filters_narrow_it(
    qtbot: QtBot, qtmodeltester: ModelTester, desk_with_history: Desk
) -> None:
    view = desk_with_history.side.show_history()
    qtmodeltester.check(view.model, force_py=True)
    jane_doe = "Jane Doe · +1 954-558-2399"
    assert column(view, 3) == ["Bob · +1 515-555-2355", jane_doe, jane_doe]
    assert column(view, 4) == [
        "Voice opt-in for +1 515-555-2355; Primary phone becomes +1 515-555-2355",
        "SMS opt-out for +1 954-558-2399",  # the primary phone stays where it was
        "SMS opt-in for +1 954-558-2399; Primary phone becomes +1 954-558-2399",
    ]
    assert set(column(view, 5)) == {"Delivered"}
    assert set(column(view, 6)) == {"HTTP 200: ok"}

    qtbot.keyClicks(view.contact_edit, "(954) 558-2399")
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    view.contact_edit.setText("jane@example.com")  # any identifier of the contact
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    view.contact_edit.clear()
    view.channel_combo.setCurrentIndex(view.channel_combo.findData("voice"))
    assert column(view, 3) == ["Bob · +1 515-555-2355"]
    view.channel_combo.setCurrentIndex(0)
    view.state_combo.setCurrentIndex(view.state_combo.findData("rejected"))
    assert view.model.rowCount() == 0
    view.state_combo.setCurrentIndex(view.state_combo.findData("delivered"))
    assert view.model.rowCount() == 3

    today = date.today()
    view.since_edit.setDate(QDate(today + timedelta(days=1)))
    assert view.model.rowCount() == 0
    view.since_edit.setDate(QDate(today))
    view.until_edit.setDate(QDate(today))
    assert view.model.rowCount() == 3
    view.until_edit.setDate(QDate(today - timedelta(days=1)))
    assert view.model.rowCount() == 0
    assert view.count_label.text() == "0 requests"


def test_detail_shows_the_exact_body_sent_its_hash_and_attempts(
    qtbot: QtBot, desk_with_history: Desk, sandbox: Sandbox
) -> None:
    view = desk_with_history.side.show_history()
    view.table.doubleClicked.emit(view.model.index(1, 0))  # Jane's opt-out
    dialog = view.findChild(RequestDetailDialog, "requestDetailDialog")
    assert dialog is not None and dialog.isVisible()
    sent = sandbox.received[1].body
    assert dialog.body_view.toPlainText() == sent
    assert dialog.body_view.isReadOnly()
    sha = dialog.findChild(QLabel, "detailSha256")
    assert sha.text() == hashlib.sha256(sent.encode("utf-8")).hexdigest()
    assert dialog.attempts.rowCount() == 1
    assert dialog.attempts.item(0, 2).text() == "200"
    assert dialog.attempts.item(0, 3).text() == "HTTP 200: ok"
    assert dialog.attempts.item(0, 4).text() == sandbox.url  # where it actually went

    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    editor = desk_with_history.editor
    # The form now holds that very body (the preview leaves out what Regal holds already).
    assert check(editor.document.to_raw()).text == sent
    assert editor.document.is_modified


def test_export_writes_the_filtered_evidence_as_csv_and_everything_as_json_lines(
    qtbot: QtBot, desk_with_history: Desk, tmp_path: Path
) -> None:
    desk = desk_with_history
    view = desk.side.show_history()
    view.contact_edit.setText(JANE_PHONE)
    view.refresh()
    desk.dialogs.export_path = tmp_path / "jane.csv"
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)

    with (tmp_path / "jane.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    # A "+" starts a spreadsheet formula (CWE-1236): the window's CSV quotes it too.
    assert [(r["point"], r["channel"], r["subscribed"]) for r in rows] == [
        ("'" + JANE_PHONE, "sms", "true"),
        ("'" + JANE_PHONE, "sms", "false"),
    ]
    assert rows[1]["text"] == "Customer replied STOP."
    assert rows[1]["state"] == "delivered" and rows[1]["accepted_at"]
    assert "Exported 2 consent change(s)" in view.count_label.text()

    view.filtered_check.setChecked(False)
    desk.dialogs.export_path = tmp_path / "all.jsonl"
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    lines = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text("utf-8").splitlines()]
    assert [(r["point"], r["channel"], r["subscribed"]) for r in lines] == [
        (JANE_PHONE, "sms", True),
        (JANE_PHONE, "sms", False),
        ("+15155552355", "voice", True),
    ]

    desk.dialogs.export_path = tmp_path / "evidence.txt"
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert not (tmp_path / "evidence.txt").exists()
    assert "end it in .csv or .jsonl" in desk.dialogs.errors[-1]
    assert not list(tmp_path.glob("*.part"))  # nothing half-written left behind


def test_history_names_a_contact_known_only_from_the_directory_and_a_primary_move(
    qtbot: QtBot, desk_with_history: Desk
) -> None:
    moved = jane(True, "2026-11-27T09:00:00-05:00")
    moved["traits"] = {"phones": {"+19545550100": {"isPrimary": True}}, "emails": {}}
    moved["traits"]["emails"] = {"jane@example.com": {}}
    send_body(qtbot, desk_with_history, moved)
    view = desk_with_history.side.show_history()
    # The body names no one: the name comes from the directory.
    assert column(view, 3)[0] == "Jane Doe · +1 954-555-0100"
    assert column(view, 4)[0] == ("Primary phone becomes +1 954-555-0100 (was +1 954-558-2399)")


def test_history_filters_by_import(qtbot: QtBot, desk_with_history: Desk, tmp_path: Path) -> None:
    from regal_desktop.services.clock import local_time
    from tests.helpers.store import request

    store = desk_with_history.parts.app.store
    csv_path = tmp_path / "crm export.csv"
    ids = store.outbox.enqueue(
        [
            request(jane(True, "2026-11-27T09:00:00-05:00"), origin=f"{csv_path}:2"),
            request(BOB, origin=f"{csv_path}:3"),
        ]
    )
    view = desk_with_history.side.show_history()
    assert view.model.rowCount() == 5
    assert view.import_combo.count() == 2  # any, and the one import
    queued = store.outbox.get(ids[0])
    assert queued is not None
    label = f"crm export.csv — {local_time(queued.created_at)}, 2 requests"
    assert view.import_combo.itemText(1) == label

    view.import_combo.setCurrentIndex(1)
    assert sorted(row.id for row in view.model.rows()) == list(ids)
    assert view.count_label.text().startswith("2 requests")
    view.refresh()  # reading again keeps the chosen import
    assert view.import_combo.currentIndex() == 1 and view.model.rowCount() == 2
    view.import_combo.setCurrentIndex(0)
    assert view.model.rowCount() == 5
