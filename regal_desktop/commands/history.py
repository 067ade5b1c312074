"""``regal-desktop history list | export``: what was sent, and the consent evidence."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from regal_desktop.commands.common import OK, context, fail, run
from regal_desktop.context import AppContext
from regal_desktop.domain.consent import consent_changes, describe_change
from regal_desktop.domain.visible import visible
from regal_desktop.services.evidence import (
    FORMATS,
    ExportError,
    export_evidence,
    format_for,
    write_evidence,
)
from regal_desktop.store.history import ImportBatch
from regal_desktop.store.outbox import RequestRow
from regal_desktop.store.states import RequestState


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``history`` and its actions."""
    parser = subparsers.add_parser("history", help="requests sent and consent evidence")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", help="one line per request: time, id, state, profile, contact, consent"
    )
    _add_filters(listing)
    listing.add_argument(
        "--state",
        action="append",
        metavar="STATE",
        help="only requests in this state (repeat or separate with commas): "
        + RequestState.names(),
    )
    listing.add_argument("--limit", type=int, default=500, metavar="N", help="at most N (500)")
    listing.set_defaults(handler=run(_list))
    export = actions.add_parser(
        "export",
        help="every consent change as CSV or JSON lines, with who sent it and Regal's answer",
        description="One row per consent change: point, kind, channel, subscribed, text, "
        "ip, timestamp, source, operator, profile, endpoint, queued_at, accepted_at, state, "
        "request_id, sha256 (of the exact body sent). The file is written only when "
        "complete.",
    )
    _add_filters(export)
    export.add_argument(
        "--format", choices=FORMATS, help="csv or jsonl (default: from OUT's suffix; - is csv)"
    )
    export.add_argument("out", metavar="OUT", help="the file to write ('-': stdout)")
    export.set_defaults(handler=run(_export))


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contact", metavar="KEY", help="phone (any format), e-mail or userId")
    parser.add_argument("--since", metavar="DATE", help="queued at or after (2024-05-01, ...)")
    parser.add_argument("--until", metavar="DATE", help="queued at or before (a date: all day)")
    parser.add_argument(
        "--import",
        dest="import_name",
        metavar="NAME",
        help="only the requests imported from this CSV file (its name or path; every time "
        "it was imported)",
    )


def _imports(ctx: AppContext, name: str | None) -> list[ImportBatch] | None:
    """The imports ``--import NAME`` names; a failure naming the known ones if none."""
    if name is None:
        return None
    found: list[ImportBatch] = ctx.store.history.imports_named(name)
    if not found:
        known = sorted({batch.name for batch in ctx.store.history.imports()})
        listed = ", ".join(visible(n) for n in known) if known else "none yet"
        raise fail(f"no import of a CSV file named {visible(name)}; the imports are: {listed}")
    return found


def _states(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [state.strip() for value in values for state in value.split(",") if state.strip()]


def _consent_summary(row: RequestRow) -> str:
    try:
        changes = consent_changes(json.loads(row.body))
    except (ValueError, AttributeError, KeyError, TypeError):
        # Bodies are checked before they are queued; an unreadable one is still listed.
        return "(body not readable)"
    return "; ".join(describe_change(c) for c in changes) or "no consent change"


def _list(options: argparse.Namespace) -> int:
    with context() as ctx:
        try:
            rows = ctx.store.history.search(
                options.contact,
                options.since,
                options.until,
                _states(options.state),
                limit=options.limit,
                imports=_imports(ctx, options.import_name),
            )
        except ValueError as exc:
            raise fail(str(exc)) from None
    if not rows:
        print("no request matches", file=sys.stderr)
        return OK
    for row in rows:
        print(
            f"{row.created_at}  {row.id:>6}  {row.state:<9}  {visible(row.profile):<12}  "
            f"{visible(row.contact):<18}  {visible(_consent_summary(row))}"
        )
    return OK


def _export(options: argparse.Namespace) -> int:
    try:
        fmt = format_for(options.out, options.format)
    except ExportError as exc:
        raise fail(str(exc)) from None
    with context() as ctx:
        try:
            rows = ctx.store.history.evidence(
                options.contact,
                options.since,
                options.until,
                imports=_imports(ctx, options.import_name),
            )
            if options.out == "-":
                count = write_evidence(rows, sys.stdout, fmt)
            else:
                count = export_evidence(rows, Path(options.out), fmt)
        except (ValueError, ExportError) as exc:
            raise fail(str(exc)) from None
    where = "" if options.out == "-" else f" to {options.out}"
    print(f"{count} consent change(s) written{where}", file=sys.stderr)
    return OK


__all__ = ["add_parser"]
