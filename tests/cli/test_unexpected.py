"""A bug is not bad input: one sentence for the person, the traceback in the log file."""

from __future__ import annotations

from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.logs import log_file
from regal_desktop.paths import app_paths
from regal_desktop.store.directory import Directory


def test_an_unexpected_error_is_one_line_and_the_details_are_logged(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Directory, text: str, limit: int = 50) -> list[object]:
        raise RuntimeError("the index went missing")

    monkeypatch.setattr(Directory, "find", broken)
    assert main(["contacts", "find", "rebecca"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    log = log_file(app_paths())
    assert err == [
        f"regal-desktop: Something went wrong: the index went missing. The details are in {log}."
    ]
    logged = Path(log).read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: the index went missing" in logged
    assert Path(log).stat().st_mode & 0o777 == 0o600
