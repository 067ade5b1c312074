"""Regal's side in tests: its contact events as ``events import`` would store them, a
history delivered to a real loopback receiver (``tests.helpers.servers.sandbox``), and a
command run through its parser."""

from __future__ import annotations

import argparse
from types import ModuleType
from typing import Any

from regal_desktop.context import AppContext
from regal_desktop.domain.check import check
from regal_desktop.domain.regal_events import RegalEvent, parse_event
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.services.accounts import AccountProfile, Destination
from regal_desktop.services.sending import Prepared, deliver, queue


def regal_event(
    number: str | None,
    subscribed: bool,
    when: str,
    *,
    channel: str = "SMS",
    source: str = "regalvoice.sms",
    user_id: str | None = None,
    email: str | None = None,
    ident: str | None = None,
) -> RegalEvent:
    """A ``contact.subscribed``/``unsubscribed`` Segment track call, checked."""
    properties: dict[str, Any] = {"channel": channel, "source": source, "timestamp": when}
    if number:
        properties["phone"] = number
    if email:
        properties["email"] = email
    obj: dict[str, Any] = {
        "type": "track",
        "event": "contact.subscribed" if subscribed else "contact.unsubscribed",
        "properties": properties,
    }
    if user_id:
        obj["userId"] = user_id
    if ident:
        obj["messageId"] = ident
    return parse_event(obj)


def send_and_deliver(ctx: AppContext, receiver: Sandbox, *bodies: dict[str, Any]) -> None:
    """Queue the bodies and deliver them all to the loopback receiver."""
    prepared = [Prepared(f"test:{n}", check(body)) for n, body in enumerate(bodies)]
    destination = Destination(AccountProfile(name="loop", endpoint=receiver.url), None)
    queue(ctx.store, prepared, destination, "tester")
    assert deliver(ctx.database, destination).delivered == len(bodies)


def run_command(module: ModuleType, name: str, *args: str) -> int:
    """Run the sub-command ``name`` of ``module`` (``commands.contacts``) with ``args``."""
    parser = argparse.ArgumentParser(prog="regal-desktop")
    commands = parser.add_subparsers(dest="command", required=True)
    module.add_parser(commands)
    options = parser.parse_args([name, *args])
    code: int = options.handler(options)
    return code
