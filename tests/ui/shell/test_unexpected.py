"""An error in a slot: logged with its traceback, shown as one sentence, the window lives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from regal_desktop import app as app_module
from regal_desktop.app import ShowUnexpected
from regal_desktop.logs import log_file, setup_logging, stop_logging
from tests.helpers.desk import Desk


def test_an_error_in_the_window_is_shown_in_a_sentence_and_logged(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = desk.window
    shown: list[str] = []

    def warning(parent: Any, title: str, text: str) -> None:
        shown.append(text)

    monkeypatch.setattr(app_module.QMessageBox, "warning", warning)
    paths = desk.parts.app.paths
    handler = setup_logging(paths)
    try:
        hook = ShowUnexpected(window, paths)
        try:
            raise ValueError("a cell with no row")
        except ValueError as exc:
            hook(type(exc), exc, exc.__traceback__)
    finally:
        stop_logging(handler)
    assert shown == [
        f"Something went wrong: a cell with no row. The details are in {log_file(paths)}."
    ]
    assert "ValueError: a cell with no row" in Path(log_file(paths)).read_text("utf-8")
