"""Fixtures for sending from the window: a real window, scripted dialogs, real servers."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from regal_desktop.app import build_main_window
from regal_desktop.store.outbox import RequestRow
from regal_desktop.ui.outbox.controller import SendController
from regal_desktop.ui.shell.dialogs import Prompts, SaveChoice
from regal_desktop.ui.shell.send_dialogs import Confirmation, SendPrompts
from regal_desktop.ui.shell.window import MainWindow

NOW = "2026-11-25T14:03:07-05:00"
#: A contact opting +1 954-558-2399 out of SMS; "Zoë" checks the body travels as UTF-8.
BODY: dict[str, Any] = {
    "userId": "u-100",
    "traits": {
        "firstName": "Zoë",
        "phones": {
            "+19545582399": {
                "label": "mobile",
                "isPrimary": True,
                "smsOptIn": {
                    "subscribed": False,
                    "timestamp": NOW,
                    "text": "Customer replied STOP.",
                    "source": "crm",
                },
            }
        },
        "emails": {"jane@example.com": {"isPrimary": True}},
    },
}


class ScriptedSendPrompts(SendPrompts):
    """Answers sending's questions from attributes and records what was asked."""

    def __init__(self) -> None:
        self.confirm_answer = False
        self.key_answers: list[str | None] = []
        self.drop_answer = True
        self.confirmations: list[Confirmation] = []
        self.key_requests: list[tuple[str, str, bool]] = []
        self.errors: list[str] = []

    def confirm_send(self, parent: QWidget, confirmation: Confirmation) -> bool:
        self.confirmations.append(confirmation)
        return self.confirm_answer

    def ask_key(self, parent: QWidget, profile: str, reason: str, can_save: bool) -> str | None:
        self.key_requests.append((profile, reason, can_save))
        return self.key_answers.pop(0) if self.key_answers else None

    def ask_drop(self, parent: QWidget, request: RequestRow) -> bool:
        return self.drop_answer

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        self.errors.append(message)


class QuietPrompts(Prompts):
    """The window's own questions: discard unsaved edits, record messages."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def ask_save_changes(self, parent: object, document_name: str) -> SaveChoice:
        return SaveChoice.DISCARD

    def show_error(self, parent: object, title: str, message: str) -> None:
        self.messages.append(message)

    def show_warning(self, parent: object, title: str, message: str) -> None:
        self.messages.append(message)


@dataclass
class Sending:
    """A window with sending attached, and its scripted dialogs."""

    window: MainWindow
    controller: SendController
    prompts: ScriptedSendPrompts


@pytest.fixture
def open_window(qtbot: QtBot, tmp_path: Path) -> Callable[..., Sending]:
    """Build the real window (opening ``body`` as a file) and attach sending to it."""

    def make(body: dict[str, Any] | None = BODY) -> Sending:
        argv = []
        if body is not None:
            path = tmp_path / "contact.json"
            path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
            argv = [str(path)]
        window = build_main_window(argv)
        window.context.prompts = QuietPrompts()
        qtbot.addWidget(window)
        prompts = ScriptedSendPrompts()
        controller = window.sending
        assert controller is not None  # build_main_window attaches sending
        controller.prompts = prompts
        window.show()
        qtbot.waitExposed(window)
        return Sending(window, controller, prompts)

    return make
