"""Opening, saving, autosave, the close prompt, drag and drop, and start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QTableView
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import ConsentState, body_text
from regal_desktop.ui.editor.contact_points import LABEL
from regal_desktop.ui.editor.draft import left_out
from regal_desktop.ui.shell.build import build_main_window
from regal_desktop.ui.shell.dialogs import SaveChoice
from tests.helpers.desk import Desk
from tests.helpers.dialogs import ScriptedDialogs

JANE = {
    "userId": "u-7",
    "traits": {
        "firstName": "Jane",
        "phones": {
            "+19545582399": {
                "label": "Mobile",
                "isPrimary": True,
                "smsOptIn": {
                    "subscribed": True,
                    "timestamp": "2026-11-25T10:14:03-05:00",
                    "ip": "203.0.113.7",
                    "text": "I agree to receive texts.",
                },
            }
        },
        "emails": {"jane@example.com": {"label": "Personal"}},
        "plan": "Gold",
        "savingsGoal": 25000,
        "vip": True,
    },
    "name": "Consent Updated",
    "properties": {"channel": "web"},
    "eventSource": "crm",
}


def test_open_shows_the_file_and_the_exact_body(tmp_path: Path, desk: Desk) -> None:
    path = tmp_path / "jane.json"
    path.write_text(json.dumps(JANE), encoding="utf-8")
    assert desk.editor.open_path(path)
    assert desk.editor.review.preview.editor.toPlainText() == body_text(JANE)
    assert desk.editor.findChild(QLineEdit, "firstNameEdit").text() == "Jane"
    assert desk.editor.findChild(QTableView, "phonesView").model().rowCount() == 1
    # The primary phone is selected, so its consent shows at once.
    assert desk.editor.form.consent.target == ("phones", 0)
    assert not desk.editor.document.is_modified
    assert desk.dialogs.errors == [] and desk.dialogs.warnings == []
    assert desk.editor.recent.paths() == [path.resolve()]


def test_open_a_legacy_payload_converts_it(tmp_path: Path, desk: Desk) -> None:
    path = tmp_path / "legacy.json"
    legacy = {
        "userId": "u-8",
        "traits": {
            "phone": "+19545582399",
            "optIn": [{"channel": "sms", "subscribed": False, "timestamp": "2026-11-25 10:00 Z"}],
        },
    }
    path.write_text(json.dumps(legacy), encoding="utf-8")
    assert desk.editor.open_path(path)
    phone = desk.editor.document.draft.phones[0]
    assert phone.number == "+19545582399"
    assert phone.sms.state is ConsentState.UNSUBSCRIBED


def test_syntax_error_is_shown_with_its_position(tmp_path: Path, desk: Desk) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "userId": "u-1",\n  "traits": {,}\n}\n', encoding="utf-8")
    assert not desk.editor.open_path(path)
    assert len(desk.dialogs.errors) == 1
    assert f"{path}:3:" in desk.dialogs.errors[0]
    assert "Traceback" not in desk.dialogs.errors[0]


def test_a_file_that_is_not_an_object_is_refused(tmp_path: Path, desk: Desk) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert not desk.editor.open_path(path)
    assert "JSON object" in desk.dialogs.errors[0]


def test_save_writes_the_draft_and_reopening_gives_the_same_body(
    qtbot: QtBot, tmp_path: Path, desk: Desk
) -> None:
    qtbot.keyClicks(desk.editor.findChild(QLineEdit, "userIdEdit"), "u-9")
    desk.dialogs.save_answer = tmp_path / "draft.json"
    assert desk.editor.document.is_modified
    desk.editor.save_action.trigger()
    assert desk.dialogs.asked == ["save as"]
    assert not desk.editor.document.is_modified
    assert json.loads(desk.dialogs.save_answer.read_text(encoding="utf-8")) == {"userId": "u-9"}
    assert desk.window.windowTitle().startswith("draft.json")
    desk.editor.new_contact()
    assert desk.editor.open_path(desk.dialogs.save_answer)
    assert desk.editor.review.preview.text == body_text({"userId": "u-9"})


@pytest.mark.parametrize(
    ("choice", "closes"), [(SaveChoice.CANCEL, False), (SaveChoice.DISCARD, True)]
)
def test_closing_a_modified_contact_asks_first(
    qtbot: QtBot, desk: Desk, choice: SaveChoice, closes: bool
) -> None:
    qtbot.keyClicks(desk.editor.findChild(QLineEdit, "userIdEdit"), "u-1")
    desk.dialogs.save_choice = choice
    assert desk.window.close() is closes
    assert desk.dialogs.asked == ["save u-1"]  # named by its userId, having no name
    assert desk.window.isVisible() is not closes


def test_closing_an_unmodified_contact_does_not_ask(desk: Desk) -> None:
    assert desk.window.close()
    assert desk.dialogs.asked == []


def test_new_contact_cancelled_keeps_the_edits(qtbot: QtBot, desk: Desk) -> None:
    qtbot.keyClicks(desk.editor.findChild(QLineEdit, "userIdEdit"), "u-1")
    desk.dialogs.save_choice = SaveChoice.CANCEL
    desk.editor.new_action.trigger()
    assert desk.editor.document.draft.user_id == "u-1"


def test_autosave_is_offered_back_after_a_crash(
    qtbot: QtBot, desk: Desk, open_desk: Callable[[], Desk]
) -> None:
    qtbot.keyClicks(desk.editor.findChild(QLineEdit, "userIdEdit"), "u-crash")
    desk.editor.autosave_now()
    assert desk.editor.autosave.path.is_file()
    # A new window (the next start) finds the autosave and restores it when asked.
    restored = open_desk()
    restored.dialogs.restore_answer = True
    restored.editor.offer_autosave()
    assert restored.editor.document.draft.user_id == "u-crash"
    assert restored.editor.document.is_modified
    desk.editor.document.mark_saved()


def test_declined_autosave_is_forgotten(desk: Desk) -> None:
    desk.editor.autosave.save({"userId": "old"}, None, desk.editor.context.clock())
    desk.editor.offer_autosave()
    assert desk.dialogs.asked == ["restore"]
    assert not desk.editor.autosave.path.exists()


def test_dropping_a_json_file_opens_it(tmp_path: Path, desk: Desk) -> None:
    path = tmp_path / "dropped.json"
    path.write_text(json.dumps({"userId": "dropped"}), encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    desk.window.dropEvent(event)
    assert desk.editor.document.draft.user_id == "dropped"
    assert desk.editor.path == path


def test_build_main_window_opens_the_file_given(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "given.json"
    path.write_text(json.dumps({"userId": "given"}), encoding="utf-8")
    parts = build_main_window([str(path)], dialogs=ScriptedDialogs())
    qtbot.addWidget(parts.window)
    assert parts.editor.review.preview.text == body_text({"userId": "given"})
    assert parts.window.windowTitle().startswith("given.json")
    parts.app.close()


def test_smoke_start_exits_cleanly_without_output(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from regal_desktop.app import run_gui; sys.exit(run_gui(['--smoke']))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "REGAL_DESKTOP_HOME": str(tmp_path / "home"),
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


def test_window_geometry_is_remembered(
    qtbot: QtBot, desk: Desk, open_desk: Callable[[], Desk]
) -> None:
    desk.window.resize(desk.window.minimumSizeHint().width() + 37, 640)
    qtbot.waitUntil(lambda: desk.window.height() == 640)
    expected = desk.window.size()
    assert desk.window.close()
    again = open_desk()
    assert again.window.size() == expected


def test_label_cells_offer_the_usual_labels(qtbot: QtBot, desk: Desk) -> None:
    row = desk.editor.document.add_row("phones")
    view = desk.editor.findChild(QTableView, "phonesView")
    view.edit(view.model().index(row, LABEL))
    cell = QApplication.focusWidget()
    combo = cell if isinstance(cell, QComboBox) else cell.parent()
    assert isinstance(combo, QComboBox) and combo.isEditable()
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["Mobile", "Home", "Work", "Landline", "Other"]


def test_opening_a_file_names_exactly_the_parts_the_form_left_out(
    tmp_path: Path, desk: Desk
) -> None:
    body = {
        "userId": "u-3",
        "traits": {
            "emails": {
                "jane@example.com": {"isPrimary": True},
                "jane.work@example.com": {"isPrimary": False},
            }
        },
    }
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    assert desk.editor.open_path(path)
    [warning] = desk.dialogs.warnings
    assert warning.endswith("• traits.emails.jane.work@example.com.isPrimary")


def test_left_out_lists_missing_and_changed_leaves_only() -> None:
    before = {"a": 1, "b": {"c": 2, "d": [1]}, "e": "x"}
    after = {"a": 1, "b": {"c": 3, "d": [1]}}
    assert left_out(before, after) == ["b.c", "e"]
    assert left_out(before, before) == []
