"""``regal-desktop events import FILE...``: store Regal's own contact events from files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from regal_desktop.commands.common import OK, PROBLEM, USAGE, context, run
from regal_desktop.domain.regal_events import EventError, RegalEvent
from regal_desktop.domain.visible import visible
from regal_desktop.services.regal_events import EventFileError, read_events


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


#: Events written per transaction.
CHUNK = 5000


class _Tally:
    """What one import did: good events, rejections, files that could not be read."""

    def __init__(self) -> None:
        self.good = 0
        self.rejected = 0
        self.unreadable = 0


def _good_events(files: list[str], region: str, tally: _Tally) -> Iterator[tuple[RegalEvent, str]]:
    """Every good event of ``files`` with its origin (``FILE:LINE``); rejections and
    unreadable files are said on standard error as they are met."""
    for name in files:
        try:
            for line, read in read_events(Path(name), region):
                if isinstance(read, EventError):
                    tally.rejected += 1
                    print(visible(f"{name}:{line}: {read.reason}"), file=sys.stderr)
                    continue
                tally.good += 1
                yield read, f"{name}:{line}"
        except EventFileError as exc:
            tally.unreadable += 1
            print(visible(str(exc)), file=sys.stderr)


def _import(options: argparse.Namespace) -> int:
    tally = _Tally()
    stored = 0
    with context() as ctx:
        events = _good_events(options.files, ctx.region, tally)
        # Each chunk is read first and then written in a transaction of its own, so the
        # write lock is held for milliseconds and a running ``listen`` keeps answering.
        # Stopped part way, an import run again stores only what is missing.
        while chunk := list(islice(events, CHUNK)):
            stored += ctx.store.events.add_from(chunk)
    print(
        f"stored {stored}, already known {tally.good - stored}, rejected {tally.rejected}"
        + (f", files not read {tally.unreadable}" if tally.unreadable else "")
    )
    if tally.unreadable:
        return USAGE
    return PROBLEM if tally.rejected else OK


__all__ = ["add_parser"]
