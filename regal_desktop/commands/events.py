"""``regal-desktop events import FILE...``: store Regal's own contact events from files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from regal_desktop.commands.common import OK, PROBLEM, USAGE, context, run
from regal_desktop.services.event_import import import_events


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``events`` and its ``import``."""
    parser = subparsers.add_parser(
        "events",
        help="Regal's own contact events (subscribed, unsubscribed, edited)",
        description="Keep the contact events Regal reports (contact.subscribed, "
        "contact.unsubscribed, contact.attribute.edited, ...) beside what this desk sent.",
    )
    actions = parser.add_subparsers(dest="events_command", required=True, metavar="ACTION")
    importing = actions.add_parser(
        "import",
        help="store the events of JSON, JSON lines or CSV export files",
        description="Read events from JSON (one event, an array or a Segment batch), JSON "
        "lines, or a CSV export of Segment's warehouse tables; check each one and store "
        "those not already known (an event is known by its message id, else its content). "
        "Bad events are reported as FILE:LINE: reason and skipped. Exit 0 when every event "
        "was good, 1 when some were rejected (the good ones are stored), 2 when a file "
        "cannot be read.",
    )
    importing.add_argument("files", nargs="+", metavar="FILE")
    importing.set_defaults(handler=run(_import))


def _import(options: argparse.Namespace) -> int:
    def say(line: str) -> None:
        print(line, file=sys.stderr)

    results = []
    with context() as ctx:
        for name in options.files:
            result = import_events(ctx.store, Path(name), ctx.region, on_rejected=say)
            if result.unreadable is not None:
                say(result.unreadable)
            results.append(result)
    stored = sum(result.stored for result in results)
    known = sum(result.read for result in results) - stored
    rejected = sum(len(result.rejected) for result in results)
    unreadable = sum(result.unreadable is not None for result in results)
    print(
        f"stored {stored}, already known {known}, rejected {rejected}"
        + (f", files not read {unreadable}" if unreadable else "")
    )
    if unreadable:
        return USAGE
    return PROBLEM if rejected else OK


__all__ = ["add_parser"]
