"""``regal-desktop reconcile``: did each consent change Regal accepted take effect, and
what did Regal change on its own?

One line per consent change this desk sent (and Regal accepted) and per change Regal
reported that this desk did not send, with its status: ``confirmed``, ``not-confirmed``,
``changed-in-regal`` or ``regal-only`` (``domain.reconcile``). Exit 0 when nothing was
changed in Regal and nothing has waited for Regal's report longer than the grace, else 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import Any

from regal_desktop.commands.common import OK, PROBLEM, context, fail, run
from regal_desktop.domain.consent import change_word, format_point
from regal_desktop.domain.model import Channel
from regal_desktop.domain.reconcile import DEFAULT_GRACE, Line, problems_first
from regal_desktop.domain.visible import visible
from regal_desktop.services.clock import local_now, local_time
from regal_desktop.services.reconcile import parse_since, reconcile_store, tally, waiting_words

FORMATS = ("text", "jsonl")


def _hours(text: str) -> float:
    try:
        hours = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours") from None
    if not 0 <= hours < 24 * 365 * 100:
        raise argparse.ArgumentTypeError(f"{text!r}: the grace is 0 hours or more")
    return hours


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``reconcile``."""
    parser = subparsers.add_parser(
        "reconcile",
        help="compare the consent changes Regal accepted with the events Regal reported",
        description="One line per consent change this desk sent and Regal accepted, and per "
        "change Regal reported that this desk did not send: confirmed (Regal reported the "
        "same state), not-confirmed (not reported yet), changed-in-regal (a later Regal "
        "event says otherwise), regal-only. Exit 1 when a change was changed in Regal or "
        "is not confirmed for longer than the grace.",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="only changes accepted (or, for Regal's, made) at or after DATE "
        "(2026-11-01 or 2026-11-01T13:30:00Z; UTC unless an offset is given)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="text for people (default), jsonl"
    )
    parser.add_argument(
        "--grace",
        type=_hours,
        default=DEFAULT_GRACE.total_seconds() / 3600,
        metavar="HOURS",
        help="how long a change may wait for Regal's report before it counts (default 24)",
    )
    parser.set_defaults(handler=run(_reconcile))


def _ours(line: Line) -> str:
    if line.ours is None:
        return "—"
    sent = line.ours
    return f"{change_word(sent.subscribed)} {local_time(sent.at)} (request {sent.request_id})"


def _regal(line: Line) -> str:
    if line.regal is None and line.superseded:
        return "superseded by a later change"
    if line.regal is None:
        return f"waiting {waiting_words(line.waiting)}" if line.waiting is not None else "—"
    event = line.regal
    source = f" {visible(event.source)}" if event.source else ""
    return f"{change_word(event.subscribed)} {local_time(event.at)}{source}"


def text_line(line: Line) -> str:
    """One line of the text report: status, channel, point, this desk's side, Regal's."""
    channel = Channel(line.channel).label
    return (
        f"{line.status.value:<17} {channel:<7} {visible(format_point(line.point)):<24} "
        f"{_ours(line):<48} {_regal(line)}"
    )


def _reconcile(options: argparse.Namespace) -> int:
    try:
        since = parse_since(options.since) if options.since else None
    except ValueError as exc:
        raise fail(str(exc)) from None
    grace = timedelta(hours=options.grace)
    with context() as ctx:
        lines = reconcile_store(ctx.store, local_now(), since)
    counted = tally(lines, grace)
    if options.format == "jsonl":
        for line in lines:
            print(json.dumps(line.to_json(), ensure_ascii=False))
    else:
        if lines:
            print(f"{'STATUS':<17} {'CHANNEL':<7} {'POINT':<24} {'THIS DESK':<48} REGAL")
        for line in problems_first(lines, grace):
            print(text_line(line))
    print(counted.summary, file=sys.stderr)
    return PROBLEM if counted.problems else OK
