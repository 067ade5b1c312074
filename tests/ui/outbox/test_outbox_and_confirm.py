"""The outbox model and panel, and the words of the confirmation."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from regal_desktop.services.accounts import BUILT_IN_SANDBOX, AccountProfile
from regal_desktop.store import Store, open_store
from regal_desktop.store.outbox import AttemptResult, NewRequest, Outcome
from regal_desktop.ui.outbox.panel import OutboxPanel, regal_answer
from regal_desktop.ui.shell.send_dialogs import build_confirmation, primary_phone_change
from tests.helpers.sending import BODY, NOW, Sending


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real database with three requests: queued, rejected and delivered."""
    with open_store(tmp_path / "regal.sqlite3") as opened:
        bodies = [json.dumps({"userId": f"u-{n}"}) for n in range(3)]
        opened.outbox.enqueue(
            [
                NewRequest(profile="sandbox", endpoint="sandbox", operator="jane", body=b)
                for b in bodies
            ]
        )
        claimed = opened.outbox.claim("sandbox", 2, "test:1")
        answers = [(400, '{"message": "userId: u-0 is unknown"}', Outcome.REJECTED)]
        answers.append((200, '{"message":"ok"}', Outcome.DELIVERED))
        opened.outbox.record(
            [
                AttemptResult(item.id, NOW, NOW, status, answer, outcome)
                for item, (status, answer, outcome) in zip(claimed, answers, strict=True)
            ]
        )
        yield opened


def test_outbox_model_lists_what_is_pending(
    qtbot: QtBot, qtmodeltester: ModelTester, store: Store
) -> None:
    panel = OutboxPanel(store)
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model, force_py=True)

    model = panel.model
    cells = [[model.index(r, c).data() for c in range(6)] for r in range(model.rowCount())]
    assert cells == [
        ["1", "Rejected", "1", "u-0", "sandbox", "HTTP 400: userId: u-0 is unknown"],
        ["3", "Queued", "0", "u-2", "sandbox", ""],
    ]
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Regal's answer"

    store.outbox.drop(3)
    panel.refresh()
    qtmodeltester.check(panel.model, force_py=True)
    assert model.rowCount() == 1


def test_panel_buttons_follow_the_selected_request(qtbot: QtBot, store: Store) -> None:
    panel = OutboxPanel(store)
    qtbot.addWidget(panel)
    assert not panel.retry_button.isEnabled() and not panel.open_button.isEnabled()

    assert panel.select(1)
    assert panel.retry_button.isEnabled() and panel.open_button.isEnabled()
    with qtbot.waitSignal(panel.retryRequested) as blocker:
        qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [1]

    assert panel.select(3)
    assert not panel.retry_button.isEnabled() and panel.drop_button.isEnabled()
    assert not panel.select(2)  # delivered: not in the list


def test_drop_and_retry_from_the_window(qtbot: QtBot, open_window: Callable[..., Sending]) -> None:
    sending = open_window()
    outbox = sending.window.context.app.store.outbox
    [first, second] = outbox.enqueue(
        [NewRequest("sandbox", "sandbox", "jane", json.dumps(BODY)) for _ in range(2)]
    )
    sending.prompts.drop_answer = False
    sending.controller.drop(first)
    assert outbox.get(first).state == "queued"

    sending.prompts.drop_answer = True
    sending.controller.drop(first)

    assert outbox.get(first).state == "dropped"
    panel = sending.window.findChild(OutboxPanel, "outboxPanel")
    assert panel.model.row_of(first) is None and panel.model.row_of(second) == 0

    with qtbot.waitSignal(sending.controller.finished, timeout=15_000):
        qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    assert outbox.get(second).state == "delivered"


def test_regal_answer_reads_the_message() -> None:
    assert regal_answer(400, '{"message": "phones: bad"}') == "HTTP 400: phones: bad"
    assert (
        regal_answer(502, "<html>\n Bad gateway </html>") == "HTTP 502: <html> Bad gateway </html>"
    )
    assert (
        regal_answer(None, "connection refused by 127.0.0.1") == "connection refused by 127.0.0.1"
    )
    assert regal_answer(None, None) == ""


def test_confirmation_names_the_account_and_every_change() -> None:
    production = AccountProfile(name="main")
    confirmation = build_confirmation(production, BODY, None)

    assert confirmation.production
    assert confirmation.question == (
        "Send this request to the PRODUCTION account “main” (https://events.regalvoice.com/events)?"
    )
    assert confirmation.changes == (
        "SMS opt-out for +1 954-558-2399",
        "Primary phone becomes +1 954-558-2399",
    )
    assert "Contact: +1 954-558-2399" in confirmation.details
    assert not build_confirmation(BUILT_IN_SANDBOX, BODY, None).production


def test_primary_phone_change_only_when_it_moves() -> None:
    known = {"traits": {"phones": {"+19545582399": {"isPrimary": True}}}}
    assert primary_phone_change(known, BODY) is None
    moved = {"traits": {"phones": {"+14155550100": {"isPrimary": True}}}}
    assert primary_phone_change(known, moved) == (
        "Primary phone becomes +1 415-555-0100 (was +1 954-558-2399)"
    )
