"""The import wizard: mapping, the preview of good and rejected rows, and sending them
to a real loopback Sandbox with pause, resume and cancel."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from regal_desktop.sandbox.server import Sandbox
from regal_desktop.ui.csv_import.send import RunState, Speed, time_left
from regal_desktop.ui.csv_import.wizard import ImportWizard
from tests.helpers.desk import Desk, add_profile

GOOD = 40
#: Lines 2.. hold good rows; these three (their line numbers) are wrong.
BAD_LINES = {
    GOOD + 2: ("555-12", "subscribed", "Short", "gold", ""),
    GOOD + 3: ("+19545589999", "maybe", "Maybe", "gold", ""),
    GOOD + 4: ("+19545588888", "subscribed"),
}


def good_phone(number: int) -> str:
    return f"+1954558{1000 + number:04d}"


@pytest.fixture
def crm_file(tmp_path: Path) -> Path:
    """A CRM export with GOOD good rows, then three bad ones."""
    path = tmp_path / "crm.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Phone Number", "SMS consent", "First", "Plan", "Notes"])
        for number in range(GOOD):
            writer.writerow([good_phone(number), "subscribed", f"Ann{number}", "gold", "x"])
        for cells in BAD_LINES.values():
            writer.writerow(cells)
    return path


def map_and_preview(qtbot: QtBot, desk: Desk, path: Path) -> ImportWizard:
    """Choose ``path``, map its columns, and wait for the preview."""
    wizard = desk.side.show_import()
    desk.dialogs.import_path = path
    qtbot.mouseClick(wizard.file_page.browse_button, Qt.MouseButton.LeftButton)
    assert wizard.file_page.path_edit.text() == str(path)
    wizard.next()
    page = wizard.mapping_page
    assert wizard.currentPage() is page
    assert [page.target_combo(row).currentData() for row in range(5)] == [
        "phone",  # guessed from "Phone Number"
        "smsOptIn",  # guessed from "SMS consent"
        "firstName",  # guessed from "First"
        "ignore",
        "ignore",
    ]
    page.set_target(1, "phone")
    wizard.next()  # two columns fill phone: stays, and says why
    assert wizard.currentPage() is page
    assert "both fill phone" in page.error.text()
    page.set_target(1, "smsOptIn")
    page.set_target(3, "trait:plan")
    page.default_edits["optInText"].setText("Yes, text me offers from Acme.")
    page.default_edits["optInTimestamp"].setText("2026-11-25T09:00:00-05:00")
    page.default_edits["optInIp"].setText("203.0.113.7")
    wizard.next()
    preview = wizard.preview_page
    qtbot.waitUntil(preview.isComplete, timeout=10_000)
    return wizard


def test_preview_lists_bad_rows_with_lines_and_reasons_and_queues_nothing(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    open_desk: Callable[[], Desk],
    crm_file: Path,
    tmp_path: Path,
) -> None:
    desk = open_desk()
    wizard = map_and_preview(qtbot, desk, crm_file)
    preview = wizard.preview_page
    qtmodeltester.check(preview.rejected, force_py=True)
    lines = [preview.rejected.index(row, 0).data() for row in range(preview.rejected.rowCount())]
    reasons = [preview.rejected.index(row, 1).data() for row in range(3)]
    assert lines == [str(line) for line in BAD_LINES]
    assert "555-12" in reasons[0]
    assert '"maybe" is not a consent value' in reasons[1]
    assert "the row has 2 cells but the header has 5 columns" in reasons[2]
    assert f"{GOOD} good" in preview.summary.text() and "3 rejected" in preview.summary.text()
    assert 'Ignored (not sent): column "Notes".' in preview.summary.text()
    assert "no column is mapped" not in preview.summary.text()
    first = json.loads(preview.bodies.toPlainText().split("\n", 1)[1].split("\n\n")[0])
    assert first["traits"]["plan"] == "gold"
    assert first["traits"]["phones"][good_phone(0)]["smsOptIn"]["text"] == (
        "Yes, text me offers from Acme."
    )
    assert wizard.button(wizard.WizardButton.CommitButton).text() == f"Send {GOOD} rows"

    desk.dialogs.rejected_path = tmp_path / "rejected.csv"
    qtbot.mouseClick(preview.save_rejected_button, Qt.MouseButton.LeftButton)
    with (tmp_path / "rejected.csv").open(encoding="utf-8", newline="") as stream:
        saved = list(csv.DictReader(stream))
    assert [row["line"] for row in saved] == [str(line) for line in BAD_LINES]
    assert saved[1]["reason"] == reasons[1]
    assert desk.parts.app.store.outbox.counts()["queued"] == 0


def test_good_rows_arrive_exactly_once_across_a_pause(
    qtbot: QtBot,
    open_desk: Callable[[], Desk],
    slow_sandbox: Sandbox,
    crm_file: Path,
) -> None:
    add_profile("local", slow_sandbox.url, rate=10)
    desk = open_desk()
    desk.controller.set_account("local")
    wizard = map_and_preview(qtbot, desk, crm_file)
    wizard.next()  # Send: queue the good rows and deliver them
    page = wizard.send_page
    assert wizard.currentPage() is page
    run = page.run
    assert run is not None and len(run.ids) == GOOD
    qtbot.waitUntil(lambda: run.done >= 5, timeout=10_000)

    with qtbot.waitSignal(desk.controller.stopped, timeout=10_000) as stopped:
        qtbot.mouseClick(page.pause_button, Qt.MouseButton.LeftButton)
    # ``stopped``: the delivery thread has ended, after recording the requests in flight.
    assert stopped.args == ["local"] and run.state is RunState.PAUSED
    assert not desk.controller.is_running()
    arrived = len(slow_sandbox.received)
    assert 0 < arrived < GOOD
    counts = desk.parts.app.store.outbox.counts("local")
    assert (counts["delivered"], counts["sending"]) == (arrived, 0)
    assert counts["queued"] == GOOD - arrived  # nothing goes out while paused
    assert page.resume_button.isEnabled() and not page.pause_button.isEnabled()

    qtbot.mouseClick(page.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: run.state is RunState.DONE, timeout=15_000)
    phones = [next(iter(json.loads(r.body)["traits"]["phones"])) for r in slow_sandbox.received]
    assert sorted(phones) == sorted(good_phone(n) for n in range(GOOD))
    assert run.delivered == GOOD and page.bar.value() == GOOD
    assert page.isComplete()
    assert desk.parts.app.store.outbox.counts("local")["delivered"] == GOOD


def test_cancel_drops_the_unsent_rows_and_keeps_them_in_the_history(
    qtbot: QtBot,
    open_desk: Callable[[], Desk],
    slow_sandbox: Sandbox,
    crm_file: Path,
) -> None:
    add_profile("local", slow_sandbox.url, rate=20)
    desk = open_desk()
    desk.controller.set_account("local")
    wizard = map_and_preview(qtbot, desk, crm_file)
    wizard.next()
    page = wizard.send_page
    run = page.run
    assert run is not None
    assert page.rejected.text() == (
        "3 rows of the file rejected by the check (not sent): not saved yet."
    )
    saved = crm_file.with_name("later-rejected.csv")
    desk.dialogs.rejected_path = saved
    qtbot.mouseClick(page.save_rejected_button, Qt.MouseButton.LeftButton)
    with saved.open(encoding="utf-8", newline="") as stream:
        assert [row["line"] for row in csv.DictReader(stream)] == [str(n) for n in BAD_LINES]
    assert page.rejected.text() == (
        f"3 rows of the file rejected by the check (not sent): saved to {saved}."
    )
    qtbot.waitUntil(lambda: run.done >= 3, timeout=10_000)
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: run.state is RunState.CANCELLED, timeout=10_000)

    counts = desk.parts.app.store.outbox.counts("local")
    assert counts["queued"] == counts["sending"] == 0
    assert counts["delivered"] == len(slow_sandbox.received) < GOOD
    assert counts["dropped"] == run.dropped == GOOD - counts["delivered"]
    history = desk.parts.app.store.history
    assert len(history.search(states=["dropped"])) == run.dropped
    assert "Cancelled" in page.status.text()


def test_production_asks_first_and_a_no_queues_nothing(
    qtbot: QtBot, open_desk: Callable[[], Desk], crm_file: Path
) -> None:
    add_profile("acme", "https://events.regalvoice.com/events", key="test-key")
    desk = open_desk()
    desk.controller.set_account("acme")
    wizard = map_and_preview(qtbot, desk, crm_file)
    wizard.next()
    (asked,) = desk.dialogs.confirmations
    assert asked.production and asked.profile == "acme"
    assert asked.contact == f"{GOOD} contacts from crm.csv"
    assert asked.changes == (f"{GOOD} consent changes (opt-ins and opt-outs)",)
    assert wizard.currentPage() is wizard.preview_page
    assert desk.parts.app.store.outbox.counts()["queued"] == 0


def test_a_saved_mapping_is_offered_for_the_next_file(
    qtbot: QtBot, open_desk: Callable[[], Desk], crm_file: Path
) -> None:
    desk = open_desk()
    wizard = map_and_preview(qtbot, desk, crm_file)
    wizard.back()
    desk.dialogs.mapping_name = "CRM export"
    qtbot.mouseClick(wizard.mapping_page.save_button, Qt.MouseButton.LeftButton)
    wizard.close()

    again = desk.side.show_import()
    assert again is not wizard
    again.file_page.path_edit.setText(str(crm_file))
    again.next()
    page = again.mapping_page
    assert page.target_combo(3).currentData() == "ignore"
    assert page.saved_combo.currentText() == "CRM export"
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    assert page.target_combo(1).currentData() == "smsOptIn"
    assert page.trait_edit(3).text() == "plan" and page.trait_edit(3).isEnabled()
    assert page.default_edits["optInIp"].text() == "203.0.113.7"


def test_time_left_reads_like_a_person_would_say_it() -> None:
    assert time_left(0, 100.0) == ""
    assert time_left(10, 0.0) == "estimating time left…"
    assert time_left(10, 100.0) == "about 1 s left"
    assert time_left(29_000, 290.0) == "about 1 min 40 s left"
    assert time_left(2_000_000, 290.0) == "about 1 h 54 min left"


def test_speed_is_measured_over_the_recent_past() -> None:
    speed = Speed()
    assert speed.note(0, now=100.0) == 0.0
    assert speed.note(300, now=101.0) == 300.0
    assert speed.note(3_300, now=111.0) == pytest.approx(300.0)  # 3,000 in the last 10 s
    speed.restart()
    assert speed.note(3_300, now=200.0) == 0.0


def test_the_check_page_warns_when_no_phone_or_consent_is_mapped(
    qtbot: QtBot, open_desk: Callable[[], Desk], tmp_path: Path
) -> None:
    desk = open_desk()
    path = tmp_path / "names.csv"
    path.write_text("Customer ID,First Name,Notes\nc-1,Ann,x\n", encoding="utf-8")
    wizard = desk.side.show_import()
    desk.dialogs.import_path = path
    qtbot.mouseClick(wizard.file_page.browse_button, Qt.MouseButton.LeftButton)
    wizard.next()
    page = wizard.mapping_page
    assert [page.target_combo(row).currentData() for row in range(3)] == [
        "userId",
        "firstName",
        "ignore",
    ]
    wizard.next()
    preview = wizard.preview_page
    qtbot.waitUntil(lambda: preview.state.plan is not None, timeout=10_000)
    summary = preview.summary.text()
    assert 'Ignored (not sent): column "Notes".' in summary
    assert "Warning: no column is mapped to phone or email" in summary
    assert "Warning: no column is mapped to a consent" in summary


def test_the_check_page_says_what_the_warnings_are(
    qtbot: QtBot, open_desk: Callable[[], Desk]
) -> None:
    desk = open_desk()
    wizard = desk.side.show_import()
    desk.dialogs.import_path = Path(__file__).parents[2] / "data" / "csv" / "stop-list.csv"
    qtbot.mouseClick(wizard.file_page.browse_button, Qt.MouseButton.LeftButton)
    wizard.next()
    wizard.next()
    preview = wizard.preview_page
    qtbot.waitUntil(preview.isComplete, timeout=10_000)
    assert "3 good (3 with warnings)" in preview.summary.text()
    shown = preview.warnings.text().splitlines()
    assert shown[0] == "The warnings (the rows are still sent):"
    # In the user's words, without JSON paths; writing a number in E.164 is no warning.
    assert shown[1] == (
        "• 3 × Phone +1 954-558-2399, SMS consent: opt-out (no more SMS to this number) "
        "(lines 2, 3, 5)"
    )
    assert shown[2] == (
        "• 3 × Phone +1 954-558-2399, SMS consent: time is missing, so the record cannot show "
        "when consent was withdrawn (lines 2, 3, 5)"
    )
    assert "will be sent as" not in preview.warnings.text()
