"""Opening, saving, autosave, the close prompt, drag and drop, and start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QTableView
from pytestqt.qtbot import QtBot

from regal_desktop.app import build_main_window
from regal_desktop.domain.model import ConsentState, body_text
from regal_desktop.ui.editor.contact_points import LABEL
from regal_desktop.ui.shell.dialogs import SaveChoice
from regal_desktop.ui.shell.window import MainWindow
from tests.helpers.editor import ScriptedPrompts

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


def test_open_shows_the_file_and_the_exact_body(
    tmp_path: Path, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    path = tmp_path / "jane.json"
    path.write_text(json.dumps(JANE), encoding="utf-8")
    assert window.open_path(path)
    assert window.review.preview.editor.toPlainText() == body_text(JANE)
    assert window.findChild(QLineEdit, "firstNameEdit").text() == "Jane"
    assert window.findChild(QTableView, "phonesView").model().rowCount() == 1
    # The primary phone is selected, so its consent shows at once.
    assert window.form.consent.target == ("phones", 0)
    assert not window.document.is_modified
    assert prompts.errors == [] and prompts.warnings == []
    assert window.recent.paths() == [path.resolve()]


def test_open_a_legacy_payload_converts_it(tmp_path: Path, window: MainWindow) -> None:
    path = tmp_path / "legacy.json"
    legacy = {
        "userId": "u-8",
        "traits": {
            "phone": "+19545582399",
            "optIn": [{"channel": "sms", "subscribed": False, "timestamp": "2026-11-25 10:00 Z"}],
        },
    }
    path.write_text(json.dumps(legacy), encoding="utf-8")
    assert window.open_path(path)
    phone = window.document.draft.phones[0]
    assert phone.number == "+19545582399"
    assert phone.sms.state is ConsentState.UNSUBSCRIBED


def test_syntax_error_is_shown_with_its_position(
    tmp_path: Path, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "userId": "u-1",\n  "traits": {,}\n}\n', encoding="utf-8")
    assert not window.open_path(path)
    assert len(prompts.errors) == 1
    assert f"{path}:3:" in prompts.errors[0]
    assert "Traceback" not in prompts.errors[0]


def test_a_file_that_is_not_an_object_is_refused(
    tmp_path: Path, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert not window.open_path(path)
    assert "JSON object" in prompts.errors[0]


def test_save_writes_the_draft_and_reopening_gives_the_same_body(
    qtbot: QtBot, tmp_path: Path, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    qtbot.keyClicks(window.findChild(QLineEdit, "userIdEdit"), "u-9")
    prompts.save_answer = tmp_path / "draft.json"
    assert window.document.is_modified
    window.save_action.trigger()
    assert prompts.asked == ["save as"]
    assert not window.document.is_modified
    assert json.loads(prompts.save_answer.read_text(encoding="utf-8")) == {"userId": "u-9"}
    assert window.windowTitle().startswith("draft.json")
    window.new_contact()
    assert window.open_path(prompts.save_answer)
    assert window.review.preview.text == body_text({"userId": "u-9"})


@pytest.mark.parametrize(
    ("choice", "closes"), [(SaveChoice.CANCEL, False), (SaveChoice.DISCARD, True)]
)
def test_closing_a_modified_contact_asks_first(
    qtbot: QtBot, window: MainWindow, prompts: ScriptedPrompts, choice: SaveChoice, closes: bool
) -> None:
    qtbot.keyClicks(window.findChild(QLineEdit, "userIdEdit"), "u-1")
    prompts.save_choice = choice
    assert window.close() is closes
    assert prompts.asked == ["save Untitled contact"]
    assert window.isVisible() is not closes


def test_closing_an_unmodified_contact_does_not_ask(
    window: MainWindow, prompts: ScriptedPrompts
) -> None:
    assert window.close()
    assert prompts.asked == []


def test_new_contact_cancelled_keeps_the_edits(
    qtbot: QtBot, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    qtbot.keyClicks(window.findChild(QLineEdit, "userIdEdit"), "u-1")
    prompts.save_choice = SaveChoice.CANCEL
    window.new_action.trigger()
    assert window.document.draft.user_id == "u-1"


def test_autosave_is_offered_back_after_a_crash(
    qtbot: QtBot, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    qtbot.keyClicks(window.findChild(QLineEdit, "userIdEdit"), "u-crash")
    window.autosave_now()
    assert window.autosave.path.is_file()
    # A new window (the next start) finds the autosave and restores it when asked.
    restored = MainWindow(window.context, templates=[])
    qtbot.addWidget(restored)
    prompts.restore_answer = True
    restored.offer_autosave()
    assert restored.document.draft.user_id == "u-crash"
    assert restored.document.is_modified
    window.document.mark_saved()


def test_declined_autosave_is_forgotten(window: MainWindow, prompts: ScriptedPrompts) -> None:
    window.autosave.save({"userId": "old"}, None, window.context.clock())
    window.offer_autosave()
    assert prompts.asked == ["restore"]
    assert not window.autosave.path.exists()


def test_dropping_a_json_file_opens_it(tmp_path: Path, window: MainWindow) -> None:
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
    window.dropEvent(event)
    assert window.document.draft.user_id == "dropped"
    assert window.path == path


def test_build_main_window_opens_the_file_given(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "given.json"
    path.write_text(json.dumps({"userId": "given"}), encoding="utf-8")
    window = build_main_window([str(path)])
    qtbot.addWidget(window)
    assert window.review.preview.text == body_text({"userId": "given"})
    window.context.app.close()


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


def test_window_geometry_is_remembered(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(window.minimumSizeHint().width() + 37, 640)
    qtbot.waitUntil(lambda: window.height() == 640)
    expected = window.size()
    assert window.close()
    again = MainWindow(window.context, templates=[])
    qtbot.addWidget(again)
    assert again.size() == expected


def test_label_cells_offer_the_usual_labels(qtbot: QtBot, window: MainWindow) -> None:
    row = window.document.add_row("phones")
    view = window.findChild(QTableView, "phonesView")
    view.edit(view.model().index(row, LABEL))
    editor = QApplication.focusWidget()
    combo = editor if isinstance(editor, QComboBox) else editor.parent()
    assert isinstance(combo, QComboBox) and combo.isEditable()
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["Mobile", "Home", "Work", "Landline", "Other"]
