"""Sub-commands of ``regal-desktop``: each module adds its parser and handler."""

from __future__ import annotations

import argparse
from typing import Any

from regal_desktop.commands import (
    contacts,
    db,
    events,
    history,
    import_csv,
    listen,
    outbox,
    profile,
    reconcile,
    revocations,
    sandbox,
    send,
    validate,
)


def add_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register every sub-command on ``subparsers``."""
    for module in (
        validate,
        send,
        outbox,
        contacts,
        history,
        revocations,
        reconcile,
        import_csv,
        profile,
        sandbox,
        events,
        listen,
        db,
    ):
        module.add_parser(subparsers)
