"""The window's key prompt and the keychain read check a key before it is used, and the
outbox table shows a receiver's escape sequences as text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from regal_desktop.delivery.report import Summary
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.store import AttemptResult
from regal_desktop.store.outbox import Outcome
from regal_desktop.ui.outbox.panel import OutboxPanel
from tests.conftest import MemoryKeyring
from tests.helpers.bodies import BODY
from tests.helpers.desk import Desk, add_profile
from tests.helpers.store import opt_in_body, request

RIGHT = "sk-right-0123456789abcdef"
WRAPPED = "sk-right-0123456789\nabcdef"


def click_send(qtbot: QtBot, sending: Desk) -> None:
    button = sending.window.findChild(QPushButton, "sendButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_typed_key_with_a_line_break_is_refused_and_nothing_is_queued(
    qtbot: QtBot, open_desk: Callable[..., Desk], memory_keyring: MemoryKeyring
) -> None:
    add_profile("main", "https://events.regalvoice.com/events")
    sending = open_desk(BODY)
    sending.controller.set_account("main")
    sending.dialogs.key_answers = [WRAPPED]

    click_send(qtbot, sending)

    [error] = sending.dialogs.errors
    assert error.startswith("The API key typed for account main contains a line break")
    assert "0123456789" not in error and "abcdef" not in error
    assert sum(sending.parts.app.store.outbox.counts().values()) == 0
    assert memory_keyring.secrets == {}


def test_an_unusable_key_in_the_keychain_is_asked_for_again(
    qtbot: QtBot, open_desk: Callable[..., Desk], memory_keyring: MemoryKeyring
) -> None:
    with Sandbox(key=RIGHT) as receiver:
        add_profile("local", receiver.url)
        memory_keyring.set_password("regal-desktop", "local", WRAPPED)  # another tool wrote it
        sending = open_desk(BODY)
        sending.controller.set_account("local")
        sending.dialogs.key_answers = [RIGHT]

        with qtbot.waitSignal(sending.controller.finished, timeout=15_000) as blocker:
            click_send(qtbot, sending)
        summary: Summary = blocker.args[0]

        [(account, reason, _)] = sending.dialogs.key_requests
        assert account == "local"
        assert reason.startswith("The API key saved in the keychain for profile 'local'")
        assert "line break" in reason and "0123456789" not in reason
        assert summary.delivered == 1
        assert [r.authorized for r in receiver.received] == [True]
    assert memory_keyring.secrets[("regal-desktop", "local")] == RIGHT


def test_the_outbox_table_shows_escape_sequences_as_text(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    sending = open_desk(BODY)
    store = sending.parts.app.store
    [request_id] = store.outbox.enqueue([request(opt_in_body("+19545550001"))])
    answer = '{"message": "bad \\u001b[2J\\u001b]0;owned\\u0007 \\u202egnp.exe"}'
    store.outbox.record([AttemptResult(request_id, "t0", "t1", 400, answer, Outcome.REJECTED)])
    panel = sending.window.findChild(OutboxPanel, "outboxPanel")
    assert panel is not None
    panel.model.refresh()

    shown = panel.model.index(0, 5).data()
    tip = panel.model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole)
    assert shown == tip == "HTTP 400: bad \\x1b[2J\\x1b]0;owned\\x07 \\u202egnp.exe"
