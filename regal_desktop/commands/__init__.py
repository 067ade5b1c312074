"""Sub-commands of ``regal-desktop``: each module adds its parser and handler."""

from __future__ import annotations

import argparse
from typing import Any

from regal_desktop.commands import (
    contacts,
    history,
    import_csv,
    outbox,
    profile,
    sandbox,
    send,
    validate,
)


def add_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register every sub-command on ``subparsers``."""
    for module in (validate, send, outbox, contacts, history, import_csv, profile, sandbox):
        module.add_parser(subparsers)
