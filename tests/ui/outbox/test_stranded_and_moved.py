"""The window's outbox: a dead sender's requests are recovered before any action, a request
goes where it was queued to go, and REGAL_API_KEY is the default account's key only."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from regal_desktop.sandbox.server import Sandbox
from regal_desktop.store.outbox import NewRequest
from regal_desktop.ui.outbox.panel import OutboxPanel
from tests.helpers.bodies import BODY
from tests.helpers.desk import Desk, add_profile


def dead_claimer() -> str:
    code = "from regal_desktop.store.claimers import this_claimer; print(this_claimer())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def deliver_queued(qtbot: QtBot, desk: Desk) -> None:
    with qtbot.waitSignal(desk.controller.finished, timeout=15_000):
        desk.controller.send_queued()
    qtbot.waitUntil(lambda: not desk.controller.is_running(), timeout=5_000)


def test_drop_and_retry_recover_what_a_killed_sender_left_sending(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    desk = open_desk(BODY)
    outbox = desk.parts.app.store.outbox
    [first, second] = outbox.enqueue(
        [NewRequest("sandbox", "sandbox", "jane", json.dumps(BODY)) for _ in range(2)]
    )
    assert len(outbox.claim("sandbox", 2, dead_claimer())) == 2
    desk.dialogs.drop_answer = True

    desk.controller.drop(first)

    assert desk.dialogs.errors == []
    assert outbox.get(first).state == "dropped"  # type: ignore[union-attr]
    deliver_queued(qtbot, desk)
    assert outbox.get(second).state == "delivered"  # type: ignore[union-attr]


def test_a_request_queued_before_its_accounts_endpoint_changed_waits_for_a_person(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    with Sandbox().start() as old, Sandbox().start() as new:
        add_profile("a", old.url)
        desk = open_desk(BODY)
        outbox = desk.parts.app.store.outbox
        [request_id] = outbox.enqueue([NewRequest("a", old.url, "jane", json.dumps(BODY))])
        add_profile("a", new.url)  # as Settings saves it

        deliver_queued(qtbot, desk)

        assert old.received == [] and new.received == []
        panel = desk.window.findChild(OutboxPanel, "outboxPanel")
        assert panel is not None
        row = panel.model.row_of(request_id)
        assert row is not None
        assert panel.model.index(row, 1).data() == "Held: endpoint changed"
        assert "endpoint changed" in panel.model.index(row, 5).data()

        with qtbot.waitSignal(desk.controller.finished, timeout=15_000):
            desk.controller.retry(request_id)
        qtbot.waitUntil(lambda: not desk.controller.is_running(), timeout=5_000)

        assert (len(old.received), new.accepted_count) == (0, 1)
        delivered = outbox.get(request_id)
        assert delivered is not None and (delivered.state, delivered.endpoint) == (
            "delivered",
            new.url,
        )


def test_the_environment_key_is_not_sent_for_another_account(
    qtbot: QtBot, open_desk: Callable[..., Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """REGAL_API_KEY is the default account's (the built-in sandbox here); another
    account's queued request goes without it."""
    monkeypatch.setenv("REGAL_API_KEY", "key-of-the-default-0123")
    with Sandbox(key="key-of-the-default-0123").start() as receiver:
        add_profile("other", receiver.url)
        desk = open_desk(BODY)
        outbox = desk.parts.app.store.outbox
        [request_id] = outbox.enqueue([NewRequest("other", receiver.url, "j", json.dumps(BODY))])

        deliver_queued(qtbot, desk)

        assert [r.authorized for r in receiver.received] == [False]
        assert outbox.get(request_id).state == "held"  # type: ignore[union-attr]
