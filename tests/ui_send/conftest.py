"""Fixtures for sending from the window: a real window, scripted dialogs, real servers."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from regal_desktop.app import build_main_window
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.store.outbox import RequestRow
from regal_desktop.ui.confirm import Confirmation, SendPrompts
from regal_desktop.ui.main_window import MainWindow
from regal_desktop.ui.prompts import Prompts, SaveChoice
from regal_desktop.ui.sending import SendController

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


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A loopback receiver answering as Regal does."""
    with Sandbox() as receiver:
        yield receiver


@dataclass
class FussyRegal:
    """A loopback server answering 400 to any body whose first name is "Bad"."""

    url: str
    bodies: list[bytes] = field(default_factory=list)


class _FussyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _FussyServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.record.bodies.append(body)
        bad = json.loads(body)["traits"].get("firstName") == "Bad"
        message = "traits.firstName: 'Bad' is not an allowed name" if bad else "ok"
        answer = json.dumps({"message": message}).encode()
        self.send_response(400 if bad else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class _FussyServer(ThreadingHTTPServer):
    daemon_threads = True
    record: FussyRegal


@pytest.fixture
def fussy_regal() -> Iterator[FussyRegal]:
    """A real HTTP server on 127.0.0.1 that rejects first name "Bad" with 400."""
    server = _FussyServer(("127.0.0.1", 0), _FussyHandler)
    server.record = FussyRegal(f"http://127.0.0.1:{server.server_address[1]}/events")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server.record
    server.shutdown()
    server.server_close()
    thread.join(5)
