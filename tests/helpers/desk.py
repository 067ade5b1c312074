"""The whole window as the application builds it, with scripted dialogs, for UI tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from regal_desktop.context import open_context
from regal_desktop.delivery.keys import KeyStore
from regal_desktop.domain.model import Channel
from regal_desktop.services.accounts import AccountProfile
from regal_desktop.services.consent_texts import ConsentTemplate
from regal_desktop.ui.editor.editor import Editor
from regal_desktop.ui.outbox.controller import SendController
from regal_desktop.ui.shell import build
from regal_desktop.ui.shell.side_windows import SideWindows
from regal_desktop.ui.shell.window import MainWindow
from tests.helpers.dialogs import ScriptedDialogs

#: What "Now" reads in every UI test.
FIXED_NOW = datetime(2026, 11, 25, 14, 3, 7, 250, tzinfo=timezone(timedelta(hours=-5)))
FIXED_NOW_TEXT = "2026-11-25T14:03:07-05:00"

TEMPLATES = [
    ConsentTemplate(
        "Marketing calls", "I agree to receive marketing calls from Example Co.", (Channel.VOICE,)
    ),
    ConsentTemplate(
        "Marketing texts", "I agree to receive marketing texts from Example Co.", (Channel.SMS,)
    ),
]


@dataclass
class Desk:
    """A shown window built by the composition root, and the dialogs it asks."""

    parts: build.Desk
    dialogs: ScriptedDialogs

    @property
    def window(self) -> MainWindow:
        """The main window (menus, status bar, docks)."""
        return self.parts.window

    @property
    def editor(self) -> Editor:
        """The contact being edited."""
        return self.parts.editor

    @property
    def controller(self) -> SendController:
        """Sending, the outbox's deliveries and keys."""
        return self.parts.sending

    @property
    def side(self) -> SideWindows:
        """History, Contacts and the import."""
        return self.parts.side

    def status(self) -> str:
        """What the status bar says now."""
        return self.window.statusBar().currentMessage()


def add_profile(name: str, endpoint: str, rate: float = 290.0, key: str | None = None) -> None:
    """Save an account (and its key) before the window opens, as Settings would."""
    context = open_context()
    try:
        context.accounts.save(AccountProfile(name=name, endpoint=endpoint, rate=rate))
        if key is not None:
            KeyStore().set(name, key)
    finally:
        context.close()


def show(qtbot: QtBot, parts: build.Desk, dialogs: ScriptedDialogs) -> Desk:
    """Show the window, wait until it is exposed and active; the store closes at teardown."""
    window = parts.window
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # Keyboard tests need focus; without a window manager (bare Xvfb) nobody activates it.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return Desk(parts, dialogs)


@pytest.fixture
def open_desk(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., Desk]]:
    """Build the real window, opening ``body`` as a file when given, and show it."""
    opened: list[build.Desk] = []

    def make(body: dict[str, Any] | None = None) -> Desk:
        argv = []
        if body is not None:
            path = tmp_path / "contact.json"
            path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
            argv = [str(path)]
        dialogs = ScriptedDialogs()
        parts = build.build_main_window(argv, dialogs=dialogs, clock=lambda: FIXED_NOW)
        opened.append(parts)
        return show(qtbot, parts, dialogs)

    yield make
    for parts in opened:
        parts.window.close()
        parts.sending.shutdown()
        parts.app.close()


@pytest.fixture
def desk(qtbot: QtBot) -> Iterator[Desk]:
    """A shown window with a blank contact, the test consent templates and a fixed clock."""
    dialogs = ScriptedDialogs()
    parts = build.build_main_window(dialogs=dialogs, clock=lambda: FIXED_NOW, templates=TEMPLATES)
    shown = show(qtbot, parts, dialogs)
    yield shown
    parts.window.close()
    parts.sending.shutdown()
    parts.app.close()


def send_body(qtbot: QtBot, desk: Desk, body: dict[str, Any]) -> None:
    """Send ``body`` from the editor and wait until it is delivered."""
    desk.editor.show_payload(body, None)
    with qtbot.waitSignal(desk.controller.finished, timeout=15_000):
        desk.editor.request_send()
    qtbot.waitUntil(lambda: not desk.controller.is_running(), timeout=5_000)


@pytest.fixture
def editor(desk: Desk) -> Editor:
    """The editor of the ``desk`` window."""
    return desk.editor


@pytest.fixture
def now_text() -> str:
    """What "Now" writes in every UI test (FIXED_NOW as a timestamp)."""
    return FIXED_NOW_TEXT
