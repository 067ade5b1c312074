"""``regal-desktop contacts show KEY``: the merged profile (this desk's deliveries and
Regal's newer events), with since when and from where per consent."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import Any

import pytest

from regal_desktop.commands import contacts
from regal_desktop.context import open_context
from regal_desktop.domain.check import check
from regal_desktop.domain.regal_events import parse_event
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.services.accounts import AccountProfile, Destination
from regal_desktop.services.sending import Prepared, deliver, queue

NUMBER = "+19545552399"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A loopback receiver answering as Regal does."""
    with Sandbox() as receiver:
        yield receiver


def _run(*args: str) -> int:
    parser = argparse.ArgumentParser(prog="regal-desktop")
    commands = parser.add_subparsers(dest="command", required=True)
    contacts.add_parser(commands)
    options = parser.parse_args(["contacts", *args])
    code: int = options.handler(options)
    return code


def _stop(number: str, when: str, user_id: str | None = None) -> Any:
    obj: dict[str, Any] = {
        "name": "contact.unsubscribed",
        "traits": {"phone": number},
        "properties": {"channel": "SMS", "source": "regalvoice.sms", "timestamp": when},
    }
    if user_id:
        obj["userId"] = user_id
    return parse_event(obj)


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
        destination = Destination(AccountProfile(name="loop", endpoint=sandbox.url), None)
        queue(ctx.store, [Prepared("test", check(body))], destination, "tester")
        assert deliver(ctx.database, destination).delivered == 1
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
