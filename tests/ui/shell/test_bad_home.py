"""A home folder that is a file (or cannot be created, or is read-only): the window shows
one line in a message box and exits 1, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from regal_desktop import app


def test_the_window_says_so_in_one_line_and_exits_1(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("REGAL_DESKTOP_HOME", str(home))
    shown: list[tuple[str, str]] = []

    def critical(parent: Any, title: str, text: str) -> None:
        shown.append((title, text))

    monkeypatch.setattr(app.QMessageBox, "critical", critical)
    for argv in ([], ["--smoke"]):
        assert app.run_gui(argv) == 1
    [(title, text), _] = shown
    assert title == "Regal Desktop cannot start"
    assert text == (
        f"{home / 'data'}: cannot be created: {home} is a file, not a folder; set "
        "REGAL_DESKTOP_HOME to a folder you can write to"
    )
