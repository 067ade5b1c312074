"""What the sub-commands share: opening the context, printing findings and progress."""

from __future__ import annotations

import errno
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from regal_desktop.context import AppContext, open_context
from regal_desktop.delivery.keys import scrub
from regal_desktop.delivery.report import Progress
from regal_desktop.domain.check import Checked
from regal_desktop.domain.consent import format_point
from regal_desktop.domain.visible import visible
from regal_desktop.logs import report_unexpected, setup_logging, stop_logging
from regal_desktop.paths import HomeError, app_paths
from regal_desktop.services.checking import check_known
from regal_desktop.services.known import known_lookup
from regal_desktop.services.payload_files import (
    LoadedPayload,
    PayloadFileError,
    iter_payloads,
    read_payloads,
)
from regal_desktop.store import StoreError
from regal_desktop.store.db import NOTHING_CHANGED, is_busy

OK, PROBLEM, USAGE = 0, 1, 2


class CommandError(Exception):
    """Stops a command with a message and an exit code (printed, never a traceback)."""

    def __init__(self, message: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = USAGE) -> CommandError:
    """A CommandError to raise: ``raise fail("...")``."""
    return CommandError(message, code)


@contextmanager
def context() -> Iterator[AppContext]:
    """Open the application context for one command, reporting store problems plainly."""
    try:
        ctx = open_context()
    except (StoreError, HomeError) as exc:
        raise fail(str(exc)) from None
    log = setup_logging(ctx.paths, scrub=scrub)
    try:
        for notice in ctx.store.notices:
            print(f"regal-desktop: {notice}", file=sys.stderr)
        yield ctx
    except (CommandError, StoreError, sqlite3.DatabaseError, KeyboardInterrupt):
        raise
    except Exception as exc:
        if is_output_error(exc):
            raise  # where the output goes, not a bug: ``run`` and ``cli.main`` say so
        # A bug, not bad input: the details go to the log, the person gets one sentence.
        raise fail(report_unexpected(exc, ctx.paths, scrub), PROBLEM) from exc
    finally:
        stop_logging(log)
        ctx.close()


#: Errors of writing the output: a closed pipe (``outbox list | head``), a full disk.
_OUTPUT_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def is_output_error(exc: BaseException) -> bool:
    """True for an error of writing the output (or a file): a closed pipe, a full disk."""
    return isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS


def run(handler: Callable[[Any], int]) -> Callable[[Any], int]:
    """Wrap a handler so CommandError becomes a message and an exit code.

    A closed pipe (``BrokenPipeError``) goes on to ``cli.main``, which ends quietly; a
    full disk under the output is one line, exit 2.
    """

    def wrapped(options: Any) -> int:
        try:
            code = handler(options)
            sys.stdout.flush()  # output to a pipe or a file fails here, if it fails
            return code
        except BrokenPipeError:
            raise
        except OSError as exc:
            if not is_output_error(exc):
                raise
            print(f"regal-desktop: cannot write the output: {exc.strerror}", file=sys.stderr)
            return USAGE
        except CommandError as exc:
            print(f"regal-desktop: {visible(str(exc), keep_lines=True)}", file=sys.stderr)
            return exc.code
        except StoreError as exc:
            print(f"regal-desktop: {exc}", file=sys.stderr)
            return USAGE
        except sqlite3.DatabaseError as exc:
            # A file that opened but is damaged inside, or a lock that outlasted the wait.
            where = app_paths().database
            advice = (
                "another program is using it; try again when it is done"
                if is_busy(exc)
                else "it is damaged: move it aside (a new one is started) or restore a backup"
            )
            print(f"regal-desktop: {where}: {exc}; {advice}", file=sys.stderr)
            return USAGE

    return wrapped


class PayloadStream:
    """Every payload of ``files``, read one at a time (a 200 MB file never sits in
    memory). A file that cannot be read is said on standard error when it is met, its
    remaining payloads are skipped and the next file is read; ``problems`` counts them."""

    def __init__(self, files: list[str]) -> None:
        self.files = files
        self.problems = 0
        self.count = 0

    def __iter__(self) -> Iterator[LoadedPayload]:
        for name in self.files:
            try:
                for payload in iter_payloads(Path(name)):
                    self.count += 1
                    yield payload
            except PayloadFileError as exc:
                self.problems += 1
                print(visible(str(exc)), file=sys.stderr)


def load_all(files: list[str]) -> tuple[list[LoadedPayload], list[str]]:
    """Every payload of every file, and the messages of files that could not be read
    (all in memory: for a few files; commands read ``PayloadStream``)."""
    loaded: list[LoadedPayload] = []
    problems: list[str] = []
    for name in files:
        try:
            loaded.extend(read_payloads(Path(name)))
        except PayloadFileError as exc:
            problems.append(str(exc))
    return loaded, problems


def check_with_directory(ctx: AppContext, raw: Any, *, restate: bool = False) -> Checked:
    """Check a payload, knowing the profile this desk holds for the same contact: consent
    objects equal to the known ones are left out unless ``restate``."""
    return check_known(raw, ctx.region, known_lookup(ctx.store), restate=restate)[0]


def print_findings(source: str, checked: Checked, out: TextIO) -> None:
    """One line per finding: ``FILE: error|warning|info: PATH: message``; then one line
    per consent object left out because it equals what the directory knows."""
    for finding in checked.findings:
        print(visible(f"{source}: {finding}"), file=out)
    for _kind, point, channel in checked.left_out:
        print(
            visible(
                f"{source}: unchanged, not sent: {channel.label} consent of "
                f"{format_point(point)} is what this desk knows (--restate sends it)"
            ),
            file=out,
        )


class ProgressLine:
    """A single rewritten progress line on a terminal; silent when not a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._store_down = ""  # the outage already said

    def __call__(self, progress: Progress) -> None:
        """Show ``progress`` (at most ten times a second); a team database that stopped
        answering is said once, on a line of its own, terminal or not."""
        if bool(progress.store_down) != bool(self._store_down):  # once per outage
            self._store_down = progress.store_down
            if progress.store_down:
                reason = progress.store_down.removesuffix(NOTHING_CHANGED)
                lead = "\n" if self.enabled and self._last else ""  # after the progress line
                self.stream.write(
                    f"{lead}regal-desktop: {reason}; delivery waits for it and goes on when "
                    "it is back (nothing is lost)\n"
                )
                self.stream.flush()
        now = time.monotonic()
        if not self.enabled or now - self._last < 0.1:
            return
        self._last = now
        done = progress.delivered + progress.rejected + progress.held
        self.stream.write(
            f"\r{done}/{self.total} done · {progress.delivered} delivered · "
            f"{progress.rejected} rejected · {progress.retrying} retrying · "
            f"{progress.in_flight} in flight   "
        )
        self.stream.flush()

    def close(self) -> None:
        """End the progress line."""
        if self.enabled and self._last:
            self.stream.write("\n")
            self.stream.flush()
