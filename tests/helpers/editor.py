"""Fixtures for the editor: a real window on a private store, with scripted prompts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from regal_desktop.context import open_context
from regal_desktop.ui.editor.consent_panel import ConsentTemplate
from regal_desktop.ui.shell.context import WindowContext, window_settings
from regal_desktop.ui.shell.dialogs import Prompts, SaveChoice
from regal_desktop.ui.shell.window import MainWindow

#: What "Now" reads in every UI test.
FIXED_NOW = datetime(2026, 11, 25, 14, 3, 7, 250, tzinfo=timezone(timedelta(hours=-5)))
FIXED_NOW_TEXT = "2026-11-25T14:03:07-05:00"

TEMPLATES = [
    ConsentTemplate("Marketing calls", "I agree to receive marketing calls from Example Co."),
    ConsentTemplate("Marketing texts", "I agree to receive marketing texts from Example Co."),
]


class ScriptedPrompts(Prompts):
    """Answers the window's questions from attributes and records what it was asked."""

    def __init__(self) -> None:
        self.save_choice = SaveChoice.DISCARD
        self.open_answer: Path | None = None
        self.save_answer: Path | None = None
        self.restore_answer = False
        self.asked: list[str] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def ask_save_changes(self, parent: object, document_name: str) -> SaveChoice:
        self.asked.append(f"save {document_name}")
        return self.save_choice

    def ask_open_path(self, parent: object, folder: Path) -> Path | None:
        self.asked.append("open")
        return self.open_answer

    def ask_save_path(self, parent: object, suggested: Path) -> Path | None:
        self.asked.append("save as")
        return self.save_answer

    def ask_restore_autosave(self, parent: object, saved_at: str) -> bool:
        self.asked.append("restore")
        return self.restore_answer

    def show_error(self, parent: object, title: str, message: str) -> None:
        self.errors.append(message)

    def show_warning(self, parent: object, title: str, message: str) -> None:
        self.warnings.append(message)


@pytest.fixture
def now_text() -> str:
    """What "Now" writes in every UI test (FIXED_NOW as a timestamp)."""
    return FIXED_NOW_TEXT


@pytest.fixture
def prompts() -> ScriptedPrompts:
    """The prompts the window under test uses."""
    return ScriptedPrompts()


@pytest.fixture
def window_context(prompts: ScriptedPrompts) -> Iterator[WindowContext]:
    """A window context on the test's private application home."""
    app_context = open_context()
    yield WindowContext(
        app_context, window_settings(app_context.paths), prompts=prompts, clock=lambda: FIXED_NOW
    )
    app_context.close()


@pytest.fixture
def window(qtbot: QtBot, window_context: WindowContext) -> MainWindow:
    """A shown editor window with a blank contact."""
    main_window = MainWindow(window_context, templates=TEMPLATES)
    qtbot.addWidget(main_window)
    main_window.show()
    qtbot.waitExposed(main_window)
    # Keyboard tests need focus; without a window manager (bare Xvfb) nobody activates it.
    main_window.activateWindow()
    qtbot.waitUntil(main_window.isActiveWindow)
    return main_window
