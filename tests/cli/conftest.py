"""Run ``import`` and ``history`` the way ``regal-desktop`` will, on a test-local parser."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

from regal_desktop.commands import history, import_csv

Regal = Callable[..., int]


def _regal(*args: str) -> int:
    """Parse ``args`` as ``regal-desktop import|history ...`` and run the handler."""
    parser = argparse.ArgumentParser(prog="regal-desktop")
    commands = parser.add_subparsers(dest="command", required=True)
    import_csv.add_parser(commands)
    history.add_parser(commands)
    options = parser.parse_args(args)
    code: int = options.handler(options)
    return code


@pytest.fixture
def regal() -> Regal:
    """``regal("import", "FILE.csv", ...)``: the exit code of the command."""
    return _regal
