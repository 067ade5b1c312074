"""History, the consent timeline and the findings list count consent changes only: a
restatement of the known state is said as such, and information is no warning."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from regal_desktop.domain.check import check
from regal_desktop.domain.findings import Level
from regal_desktop.store import AttemptResult, Outcome, Store
from regal_desktop.store.requests import EVERY_CHANGE, ChangeNote
from regal_desktop.ui.review.findings import FindingsView, finding_text
from regal_desktop.ui.review.pane import findings_summary
from tests.helpers.bodies import JANE_PHONE, jane
from tests.helpers.desk import Desk
from tests.helpers.store import request


def _deliver_all(store: Store) -> None:
    for claimed in store.outbox.claim("production", 100, "host:1"):
        store.outbox.record(
            [
                AttemptResult(
                    claimed.id,
                    "2026-11-25T14:00:01.000Z",
                    "2026-11-25T14:00:02.000Z",
                    200,
                    "ok",
                    Outcome.DELIVERED,
                )
            ]
        )


def _opted_in_then_restated(desk: Desk) -> None:
    """Jane's SMS opt-in delivered, then the same opt-in restated with a reason."""
    store = desk.parts.app.store
    body = check(jane(True, "2026-11-25T09:00:00-05:00")).body
    store.outbox.enqueue([request(body)])
    _deliver_all(store)
    note = {EVERY_CHANGE: ChangeNote(reason="customer confirmed on a call", proof="rec-42")}
    store.outbox.enqueue([request(body, notes=note)])


def test_history_says_restatement_and_the_timeline_counts_changes_only(
    open_desk: Callable[[], Desk],
) -> None:
    desk = open_desk()
    _opted_in_then_restated(desk)
    history = desk.side.show_history()
    history.refresh()
    cells = [history.model.index(row, 4).data() for row in range(history.model.rowCount())]
    assert cells[0] == "SMS opt-in restated for +1 954-558-2399"
    assert cells[1].startswith("SMS opt-in for +1 954-558-2399")

    view = desk.side.show_directory()
    view.timeline.set_points((JANE_PHONE,), ())
    timeline = view.timeline
    changes = [timeline.model.index(row, 2).data() for row in range(timeline.model.rowCount())]
    assert changes == ["Opt-in", "Opt-in (restated)"]
    assert timeline.summary.text() == "1 change, 1 restatement, oldest first"
    detail = timeline.detail.text()  # the latest, in full
    assert "Change: Opt-in (restated); known before: opt-in" in detail
    assert "Reason: customer confirmed on a call" in detail and "Proof: rec-42" in detail


def test_information_is_listed_last_and_is_no_warning(qtbot: QtBot) -> None:
    raw = {"traits": {"phones": {"(954) 558-2399": {"label": "mobile", "smsOptIn": {}}}}}
    findings = check(raw).findings
    assert {f.level for f in findings} == {Level.ERROR, Level.INFO}
    view = FindingsView()
    qtbot.addWidget(view)
    view.show_findings(findings)
    last = view.item(view.count() - 1)
    assert last.text() == "Phone (954) 558-2399 will be sent as +19545582399"
    assert last.toolTip() == 'Information at traits.phones["(954) 558-2399"]'
    assert findings_summary(findings) == "1 error"
    [error] = [f for f in findings if f.level is Level.ERROR]
    assert "JSON" not in finding_text(error) and not finding_text(error).startswith("traits")
