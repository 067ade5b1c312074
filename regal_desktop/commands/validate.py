"""``regal-desktop validate [--print] [--profile NAME] FILE...``: findings for payload files."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from regal_desktop.commands.common import (
    OK,
    PROBLEM,
    USAGE,
    PayloadStream,
    check_with_directory,
    context,
    fail,
    print_findings,
    run,
)
from regal_desktop.context import AppContext
from regal_desktop.delivery.endpoint import EndpointError
from regal_desktop.services.accounts import AccountError, AccountProfile
from regal_desktop.services.routes import PREVIEW_NOTE, route_preview, with_route


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``validate``."""
    parser = subparsers.add_parser(
        "validate",
        help="check payload files and print their findings",
        description="Check payload files (.json with comments, or .jsonl/.ndjson: one per "
        "line). Prints FILE: error|warning: PATH: message. Exit 0 when every payload can be "
        "sent (warnings allowed), 1 when any has errors, 2 when a file cannot be read.",
    )
    parser.add_argument(
        "--print",
        dest="print_body",
        action="store_true",
        help="write the exact body that would be sent (findings then go to stderr)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="check for this account (default: the default one); for a Segment account the "
        "Segment route's checks apply and --print writes the Segment calls",
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.set_defaults(handler=run(_validate))


def _route_profile(ctx: AppContext, name: str | None) -> AccountProfile | None:
    """The account whose route the payloads are checked for: the one named (an unknown
    name stops the command), else the default one (None if it cannot be read)."""
    try:
        return ctx.profile(name)
    except (AccountError, EndpointError) as exc:
        if name is not None:
            raise fail(str(exc)) from None
        return None


def _validate(options: argparse.Namespace) -> int:
    findings_out = sys.stderr if options.print_body else sys.stdout
    has_errors = False
    payloads = PayloadStream(options.files)
    with context() as ctx:
        profile = _route_profile(ctx, options.profile)
        if options.print_body and profile is not None and profile.is_segment:
            print(f"regal-desktop: {PREVIEW_NOTE} (profile {profile.name})", file=sys.stderr)
        for payload in payloads:  # one at a time: a file of any size in little memory
            checked = with_route(profile, check_with_directory(ctx, payload.raw))
            print_findings(payload.source, checked, findings_out)
            has_errors = has_errors or not checked.sendable
            if options.print_body and checked.sendable:
                print(route_preview(profile, checked))
    if payloads.problems:
        return USAGE
    return PROBLEM if has_errors else OK
