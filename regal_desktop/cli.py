"""The ``regal-desktop`` command: the window, or a sub-command for scripts and tests.

``regal-desktop [FILE]`` opens the window. ``validate``, ``send``, ``outbox``,
``contacts`` and ``sandbox`` do for payload files what the window does for one, with
stable output and exit codes (0 fine, 1 a payload or request problem, 2 a usage or
file problem).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from regal_desktop import __version__

#: The sub-commands; their modules are imported only when one is used (fast window start).
COMMANDS = (
    "validate",
    "send",
    "outbox",
    "contacts",
    "history",
    "revocations",
    "reconcile",
    "import",
    "profile",
    "sandbox",
    "events",
    "listen",
    "db",
)


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="regal-desktop",
        description="Edit Regal contacts and their consent, review the exact request, send it.",
        epilog=f"Commands for scripts: {', '.join(COMMANDS)} (regal-desktop COMMAND --help).",
    )
    parser.add_argument("file", nargs="?", help="a payload file to open (.json)")
    parser.add_argument("--version", action="version", version=f"regal-desktop {__version__}")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="start the whole application, paint the window once and exit (for package tests)",
    )
    return parser


def _command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="regal-desktop")
    parser.add_argument("--version", action="version", version=f"regal-desktop {__version__}")
    from regal_desktop.commands import add_commands

    add_commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    return parser


def _display_problem() -> str | None:
    """Why Qt could not open a window here, or None if it probably can."""
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "regal-desktop: no display to open the window on; run it with "
        "QT_QPA_PLATFORM=offscreen or under xvfb-run, or use a command "
        f"({', '.join(COMMANDS)})"
    )


#: The exit code of a command whose reader went away (``outbox list | head``): what a
#: shell shows for a Unix tool ended by SIGPIPE.
PIPE_CLOSED = 128 + 13


def _pipe_closed() -> int:
    """End quietly after the reader of the output went away, as Unix tools do."""
    # What is still buffered cannot be written; pointing stdout at /dev/null keeps the
    # interpreter's own flush at exit from printing an error.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return PIPE_CLOSED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    # No pydantic plugins are used; skipping their discovery saves a scan of every
    # installed package's metadata at start-up.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        options = _command_parser().parse_args(args)
        try:
            code: int = options.handler(options)
            sys.stdout.flush()
        except BrokenPipeError:
            return _pipe_closed()
        return code
    options = _gui_parser().parse_args(args)
    problem = _display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from regal_desktop.app import run_gui  # Qt is imported only when a window is wanted

    return run_gui(args)


if __name__ == "__main__":
    raise SystemExit(main())
