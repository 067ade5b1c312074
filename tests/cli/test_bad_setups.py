"""A home folder that is a file, cannot be created or is read-only: every command, even
``validate``, says so in one line (exit 2), never with a traceback."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from regal_desktop.cli import main

COMMANDS = [
    ["validate", "{payload}"],
    ["send", "{payload}"],
    ["outbox", "list"],
    ["outbox", "flush"],
    ["history", "list"],
    ["history", "export", "-"],
    ["contacts", "show", "+19545582399"],
    ["profile", "list"],
    ["import", "{csv}", "--out", "-"],
]


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` cannot be written, even by root (immutable), until the block ends."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot make a folder read-only as root here: {made.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def run_all(tmp_path: Path, capsys: pytest.CaptureFixture[str], *words: str) -> None:
    payload = tmp_path / "p.json"
    payload.write_text('{"userId": "1"}', encoding="utf-8")
    csv = tmp_path / "c.csv"
    csv.write_text("userId\n1\n", encoding="utf-8")
    for args in COMMANDS:
        filled = [a.format(payload=payload, csv=csv) for a in args]
        assert main(filled) == 2, filled
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("regal-desktop: "), (filled, err)
        for word in words:
            assert word in err, (filled, err)


def test_home_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("REGAL_DESKTOP_HOME", str(home))
    run_all(tmp_path, capsys, f"{home} is a file, not a folder", "REGAL_DESKTOP_HOME")


def test_home_that_cannot_be_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    monkeypatch.setenv("REGAL_DESKTOP_HOME", str(parent / "home"))
    with read_only(parent):
        run_all(tmp_path, capsys, f"{parent / 'home' / 'data'}: cannot be created")


def test_home_that_is_read_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("REGAL_DESKTOP_HOME", str(home))
    assert main(["profile", "list"]) == 0
    capsys.readouterr()
    with read_only(home / "data"):
        run_all(tmp_path, capsys, f"{home / 'data'}: cannot be written")
