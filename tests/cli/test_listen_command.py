"""``regal-desktop listen`` as a real process: refuses to start without a secret, prints a
line per event, and ends cleanly (exit 0) on SIGTERM."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest

from regal_desktop.cli import main
from tests.helpers.listen import SECRET, start_listen


def test_it_refuses_to_start_without_a_secret(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["listen", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("regal-desktop: no shared secret: set REGAL_EVENTS_SECRET")


def test_a_short_secret_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGAL_EVENTS_SECRET", "short")
    assert main(["listen", "--port", "0"]) == 2
    assert "the shared secret has 5 characters; use at least 16" in capsys.readouterr().err


def test_the_secret_may_come_from_the_keychain(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([SECRET, SECRET])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["listen", "--save-secret"]) == 0
    from regal_desktop.delivery.keys import events_secret

    assert events_secret({}) == SECRET
    assert SECRET not in capsys.readouterr().err


def test_sigterm_ends_it_cleanly_after_printing_each_event() -> None:
    process, url = start_listen()
    try:
        event = {
            "event": "contact.unsubscribed",
            "properties": {"phone": "+19545582399", "channel": "SMS", "source": "regalvoice.sms"},
        }
        answer = httpx.post(url, json=[event, {"event": 5}], auth=("x", SECRET), timeout=30)
        assert answer.status_code == 200
        assert answer.json()["stored"] == 1
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(
        "rejected from 127.0.0.1: event 1: event: the event name must be text, not int"
    )
    assert lines[1].endswith("stored: contact.unsubscribed +19545582399 sms (regalvoice.sms)")
    assert err.splitlines()[-1] == "stopped; 1 events stored in all"
    assert SECRET not in out + err
    home = Path(os.environ["REGAL_DESKTOP_HOME"])
    for path in home.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
