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

import keyring
import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from regal_desktop.cli import main
from regal_desktop.commands.common import check_with_directory, load_all
from regal_desktop.context import open_context
from regal_desktop.delivery.report import Summary
from regal_desktop.sandbox import Sandbox
from regal_desktop.services.accounts import Destination
from regal_desktop.services.sending import Prepared, deliver, queue
from regal_desktop.ui.shell.build import Desk, build_main_window
from regal_desktop.ui.shell.window import MainWindow
from tests.helpers.dialogs import ScriptedDialogs

from .tools import database, home, states

pytestmark = pytest.mark.drill

W = TypeVar("W", bound=QWidget)
PAYLOADS = Path(__file__).parents[1] / "data" / "payloads"
CONSENT_FILES = ["create-contact.json", "onboarding-2-phone.json", "update-primary.json"]


def forms_of(key: str) -> dict[str, bytes]:
    """Every spelling of the key that must not appear anywhere: for a key pasted across
    a wrapped line, also as ``repr`` and JSON escape it, and each of its lines."""
    raw = key.encode("utf-8")
    forms = {
        "the key": raw,
        "its base64": base64.b64encode(raw),
        "its URL-safe base64": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "its last 8 characters": raw[-8:],
        "as repr escapes it": repr(key)[1:-1].encode("utf-8"),
        "as JSON escapes it": json.dumps(key)[1:-1].encode("utf-8"),
    }
    for number, line in enumerate(key.splitlines(), start=1):
        if len(line) >= 8 and line != key:
            forms[f"its line {number}"] = line.encode("utf-8")
    return forms


def cells(model: QAbstractItemModel) -> str:
    """Everything a table shows: each cell's text and tooltip."""
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    return "\n".join(
        str(model.index(row, column).data(role))
        for row in range(model.rowCount())
        for column in range(model.columnCount())
        for role in roles
    )


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


def test_a_key_with_a_line_break_lands_in_no_file_output_log_or_cell(
    qtbot: QtBot,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A key pasted across a wrapped line keeps its line break. Every way in refuses it
    in one line; a request sent with it anyway is held once, with an answer that says
    so; the right key then delivers everything; and no spelling of either shows up."""
    caplog.set_level(logging.DEBUG)
    key = f"rk_live_{secrets.token_hex(20)}"
    wrapped = key[:24] + "\n" + key[24:]
    said: list[str] = []
    refusals: list[str] = []
    exports = home() / "exports"
    exports.mkdir(parents=True)
    contact = tmp_path / "contact.json"
    contact.write_text(
        json.dumps({"userId": "wrapped-key-drill", "traits": {"firstName": "Zoë"}}), "utf-8"
    )
    files = [str(PAYLOADS / name) for name in CONSENT_FILES]

    def refused(*args: str) -> None:
        """The CLI refuses with exit 2 and one line naming the line break."""
        assert cli(capsys, said, *args) == 2
        lines = [line for line in said[-1].splitlines() if line.strip()]
        assert len(lines) == 1 and "line break" in lines[0], said[-1]
        refusals.append(lines[0])

    with Sandbox(key=key) as sandbox:
        # Every way in: set-key from stdin, REGAL_API_KEY, a keychain entry another
        # tool wrote.
        assert cli(capsys, said, "profile", "add", "loop", "--endpoint", sandbox.url) == 0
        monkeypatch.setattr("sys.stdin", io.StringIO(wrapped + "\n"))
        refused("profile", "set-key", "loop")
        with monkeypatch.context() as env:
            env.setenv("REGAL_API_KEY", wrapped)
            refused("send", "--wait", "--profile", "loop", *files)
        keyring.get_keyring().set_password("regal-desktop", "loop", wrapped)
        refused("send", "--wait", "--profile", "loop", *files)
        assert cli(capsys, said, "profile", "list") == 0
        assert "key unusable" in said[-1]
        assert not database().exists() or states(database()) == {}

        # Past every check (as a version without them would): held once, not retried.
        ctx = open_context()
        try:
            loaded, problems = load_all(files)
            assert not problems
            prepared = [Prepared(p.source, check_with_directory(ctx, p.raw)) for p in loaded]
            destination = Destination(ctx.profile("loop"), wrapped)
            queue(ctx.store, prepared, destination, "drill")
            summary = deliver(ctx.database, destination)
        finally:
            ctx.close()
        assert summary.auth_failed and "line break" in summary.message
        said.append(summary.message)
        assert sandbox.received == []
        with closing(sqlite3.connect(database())) as conn:
            tries = conn.execute("SELECT request_id, answer FROM attempts").fetchall()
        # Those already taken by a worker are held too, each after one attempt: no retry.
        assert len({r for r, _ in tries}) == len(tries) >= 1, tries
        assert all("line break" in str(answer) for _, answer in tries), tries
        assert set(states(database())) <= {"held", "queued"}

        # The window: the keychain's key is asked for again; the wrapped one typed is
        # refused; the right one delivers all; Settings refuses it next to the field.
        dialogs = ScriptedDialogs()
        dialogs.key_answers = [wrapped, key]
        desk = build_main_window([str(contact)], dialogs=dialogs)
        window = desk.window
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        desk.sending.set_account("loop")
        QTest.mouseClick(child(window, QPushButton, "sendButton"), Qt.MouseButton.LeftButton)
        assert dialogs.errors and "line break" in dialogs.errors[-1]
        delivered = window_send(qtbot, desk, "loop").delivered
        assert delivered == len(files) + 1
        settings = desk.open_settings()
        settings.accounts.add()
        for name, text in (("profileNameEdit", "pasted"), ("profileKeyEdit", wrapped)):
            edit = settings.findChild(QLineEdit, name)
            assert isinstance(edit, QLineEdit), name
            edit.insert(text)  # as a paste: a QLineEdit keeps the line break
        error = settings.findChild(QLabel, "profileError")
        assert isinstance(error, QLabel) and "line break" in error.text()
        said.append(error.text())
        settings.reject()
        table_cells = cells(desk.outbox.model) + cells(desk.side.show_history().model)
        while_open = files_under(home())
        said.append(window.statusBar().currentMessage())
        window.close()
        arrived = [r.body for r in sandbox.received if r.status == 200]
        assert all(r.authorized for r in sandbox.received)

    # The command line's view of it all, and the exports.
    assert cli(capsys, said, "outbox", "list") == 0
    assert cli(capsys, said, "history", "list") == 0
    for out in ("evidence.csv", "evidence.jsonl", "-"):
        target = out if out == "-" else str(exports / out)
        assert cli(capsys, said, "history", "export", target) == 0
    after_close = files_under(home())
    with closing(sqlite3.connect(database())) as conn:
        queued = [str(state) for (state,) in conn.execute("SELECT state FROM requests")]
    assert set(queued) == {"delivered"}
    print(
        f"DRILL secret-wrapped-key: sent {len(queued)}, arrived {len(arrived)} (distinct "
        f"{len(set(arrived))}), lost 0, duplicates {len(arrived) - len(queued)} (bound 0); "
        f"refused at {len(refusals) + 2} entry points, held after {len(tries)} attempt(s) "
        f"without a retry; scanned "
        f"{len(after_close | while_open)} files, {len(said)} outputs, "
        f"{len(table_cells.splitlines())} cells, {len(caplog.records)} log records"
    )
    assert len(arrived) == len(queued)
    captured = {
        "CLI and window messages": "\n".join(said).encode("utf-8"),
        "dialogs": "\n".join(
            dialogs.messages + dialogs.asked + [r for _, r, _ in dialogs.key_requests]
        ).encode("utf-8"),
        "table cells": table_cells.encode("utf-8"),
        "Python logging": "\n".join(
            f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
        ).encode("utf-8"),
    }
    for secret in (wrapped, key):
        found = leaks(secret, {**while_open, **after_close, **captured})
        assert not found, f"the API key leaked: {found}"
