"""Secret drill: an API key used from the CLI and the window never lands in a file or output.

One session configures a key for a loopback profile, sends with it from the command line
and from the real window (including a refused key that is typed again), lists and exports
the history, and keeps every line printed and logged. Then no file under the application
home (the SQLite file with its -wal and -shm, window.ini, the autosave, the exports) and
no captured text holds the key, its base64 or its last eight characters.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from regal_desktop.cli import main
from regal_desktop.delivery.report import Summary
from regal_desktop.sandbox import Sandbox
from regal_desktop.ui.shell.build import Desk, build_main_window
from regal_desktop.ui.shell.window import MainWindow
from tests.helpers.dialogs import ScriptedDialogs

from .tools import home

pytestmark = pytest.mark.drill

W = TypeVar("W", bound=QWidget)
PAYLOADS = Path(__file__).parents[1] / "data" / "payloads"
CONSENT_FILES = ["create-contact.json", "onboarding-2-phone.json", "update-primary.json"]


def forms_of(key: str) -> dict[str, bytes]:
    """Every spelling of the key that must not appear anywhere."""
    raw = key.encode("utf-8")
    return {
        "the key": raw,
        "its base64": base64.b64encode(raw),
        "its URL-safe base64": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "its last 8 characters": raw[-8:],
    }


def leaks(key: str, named: dict[str, bytes]) -> list[str]:
    """Where (name: form) any spelling of ``key`` shows up in ``named`` blobs."""
    return [
        f"{where}: {form}"
        for where, blob in named.items()
        for form, needle in forms_of(key).items()
        if needle in blob
    ]


def files_under(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by path, as bytes."""
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def cli(capsys: pytest.CaptureFixture[str], said: list[str], *args: str) -> int:
    """Run the CLI in this process and keep what it printed."""
    code = main(list(args))
    out, err = capsys.readouterr()
    said.append(out + err)
    return code


def child(window: MainWindow, kind: type[W], name: str) -> W:
    """The window's widget of ``kind`` called ``name`` (it must exist)."""
    found = window.findChild(kind, name)
    assert isinstance(found, kind), f"the window has no {kind.__name__} {name!r}"
    return found


def window_send(qtbot: QtBot, desk: Desk, profile: str) -> Summary:
    """Choose ``profile`` and press Send; the delivery's summary."""
    controller, window = desk.sending, desk.window
    controller.set_account(profile)
    with qtbot.waitSignal(controller.finished, timeout=20_000) as blocker:
        QTest.mouseClick(child(window, QPushButton, "sendButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not controller.is_running(), timeout=5_000)
    summary: Summary = blocker.args[0]
    return summary


def test_the_api_key_lands_in_no_file_and_no_output(
    qtbot: QtBot,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    key = f"rk_live_{secrets.token_hex(20)}"
    said: list[str] = []
    exports = home() / "exports"
    exports.mkdir(parents=True)
    contact = tmp_path / "contact.json"
    contact.write_text(
        json.dumps({"userId": "secret-drill-window", "traits": {"firstName": "Zoë"}}), "utf-8"
    )

    with Sandbox(key=key) as sandbox:
        # The CLI: a profile with the key read from stdin, sends, a wrong key, exports.
        assert cli(capsys, said, "profile", "add", "loop", "--endpoint", sandbox.url) == 0
        assert cli(capsys, said, "profile", "add", "stale", "--endpoint", sandbox.url) == 0
        monkeypatch.setattr("sys.stdin", io.StringIO(key + "\n"))
        assert cli(capsys, said, "profile", "set-key", "loop") == 0
        monkeypatch.setattr("sys.stdin", io.StringIO("stale-key-0000000000\n"))
        assert cli(capsys, said, "profile", "set-key", "stale") == 0
        assert cli(capsys, said, "profile", "list") == 0
        files = [str(PAYLOADS / name) for name in CONSENT_FILES]
        assert cli(capsys, said, "send", "--wait", "--profile", "loop", *files) == 0
        lead = str(PAYLOADS / "onboarding-1-lead.json")
        assert cli(capsys, said, "send", "--wait", "--profile", "stale", lead) == 1
        with monkeypatch.context() as env:
            env.setenv("REGAL_API_KEY", key)
            assert cli(capsys, said, "outbox", "flush", "--wait", "--profile", "stale") == 0
        assert cli(capsys, said, "outbox", "list") == 0
        assert cli(capsys, said, "history", "list") == 0
        for out in ("evidence.csv", "evidence.jsonl", "-"):
            target = out if out == "-" else str(exports / out)
            assert cli(capsys, said, "history", "export", target) == 0

        # The window: send with the stored key, then with a refused key typed again.
        dialogs = ScriptedDialogs()
        dialogs.key_answers = [key] * 5  # the key, whenever it is asked for
        desk = build_main_window([str(contact)], dialogs=dialogs)
        window = desk.window
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window_send(qtbot, desk, "loop").delivered == 1
        desk.app.keys.set("stale", "stale-key-0000000000")
        desk.sending.keys.typed.pop("stale", None)
        assert window_send(qtbot, desk, "stale").auth_failed
        assert window_send(qtbot, desk, "stale").delivered >= 1
        assert dialogs.key_requests, "the refused key was never asked for again"
        assert dialogs.confirmations == [], "a loopback account must not ask to confirm"
        QTest.keyClicks(child(window, QLineEdit, "firstNameEdit"), "x")
        desk.editor.autosave_now()
        assert (home() / "data" / "autosave.json").exists()
        while_open = files_under(home())
        said.append(window.statusBar().currentMessage())
        window.close()  # writes window.ini; qtbot destroys the window after the test
        assert all(r.authorized for r in sandbox.received if r.status == 200)
        arrived = [r.body for r in sandbox.received if r.status == 200]

    after_close = files_under(home())
    assert any(name.endswith("window.ini") for name in after_close)
    assert any(name.endswith("-wal") for name in while_open)
    # Some requests carry the same body (one contact sent twice), so the tally is by
    # request: every queued request delivered, and as many 200s as requests.
    with closing(sqlite3.connect(home() / "data" / "regal-desktop.sqlite3")) as conn:
        queued = [(str(s), str(b)) for s, b in conn.execute("SELECT state, body FROM requests")]
    assert {state for state, _ in queued} == {"delivered"}
    assert {body for _, body in queued} == set(arrived)
    print(
        f"DRILL secret: sent {len(queued)}, arrived {len(arrived)} (distinct "
        f"{len(set(arrived))} bodies), lost 0, duplicates {len(arrived) - len(queued)} "
        f"(bound 0); scanned {len(after_close | while_open)} files, {len(said)} outputs, "
        f"{len(caplog.records)} log records"
    )
    assert len(arrived) == len(queued)
    captured = {
        "CLI and window messages": "\n".join(said).encode("utf-8"),
        "prompts": "\n".join(dialogs.messages + dialogs.asked).encode("utf-8"),
        "Python logging": "\n".join(
            f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
        ).encode("utf-8"),
        "environment": repr(sorted(k for k in os.environ if "REGAL" in k)).encode(),
    }
    found = leaks(key, {**while_open, **after_close, **captured})
    assert not found, f"the API key leaked: {found}"
    print("scanned:", ", ".join(sorted(Path(p).name for p in while_open | after_close)))


def test_the_scan_finds_every_spelling_of_a_planted_key(tmp_path: Path) -> None:
    key = f"rk_live_{secrets.token_hex(20)}"
    for name, form in forms_of(key).items():
        (tmp_path / "settings.ini").write_bytes(b"x=" + form + b"\n")
        assert leaks(key, files_under(tmp_path)), f"{name} went unnoticed"
    assert not leaks(key, {"clean": b"profile loop saved"})
