"""``regal-desktop history list | export``: what was sent, and the consent evidence."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from regal_desktop.commands.common import OK, context, fail, run
from regal_desktop.context import AppContext
from regal_desktop.domain.consent import describe_consent
from regal_desktop.domain.visible import visible
from regal_desktop.services.evidence import (
    FORMATS,
    ExportError,
    export_evidence,
    format_for,
    write_evidence,
)
from regal_desktop.store.history import ImportBatch, StoredConsent
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
        description="One row per consent object sent: point, kind, channel, subscribed, text, "
        "ip, timestamp, source, operator, db_role (the team database's role that queued "
        "it), profile, endpoint, queued_at, accepted_at, state, "
        "request_id, sha256 (of the exact body sent), change ('change', or 'restatement' "
        "when it sent the state already known), was (the state known before), reason, "
        "proof, method, received_at, template, template_version, route ('regal' or "
        "'segment'), message_id (Segment's message id base) and batch (the Segment batch "
        "that delivered it). The file is written only when complete.",
    )
    _add_filters(export)
    export.add_argument("--changes-only", action="store_true", help="leave out the restatements")
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


def _consent_summary(stored: list[StoredConsent]) -> str:
    """The consent a request carried as the history stored it: changes, and restatements
    of the known state said as such."""
    lines = [
        describe_consent(c.channel, c.subscribed, c.point, restatement=not c.is_change)
        for c in stored
    ]
    return "; ".join(lines) or "no consent change"


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
        consent = ctx.store.history.consent_of([row.id for row in rows])
    if not rows:
        print("no request matches", file=sys.stderr)
        return OK
    for row in rows:
        summary = _consent_summary(consent.get(row.id, []))
        print(
            f"{row.created_at}  {row.id:>6}  {row.state:<9}  {visible(row.profile):<12}  "
            f"{visible(row.contact):<18}  {visible(summary)}"
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
                changes_only=options.changes_only,
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
