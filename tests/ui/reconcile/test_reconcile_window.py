"""Regal's side in the window: File → Import Regal events…, the Reconcile view, Regal's
events in the consent timeline, and the editor's baseline from Regal's newer state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import Channel
from regal_desktop.domain.reconcile import Status
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.ui.contacts.timeline import TimelineView
from regal_desktop.ui.reconcile.timeline_rows import RegalEntry
from regal_desktop.ui.review.profile import profile_html
from tests.helpers.bodies import BOB, JANE_PHONE, jane
from tests.helpers.desk import Desk, send_body
from tests.ui.shell.test_accessibility import assert_named

BOB_PHONE = "+15155552355"


def _event(number: str, subscribed: bool, when: str, ident: str, channel: str = "SMS") -> str:
    return json.dumps(
        {
            "type": "track",
            "messageId": ident,
            "event": "contact.subscribed" if subscribed else "contact.unsubscribed",
            "userId": "u-1" if number == JANE_PHONE else None,
            "properties": {
                "phone": number,
                "channel": channel,
                "source": "regalvoice.sms" if channel == "SMS" else "regalvoice.agent_desktop",
                "timestamp": when,
            },
        }
    )


def _import(qtbot: QtBot, desk: Desk, path: Path) -> None:
    """File → Import Regal events… with ``path`` chosen; wait until it is done."""
    desk.dialogs.events_path = path
    regal = desk.side.regal
    regal.import_action.trigger()
    assert regal.worker is not None
    qtbot.waitUntil(lambda: regal.worker is None, timeout=10_000)


@pytest.fixture
def sent(qtbot: QtBot, desk: Desk, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Desk:
    """Jane opted in to SMS and Bob to voice, delivered to the loopback receiver."""
    monkeypatch.setenv("REGAL_ENDPOINT", sandbox.url)
    send_body(qtbot, desk, jane(True, "2026-11-25T09:00:00-05:00"))
    send_body(qtbot, desk, BOB)
    return desk


def test_import_events_from_the_file_menu_lists_rejected_lines(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    lines = [
        _event(JANE_PHONE, False, "2026-11-26T10:00:00Z", "m1"),
        _event("+13055550100", False, "2026-11-26T10:00:00Z", "m2"),
        '{"type": "track", "event": "contact.unsubscribed"',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert desk.side.regal.import_action in desk.window.file_menu.actions()
    _import(qtbot, desk, path)
    assert desk.dialogs.asked[-1] == "events file"
    assert desk.parts.app.store.events.count() == 2
    assert "events.jsonl: 2 events stored, 0 already known, 1 rejected" in desk.status()
    (warning,) = desk.dialogs.warnings
    assert f"{path}:3: " in warning
    # The same file again: nothing new, the bad line said again.
    _import(qtbot, desk, path)
    assert desk.parts.app.store.events.count() == 2
    assert "0 events stored, 2 already known, 1 rejected" in desk.status()


def test_an_unreadable_events_file_is_an_error_message(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.json"
    _import(qtbot, desk, missing)
    (error,) = desk.dialogs.errors
    assert "missing.json" in error
    desk.dialogs.events_path = None
    assert desk.side.regal.import_events() is None  # cancelled: nothing asked of the store


def test_the_editor_baseline_and_profile_take_regals_newer_stop(
    qtbot: QtBot, sent: Desk, tmp_path: Path
) -> None:
    desk = sent
    desk.editor.show_payload(jane(True, "2026-11-25T09:00:00-05:00"), None)
    assert desk.editor.known is not None
    phone = desk.editor.known["traits"]["phones"][JANE_PHONE]
    assert phone["smsOptIn"]["subscribed"] is True
    path = tmp_path / "stop.jsonl"
    path.write_text(_event(JANE_PHONE, False, "2026-11-26T10:00:00Z", "m1") + "\n")
    _import(qtbot, desk, path)
    # The import told every view: the editor looked Jane up again, with Regal's STOP.
    assert desk.editor.known is not None
    phone = desk.editor.known["traits"]["phones"][JANE_PHONE]
    assert phone["smsOptIn"] == {
        "subscribed": False,
        "timestamp": "2026-11-26T10:00:00.000Z",
        "source": "regalvoice.sms",
    }
    # The consent panel says where each known state comes from.
    panel = desk.editor.form.consent
    panel.set_target("phones", 0)
    assert panel.editors[Channel.SMS].known_label.text().endswith(", Regal (regalvoice.sms)")
    # "Profile after send" of a name change: Regal's STOP stays, with its time and source.
    html = profile_html(desk.editor.known, {"traits": {"lastName": "Roe"}}, QPalette())
    assert "what Regal reported" in html
    assert "Unsubscribed<br><small>2026-11-26 " in html and "· regalvoice.sms</small>" in html


def test_reconcile_view_lists_problems_first_and_filters_by_status(
    qtbot: QtBot, sent: Desk, tmp_path: Path
) -> None:
    desk = sent
    path = tmp_path / "events.jsonl"
    events = [
        _event(JANE_PHONE, True, "2026-11-25T14:00:00Z", "m1"),
        _event(JANE_PHONE, False, "2026-11-26T10:00:00Z", "m2"),
        _event("+13055550100", False, "2026-11-26T11:00:00Z", "m3"),
    ]
    path.write_text("\n".join(events) + "\n", encoding="utf-8")
    _import(qtbot, desk, path)
    desk.side.regal.reconcile_action.trigger()
    view = desk.side.regal.view
    assert view is not None and view.isVisible()
    qtbot.waitUntil(lambda: not view.is_reading(), timeout=10_000)
    ModelTester(qtbot).check(view.model)
    statuses = [line.status for line in view.model.rows()]
    assert statuses == [Status.CHANGED_IN_REGAL, Status.NOT_CONFIRMED, Status.REGAL_ONLY]
    first = [view.model.index(0, column).data() for column in range(5)]
    assert first[0] == "⚠ Changed in Regal"
    assert first[1:3] == ["+1 954-558-2399", "SMS"]
    assert first[3].startswith("Opt-in ") and first[4].startswith("Opt-out ")
    assert first[4].endswith("· regalvoice.sms")
    assert view.model.index(1, 4).data().startswith("Nothing yet (waiting ")
    assert "1 need a look" in view.count_label.text()
    assert "Regal reported contact.unsubscribed" in view.detail.text()
    view.filter_combo.setCurrentIndex(view.filter_combo.findData(Status.REGAL_ONLY.value))
    assert [line.point for line in view.model.rows()] == ["+13055550100"]
    view.filter_combo.setCurrentIndex(view.filter_combo.findData("problems"))
    assert [line.status for line in view.model.rows()] == [Status.CHANGED_IN_REGAL]
    # Bob's voice opt-in confirmed by Regal: the open view reads again after an import.
    view.filter_combo.setCurrentIndex(0)
    later = tmp_path / "bob.jsonl"
    later.write_text(_event(BOB_PHONE, True, "2026-11-25T10:00:00Z", "m4", "voice") + "\n")
    _import(qtbot, desk, later)
    qtbot.waitUntil(lambda: not view.is_reading(), timeout=10_000)
    assert Status.CONFIRMED in [line.status for line in view.model.rows()]
    assert Status.NOT_CONFIRMED not in [line.status for line in view.model.rows()]


def test_the_timeline_shows_regals_events_marked_regal(
    qtbot: QtBot, sent: Desk, tmp_path: Path
) -> None:
    desk = sent
    path = tmp_path / "stop.jsonl"
    path.write_text(_event(JANE_PHONE, False, "2026-11-26T10:00:00Z", "m1") + "\n")
    _import(qtbot, desk, path)
    timeline = TimelineView(desk.parts.app.store)
    qtbot.addWidget(timeline)
    timeline.set_points((JANE_PHONE,), ())
    rows = timeline.model.rows()
    assert len(rows) == 2 and isinstance(rows[1], RegalEntry)
    regal = [timeline.model.index(1, column).data() for column in range(9)]
    assert regal[2] == "Opt-out (Regal)" and regal[6] == "regalvoice.sms"
    assert regal[7] == "Regal" and regal[8].startswith("Reported by Regal")
    assert timeline.model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert timeline.summary.text() == "1 change, and 1 event reported by Regal, oldest first"
    assert "reported by Regal" in timeline.detail.text()  # the latest row, in full


def test_the_reconcile_view_names_every_focusable_widget(qtbot: QtBot, desk: Desk) -> None:
    view = desk.side.regal.show_reconcile()
    qtbot.waitUntil(lambda: not view.is_reading(), timeout=10_000)
    assert_named(view)
    assert desk.side.regal.reconcile_action in desk.window.view_menu.actions()
    assert "Nothing to reconcile yet" in view.count_label.text()
    assert view.model.rowCount() == 0 and not view.detail.isVisible()
