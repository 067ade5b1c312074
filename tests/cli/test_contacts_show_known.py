"""``regal-desktop contacts show KEY``: the merged profile (this desk's deliveries and
Regal's newer events), with since when and from where per consent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from regal_desktop.commands import contacts
from regal_desktop.context import open_context
from regal_desktop.sandbox.server import Sandbox
from tests.helpers.regal import regal_event, run_command, send_and_deliver
from tests.helpers.servers import sandbox

__all__ = ["sandbox"]  # the fixture

NUMBER = "+19545552399"


def _run(*args: str) -> int:
    return run_command(contacts, "contacts", *args)


def _stop(number: str, when: str, user_id: str | None = None) -> Any:
    return regal_event(number, False, when, user_id=user_id)


def test_show_merges_a_newer_stop_from_regal_and_says_where_each_consent_is_from(
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
) -> None:
    consent = {"subscribed": True, "timestamp": "2026-11-20T10:00:00Z", "text": "Yes"}
    body = {
        "userId": "u-1",
        "traits": {"phones": {NUMBER: {"smsOptIn": consent, "voiceOptIn": consent}}},
    }
    ctx = open_context()
    try:
        send_and_deliver(ctx, sandbox, body)
        ctx.store.events.add([_stop(NUMBER, "1795000000")], "test")  # 2026-11-19: older
        ctx.store.events.add([_stop(NUMBER, "2026-11-21T09:30:00Z")], "test")
    finally:
        ctx.close()
    assert _run("show", "(954) 555-2399") == 0
    out, err = capsys.readouterr()
    phone = json.loads(out)["traits"]["phones"][NUMBER]
    assert phone["smsOptIn"] == {
        "subscribed": False,
        "timestamp": "2026-11-21T09:30:00.000Z",
        "source": "regalvoice.sms",
    }
    assert phone["voiceOptIn"] == consent
    lines = err.splitlines()
    assert any(
        line.startswith("+1 954-555-2399 SMS: unsubscribed since ")
        and line.endswith(", from Regal (regalvoice.sms)")
        for line in lines
    ), lines
    assert any(
        line.startswith("+1 954-555-2399 Voice: subscribed since ")
        and line.endswith(", from this desk")
        for line in lines
    ), lines


def test_show_finds_a_contact_only_regal_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("show", "+1 305 555 0100") == 1
    assert "no contact matches" in capsys.readouterr().err
    ctx = open_context()
    try:
        ctx.store.events.add([_stop("+13055550100", "2026-11-21T09:30:00Z", "r-9")], "test")
    finally:
        ctx.close()
    assert _run("show", "r-9") == 0
    out, err = capsys.readouterr()
    profile = json.loads(out)
    assert profile["userId"] == "r-9"
    assert profile["traits"]["phones"]["+13055550100"]["isPrimary"] is True
    assert err.splitlines()[0] == "Known only from Regal's events."


def test_find_lists_a_contact_only_regal_reported_by_phone_email_or_user_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run("find", "(305) 555-0100") == 1
    capsys.readouterr()
    ctx = open_context()
    try:
        ctx.store.events.add([_stop("+13055550100", "2026-11-21T09:30:00Z", "r-9")], "test")
        mail = regal_event(None, False, "2026-11-21T09:31:00Z", channel="email", user_id="r-9",
                           email="Ann@Example.com")  # fmt: skip
        ctx.store.events.add([mail], "test")
    finally:
        ctx.close()
    for typed in ("(305) 555-0100", "ann@example.com", "r-9"):
        assert _run("find", typed) == 0
        assert capsys.readouterr().out == "+13055550100\t(known from Regal)\tr-9\n", typed
    assert _run("find", "305555") == 1  # Regal-only contacts are found by exact keys only
