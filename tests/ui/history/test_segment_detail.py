"""The request detail names a Segment request's route, message ids and batches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import body_text
from regal_desktop.store import NewRequest, open_store
from regal_desktop.store.outbox import AttemptResult, Outcome
from regal_desktop.ui.history.request_detail import RequestDetailDialog

URL = "https://api.segment.io/v1/batch"
EVENT = {
    "userId": "user-1",
    "traits": {"firstName": "Ann"},
    "name": "Loan Application Approved",
}


def dialog_for(qtbot: QtBot, tmp_path: Path, route: str) -> RequestDetailDialog:
    store = open_store(tmp_path / "outbox.sqlite3")
    try:
        [request] = store.outbox.enqueue(
            [NewRequest("seg", URL, "tester", body_text(EVENT), route=route)]
        )
        store.outbox.claim("seg", 1, "me")
        store.outbox.record(
            [
                AttemptResult(request, "s1", "f1", 500, "oops", Outcome.RETRY, 0.0, URL, "b-one"),
            ]
        )
        store.outbox.claim("seg", 1, "me")
        store.outbox.record(
            [
                AttemptResult(
                    request, "s2", "f2", 200, '{"success": true}', Outcome.DELIVERED, 0, URL, "b-2"
                )
            ]
        )
        row, attempts = store.outbox.get(request), store.history.attempts(request)
    finally:
        store.close()
    assert row is not None
    opened: list[dict[str, Any]] = []
    dialog = RequestDetailDialog(row, attempts, opened.append)
    qtbot.addWidget(dialog)
    return dialog


def label(dialog: RequestDetailDialog, name: str) -> str:
    found = dialog.findChild(QLabel, name)
    assert found is not None, name
    return found.text()


def test_a_segment_request_shows_its_route_message_ids_and_batches(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = dialog_for(qtbot, tmp_path, "segment")
    base = dialog.request.message_id
    assert base
    assert label(dialog, "detailRoute").startswith("Segment")
    assert label(dialog, "detailMessageIds") == f"{base}-identify\n{base}-track"
    assert label(dialog, "detailAnswer") == "HTTP 200: success"
    headers = [
        dialog.attempts.horizontalHeaderItem(c).text() for c in range(dialog.attempts.columnCount())
    ]
    assert headers[3:] == ["Segment's answer", "Batch", "Sent to"]
    assert [dialog.attempts.item(r, 4).text() for r in range(2)] == ["b-one", "b-2"]
    assert dialog.attempts.item(1, 5).text() == URL


def test_a_regal_request_shows_its_route_and_no_batch(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, tmp_path, "regal")
    assert label(dialog, "detailRoute").startswith("Regal")
    assert dialog.findChild(QLabel, "detailMessageIds") is None
    assert dialog.attempts.columnCount() == 5
