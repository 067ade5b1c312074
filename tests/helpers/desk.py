"""Fixtures for the memory windows: a real window with sending and memory attached,
scripted dialogs, and helpers to send real requests to a loopback Sandbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from regal_desktop.app import build_main_window
from regal_desktop.context import open_context
from regal_desktop.delivery.keys import KeyStore
from regal_desktop.services.accounts import AccountProfile
from regal_desktop.store.outbox import RequestRow
from regal_desktop.ui.outbox.controller import SendController
from regal_desktop.ui.shell.dialogs import Prompts, SaveChoice
from regal_desktop.ui.shell.memory_dialogs import MemoryPrompts
from regal_desktop.ui.shell.memory_wiring import MemoryUi
from regal_desktop.ui.shell.send_dialogs import Confirmation, SendPrompts
from regal_desktop.ui.shell.window import MainWindow


class ScriptedMemoryPrompts(MemoryPrompts):
    """Answers from attributes; records errors."""

    def __init__(self) -> None:
        self.export_path: Path | None = None
        self.import_path: Path | None = None
        self.rejected_path: Path | None = None
        self.mapping_name: str | None = None
        self.cancel_answer = True
        self.errors: list[str] = []

    def ask_export_path(self, parent: QWidget, suggested: Path) -> Path | None:
        return self.export_path

    def ask_import_path(self, parent: QWidget, folder: Path) -> Path | None:
        return self.import_path

    def ask_rejected_path(self, parent: QWidget, suggested: Path) -> Path | None:
        return self.rejected_path

    def ask_mapping_name(self, parent: QWidget, suggested: str) -> str | None:
        return self.mapping_name

    def confirm_cancel_import(self, parent: QWidget, unsent: int) -> bool:
        return self.cancel_answer

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        self.errors.append(message)


class ScriptedSendPrompts(SendPrompts):
    """Sending's questions: records confirmations and answers ``confirm_answer``."""

    def __init__(self) -> None:
        self.confirm_answer = False
        self.confirmations: list[Confirmation] = []
        self.errors: list[str] = []

    def confirm_send(self, parent: QWidget, confirmation: Confirmation) -> bool:
        self.confirmations.append(confirmation)
        return self.confirm_answer

    def ask_key(self, parent: QWidget, profile: str, reason: str, can_save: bool) -> str | None:
        return None

    def ask_drop(self, parent: QWidget, request: RequestRow) -> bool:
        return True

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        self.errors.append(message)


class DiscardPrompts(Prompts):
    """The editor's own questions: discard unsaved edits, record messages."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def ask_save_changes(self, parent: object, document_name: str) -> SaveChoice:
        return SaveChoice.DISCARD

    def show_error(self, parent: object, title: str, message: str) -> None:
        self.messages.append(message)

    def show_warning(self, parent: object, title: str, message: str) -> None:
        self.messages.append(message)


@dataclass
class Desk:
    """A window with sending and memory attached, and its scripted dialogs."""

    window: MainWindow
    controller: SendController
    ui: MemoryUi
    prompts: ScriptedMemoryPrompts
    send_prompts: ScriptedSendPrompts
    sent: list[int] = field(default_factory=list)


def add_profile(name: str, endpoint: str, rate: float = 290.0, key: str | None = None) -> None:
    """Save a profile (and its key) before the window opens, as Settings would."""
    context = open_context()
    try:
        context.accounts.save(AccountProfile(name=name, endpoint=endpoint, rate=rate))
        if key is not None:
            KeyStore().set(name, key)
    finally:
        context.close()


@pytest.fixture
def open_desk(qtbot: QtBot) -> Callable[[], Desk]:
    """Build the real window, attach memory with scripted dialogs, and show it."""

    def make() -> Desk:
        window = build_main_window([])
        qtbot.addWidget(window)
        window.context.prompts = DiscardPrompts()
        controller = window.sending
        assert controller is not None
        send_prompts = ScriptedSendPrompts()
        controller.prompts = send_prompts
        prompts = ScriptedMemoryPrompts()
        ui = window.findChild(MemoryUi, "memoryUi")  # build_main_window attached it
        assert isinstance(ui, MemoryUi)
        ui.prompts = prompts
        window.show()
        qtbot.waitExposed(window)
        return Desk(window, controller, ui, prompts, send_prompts)

    return make


def send_body(qtbot: QtBot, desk: Desk, body: dict[str, Any]) -> None:
    """Send ``body`` from the editor and wait until it is delivered."""
    desk.window.show_payload(body, None)
    with qtbot.waitSignal(desk.controller.finished, timeout=15_000):
        desk.window.request_send()
    qtbot.waitUntil(lambda: not desk.controller.is_running(), timeout=5_000)
