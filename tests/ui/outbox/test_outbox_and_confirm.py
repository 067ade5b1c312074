"""The outbox model and panel."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from regal_desktop.store import Store, open_store
from regal_desktop.store.outbox import AttemptResult, NewRequest, Outcome
from regal_desktop.ui.outbox.panel import OutboxPanel
from tests.helpers.bodies import BODY, NOW
from tests.helpers.desk import Desk


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
    # Queued: Retry sends it now, even while it waits for a retry (Retry-After, backoff).
    assert panel.retry_button.isEnabled() and panel.drop_button.isEnabled()
    assert not panel.select(2)  # delivered: not in the list


def test_drop_and_retry_from_the_window(qtbot: QtBot, open_desk: Callable[..., Desk]) -> None:
    sending = open_desk(BODY)
    outbox = sending.parts.app.store.outbox
    [first, second] = outbox.enqueue(
        [NewRequest("sandbox", "sandbox", "jane", json.dumps(BODY)) for _ in range(2)]
    )
    sending.dialogs.drop_answer = False
    sending.controller.drop(first)
    assert outbox.get(first).state == "queued"

    sending.dialogs.drop_answer = True
    sending.controller.drop(first)

    assert outbox.get(first).state == "dropped"
    panel = sending.window.findChild(OutboxPanel, "outboxPanel")
    assert panel.model.row_of(first) is None and panel.model.row_of(second) == 0

    with qtbot.waitSignal(sending.controller.finished, timeout=15_000):
        qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    assert outbox.get(second).state == "delivered"
