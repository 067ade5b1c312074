"""``regal-desktop reconcile``: text and jsonl, exit codes and ``--grace``, after real
deliveries to a loopback receiver and Regal's events in the store."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from regal_desktop.commands import reconcile
from regal_desktop.context import open_context
from regal_desktop.sandbox.server import Sandbox
from tests.helpers.regal import regal_event, run_command, send_and_deliver
from tests.helpers.servers import sandbox

__all__ = ["sandbox"]  # the fixture

OPTED_IN = "+19545550001"
LATER_STOP = "+19545550002"


def _run(*args: str) -> int:
    return run_command(reconcile, "reconcile", *args)


def _body(number: str) -> dict[str, Any]:
    consent = {"subscribed": True, "timestamp": "2026-11-20T10:00:00Z", "source": "web"}
    return {"traits": {"phones": {number: {"smsOptIn": consent}}}}


def _event(number: str, subscribed: bool, when: str, ident: str) -> Any:
    return regal_event(number, subscribed, when, channel="sms", ident=ident)


def _history(receiver: Sandbox, events: list[Any]) -> None:
    ctx = open_context()
    try:
        send_and_deliver(ctx, receiver, _body(OPTED_IN), _body(LATER_STOP))
        ctx.store.events.add(events, "test")
    finally:
        ctx.close()


def _later(monkeypatch: pytest.MonkeyPatch, hours: float) -> None:
    """Run the command as if ``hours`` had passed since the deliveries."""
    moment = datetime.now().astimezone() + timedelta(hours=hours)
    monkeypatch.setattr(reconcile, "local_now", lambda: moment)


def test_confirmed_and_waiting_within_the_grace_exit_0_and_beyond_it_1(
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _history(sandbox, [_event(OPTED_IN, True, "2026-11-20T10:00:00Z", "m1")])
    assert _run() == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split()[:3] == ["STATUS", "CHANNEL", "POINT"]
    assert "not-confirmed" in out and "confirmed" in out
    assert "+1 954-555-0002" in out and "waiting 0 min" in out
    assert err.strip() == (
        "2 changes: 0 changed-in-regal, 1 not-confirmed, 0 regal-only, 1 confirmed"
    )
    _later(monkeypatch, 25)
    assert _run() == 1
    assert "(1 for longer than the grace)" in capsys.readouterr().err
    assert _run("--grace", "48") == 0
    _later(monkeypatch, 0.5)
    assert _run("--grace", "0.25") == 1


def test_changed_in_regal_and_regal_only_in_jsonl_exit_1(
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _history(
        sandbox,
        [
            _event(OPTED_IN, True, "2026-11-20T10:00:00Z", "m1"),
            _event(LATER_STOP, True, "2026-11-20T10:00:00Z", "m2"),
            _event(LATER_STOP, False, "2026-11-21T08:00:00Z", "m3"),
            _event("+19545550009", False, "2026-11-21T08:00:00Z", "m4"),
        ],
    )
    assert _run("--format", "jsonl", "--grace", "1000") == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["point"], r["channel"], r["status"]) for r in records] == [
        (OPTED_IN, "sms", "confirmed"),
        (LATER_STOP, "sms", "changed-in-regal"),
        ("+19545550009", "sms", "regal-only"),
    ]
    changed = records[1]
    assert changed["ours"]["subscribed"] is True and changed["ours"]["change"] == "change"
    assert changed["regal"]["subscribed"] is False and changed["regal"]["id"] == "m3"
    assert changed["confirmed_by"]["id"] == "m2"
    assert records[2]["ours"] is None
    assert records[2]["regal"]["timestamp"] == "2026-11-21T08:00:00.000Z"


def test_nothing_to_reconcile_and_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run() == 0
    out, err = capsys.readouterr()
    assert out == "" and err.strip().startswith("0 changes")
    assert _run("--since", "last week") == 2
    assert "since 'last week' is not a date or time" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        _run("--grace", "-1")
    assert usage.value.code == 2
