"""``regal-desktop revocations [--format text|jsonl] [--overdue]``: every opt-out this desk
recorded, tracked to the 10-business-day deadline; exit 1 when one is overdue."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from regal_desktop.commands.common import OK, PROBLEM, context, run
from regal_desktop.domain.consent import format_point
from regal_desktop.domain.model import Channel
from regal_desktop.domain.revocations import DEADLINE_BUSINESS_DAYS
from regal_desktop.domain.visible import visible
from regal_desktop.services.clock import local_now, local_time
from regal_desktop.services.revocations import Revocation, revocations


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``revocations``."""
    parser = subparsers.add_parser(
        "revocations",
        help="opt-outs this desk recorded and whether Regal accepted them in time",
        description="Every opt-out this desk recorded: when the person asked (received), "
        "queued, accepted by Regal (or not yet), business days used and the deadline, "
        "overdue ones first. Business days are Monday to Friday in UTC; the day of receipt "
        f"does not count; an opt-out is overdue once the end of the "
        f"{DEADLINE_BUSINESS_DAYS}th business day after it was received has passed without "
        "Regal accepting it. Exit 1 when any is overdue, else 0.",
    )
    parser.add_argument(
        "--format",
        choices=("text", "jsonl"),
        default="text",
        help="a table for people (default) or one JSON object per line (times in UTC)",
    )
    parser.add_argument("--overdue", action="store_true", help="list only the overdue ones")
    parser.set_defaults(handler=run(_revocations))


_HEADER = ("Point", "Channel", "Received", "Queued", "Accepted", "Days", "Due (UTC day)", "")


def _row(item: Revocation) -> tuple[str, ...]:
    accepted = local_time(item.accepted_at.isoformat()) if item.accepted_at else "not yet"
    mark = "OVERDUE" if item.overdue else ("late" if item.late else "")
    return (
        visible(format_point(item.point)),
        Channel(item.channel).label,
        local_time(item.received_at.isoformat()),
        local_time(item.queued_at.isoformat()),
        accepted,
        str(item.business_days),
        item.due_day.isoformat(),
        mark,
    )


def _print_table(found: list[Revocation]) -> None:
    rows = [_HEADER, *(_row(item) for item in found)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def _revocations(options: argparse.Namespace) -> int:
    now = local_now()
    with context() as ctx:
        everything = revocations(ctx.store, now)
    overdue = [item for item in everything if item.overdue]
    shown = overdue if options.overdue else everything
    if options.format == "jsonl":
        for item in shown:
            print(json.dumps(item.as_json(), ensure_ascii=False))
    elif shown:
        _print_table(shown)
    else:
        print("no overdue revocations" if options.overdue else "no revocations recorded")
    print(
        f"{len(everything)} revocation(s), {len(overdue)} overdue "
        f"(past the {DEADLINE_BUSINESS_DAYS}-business-day deadline without Regal accepting them)",
        file=sys.stderr,
    )
    return PROBLEM if overdue else OK
