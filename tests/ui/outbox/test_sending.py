"""Desk from the real window to real loopback servers."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from regal_desktop.delivery.keys import KeyStore
from regal_desktop.delivery.report import Summary
from regal_desktop.sandbox.server import Faults, Sandbox
from regal_desktop.ui.outbox.panel import OutboxPanel
from regal_desktop.ui.shell.window import MainWindow
from tests.helpers.bodies import BODY
from tests.helpers.desk import Desk, add_profile
from tests.helpers.servers import FussyRegal


def preview(window: MainWindow) -> str:
    return window.findChild(QPlainTextEdit, "jsonPreview").toPlainText()


def click_send(qtbot: QtBot, sending: Desk) -> None:
    button = sending.window.findChild(QPushButton, "sendButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def send_and_wait(qtbot: QtBot, sending: Desk) -> Summary:
    with qtbot.waitSignal(sending.controller.finished, timeout=15_000) as blocker:
        click_send(qtbot, sending)
    qtbot.waitUntil(lambda: not sending.controller.is_running(), timeout=5_000)
    return blocker.args[0]


def panel(sending: Desk) -> OutboxPanel:
    found = sending.window.findChild(OutboxPanel, "outboxPanel")
    assert found is not None
    return found


def test_send_delivers_exactly_the_preview_bytes(
    qtbot: QtBot,
    open_desk: Callable[..., Desk],
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGAL_ENDPOINT", sandbox.url)
    sending = open_desk(BODY)
    shown = preview(sending.window)
    assert "Zoë" in shown

    summary = send_and_wait(qtbot, sending)

    assert [r.body.encode("utf-8") for r in sandbox.received] == [shown.encode("utf-8")]
    assert summary.delivered == 1
    assert sending.dialogs.confirmations == []  # loopback: no question asked
    assert "Delivered 1 request" in sending.window.statusBar().currentMessage()
    assert panel(sending).model.rowCount() == 0


def test_first_run_sends_to_the_built_in_sandbox_and_says_so(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    sending = open_desk(BODY)
    banner = sending.window.findChild(QLabel, "profileBadge")
    assert banner.text() == "SANDBOX · this computer"
    welcome = sending.window.findChild(QPushButton, "welcomeDismissButton")
    assert welcome.isVisible()

    summary = send_and_wait(qtbot, sending)

    assert summary.delivered == 1
    row = sending.parts.app.store.outbox.get(1)
    assert row is not None and row.state == "delivered" and row.profile == "sandbox"
    qtbot.mouseClick(welcome, Qt.MouseButton.LeftButton)
    assert not welcome.isVisible()
    assert sending.parts.app.store.settings.get("welcome_dismissed") is True


def test_rejected_request_stays_in_the_outbox_and_its_fix_replaces_it(
    qtbot: QtBot, open_desk: Callable[..., Desk], fussy_regal: FussyRegal
) -> None:
    add_profile("local", fussy_regal.url)
    bad = copy.deepcopy(BODY)
    bad["traits"]["firstName"] = "Bad"
    sending = open_desk(bad)
    sending.window.findChild(QComboBox, "profileCombo").setCurrentText("local")
    assert sending.controller.account == "local"

    send_and_wait(qtbot, sending)

    message = sending.window.statusBar().currentMessage()
    assert "Regal rejected request 1" in message
    assert "HTTP 400: traits.firstName: 'Bad' is not an allowed name" in message
    outbox = panel(sending)
    assert outbox.model.rowCount() == 1
    assert outbox.model.index(0, 1).data() == "Rejected"
    assert "not an allowed name" in outbox.model.index(0, 5).data()

    assert outbox.select(1)
    qtbot.mouseClick(outbox.open_button, Qt.MouseButton.LeftButton)
    assert sending.controller.fixing == 1
    first_name = sending.window.findChild(QLineEdit, "firstNameEdit")
    assert first_name.text() == "Bad"
    first_name.selectAll()
    qtbot.keyClicks(first_name, "Zoe")
    qtbot.waitUntil(lambda: '"firstName": "Zoe"' in preview(sending.window))
    fixed = preview(sending.window)

    summary = send_and_wait(qtbot, sending)

    assert summary.delivered == 1
    assert fussy_regal.bodies[-1] == fixed.encode("utf-8")
    store = sending.parts.app.store
    original, fix = store.outbox.get(1), store.outbox.get(2)
    assert original is not None and original.state == "rejected"  # kept as evidence
    assert fix is not None and fix.origin == "fix:1" and fix.state == "delivered"
    assert outbox.model.rowCount() == 0
    assert sending.controller.fixing is None


def test_loading_another_contact_ends_the_fix(
    qtbot: QtBot, open_desk: Callable[..., Desk], fussy_regal: FussyRegal
) -> None:
    add_profile("local", fussy_regal.url)
    bad = copy.deepcopy(BODY)
    bad["traits"]["firstName"] = "Bad"
    sending = open_desk(bad)
    sending.controller.set_account("local")
    send_and_wait(qtbot, sending)
    sending.controller.open_in_editor(1)
    assert sending.controller.fixing == 1
    links: list[int | None] = []
    sending.controller.fixing_changed.connect(links.append)

    qtbot.keyClicks(sending.window.findChild(QLineEdit, "lastNameEdit"), "Doe")
    # The review of the edit has run once the preview shows it: the edit has been handled.
    qtbot.waitUntil(lambda: '"lastName": "Doe"' in preview(sending.window))
    assert sending.controller.fixing == 1 and links == []  # editing the fix keeps the link
    assert not sending.window.findChild(QLabel, "fixStatus").isHidden()

    sending.editor.new_contact()

    assert sending.controller.fixing is None and links == [None]
    assert sending.window.findChild(QLabel, "fixStatus").isHidden()


def test_production_profile_asks_first_and_cancel_sends_nothing(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    add_profile("main", "https://events.regalvoice.com/events", key="sk-test-0123456789")
    sending = open_desk(BODY)
    sending.window.findChild(QComboBox, "profileCombo").setCurrentText("main")
    assert sending.window.findChild(QLabel, "profileBadge").text() == "PRODUCTION · main"
    sending.dialogs.confirm_answer = False

    click_send(qtbot, sending)

    [confirmation] = sending.dialogs.confirmations
    assert confirmation.production and confirmation.profile == "main"
    assert "SMS opt-out for +1 954-558-2399" in confirmation.changes
    assert "Primary phone becomes +1 954-558-2399" in confirmation.changes
    assert "PRODUCTION" in confirmation.text
    assert not sending.controller.is_running()
    assert sum(sending.parts.app.store.outbox.counts().values()) == 0
    assert sending.window.statusBar().currentMessage() == "Not sent: cancelled"


def test_account_without_key_asks_for_it_and_cancel_sends_nothing(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    add_profile("main", "https://events.regalvoice.com/events")
    sending = open_desk(BODY)
    sending.controller.set_account("main")
    sending.dialogs.key_answers = [None]

    click_send(qtbot, sending)

    assert [(p, can_save) for p, _, can_save in sending.dialogs.key_requests] == [("main", True)]
    assert sending.dialogs.confirmations == []
    assert sum(sending.parts.app.store.outbox.counts().values()) == 0


def test_wrong_key_is_explained_and_the_next_send_asks_for_the_key(
    qtbot: QtBot, open_desk: Callable[..., Desk], memory_keyring: object
) -> None:
    right = "sk-right-0123456789"
    with Sandbox(key=right) as receiver:
        add_profile("local", receiver.url, key="sk-wrong-9876543210")
        sending = open_desk(BODY)
        sending.controller.set_account("local")

        summary = send_and_wait(qtbot, sending)

        assert summary.auth_failed
        [error] = sending.dialogs.errors
        assert "Regal refused the API key for profile local (HTTP 401)" in error
        outbox = panel(sending)
        assert outbox.model.index(0, 1).data() == "Held: key refused"

        sending.dialogs.key_answers = [right]
        summary = send_and_wait(qtbot, sending)

        assert sending.dialogs.key_requests[0][0] == "local"
        assert summary.delivered == 2  # the held one too
        assert [r.authorized for r in receiver.received] == [False, True, True]
        assert KeyStore().get("local") == right
        assert outbox.model.rowCount() == 0


def test_closing_the_window_while_delivering_stops_cleanly(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    with Sandbox(faults=Faults(latency=0.4)) as slow:
        add_profile("local", slow.url)
        sending = open_desk(BODY)
        sending.controller.set_account("local")
        click_send(qtbot, sending)
        assert sending.controller.is_running("local")
        store = sending.parts.app.store

        sending.window.close()

        assert not sending.controller.is_running()
        row = store.outbox.get(1)
        assert row is not None and row.state in ("delivered", "queued")


def test_a_delivery_with_nothing_to_do_keeps_the_last_message(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    desk = open_desk(BODY)
    desk.window.say("Regal rejected request 7", 30_000)
    destination = desk.controller.keys.destination(desk.controller.account)
    assert destination is not None
    with qtbot.waitSignal(desk.controller.finished, timeout=10_000) as finished:
        desk.controller.start(destination)
    assert finished.args[0].delivered == 0 and finished.args[0].remaining == 0
    assert desk.status() == "Regal rejected request 7"
