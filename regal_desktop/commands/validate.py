"""``regal-desktop validate [--print] FILE...``: findings for payload files."""

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
    print_findings,
    run,
)


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
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.set_defaults(handler=run(_validate))


def _validate(options: argparse.Namespace) -> int:
    findings_out = sys.stderr if options.print_body else sys.stdout
    has_errors = False
    payloads = PayloadStream(options.files)
    with context() as ctx:
        for payload in payloads:  # one at a time: a file of any size in little memory
            checked = check_with_directory(ctx, payload.raw)
            print_findings(payload.source, checked, findings_out)
            has_errors = has_errors or not checked.sendable
            if options.print_body and checked.sendable:
                print(checked.text)
    if payloads.problems:
        return USAGE
    return PROBLEM if has_errors else OK
