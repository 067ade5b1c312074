"""``regal-desktop send [--wait [--timeout SECONDS]] [--profile NAME] [--rate N] FILE...``."""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from regal_desktop.commands.common import (
    OK,
    PROBLEM,
    USAGE,
    CommandError,
    PayloadStream,
    ProgressLine,
    check_with_directory,
    context,
    fail,
    print_findings,
    run,
)
from regal_desktop.context import AppContext
from regal_desktop.delivery.endpoint import EndpointError
from regal_desktop.delivery.keys import UnusableKey
from regal_desktop.delivery.report import regal_answer
from regal_desktop.services.accounts import AccountError, Destination
from regal_desktop.services.clock import local_time
from regal_desktop.services.routes import with_route
from regal_desktop.services.sending import NotSendableError, Prepared, deliver, queue_stream
from regal_desktop.store import RequestRow, open_store
from regal_desktop.store.states import ENDPOINT_CHANGED, RequestState


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``send``."""
    parser = subparsers.add_parser(
        "send",
        help="queue payload files in the outbox and deliver them",
        description="Check every payload; if any has errors nothing is queued (exit 1). "
        "Otherwise all are queued in one transaction and delivered. Without --wait the "
        "command returns once nothing is due now (retries stay in the outbox); with --wait "
        "it returns when every payload is accepted (exit 0) or some were rejected (exit 1), "
        "saying what it waits for and until when; with --timeout it gives up after that "
        "many seconds (exit 1), leaving the rest queued.",
    )
    add_delivery_options(parser)
    add_restate_option(parser)
    parser.add_argument("files", nargs="+", metavar="FILE", help=".json, .jsonl or .ndjson")
    parser.set_defaults(handler=run(_send))


def add_restate_option(parser: argparse.ArgumentParser) -> None:
    """``--restate``, shared with ``import``."""
    parser.add_argument(
        "--restate",
        action="store_true",
        help="send consent objects equal to what this desk knows as written (listed as "
        "restatements in the history); without it they are left out of the body",
    )


def add_delivery_options(parser: argparse.ArgumentParser) -> None:
    """``--wait``, ``--timeout``, ``--profile`` and ``--rate``, shared with ``outbox flush``."""
    parser.add_argument("--wait", action="store_true", help="wait until every request is done")
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="stop waiting after SECONDS (once the requests in flight end): exit 1, the "
        "rest stays queued",
    )
    parser.add_argument("--profile", metavar="NAME", help="account profile (default: the default)")
    parser.add_argument("--rate", type=float, metavar="N", help="requests per second (override)")


def resolve(ctx: AppContext, options: argparse.Namespace) -> Destination:
    """The destination for this run, or a CommandError saying what is wrong."""
    ctx.account = options.profile  # REGAL_API_KEY is its key, and no other account's
    try:
        dest = ctx.destination(options.profile, options.rate)
    except (AccountError, EndpointError, UnusableKey) as exc:
        raise fail(str(exc)) from None
    if dest.needs_key:
        raise fail(
            f"profile {dest.profile.name!r} has no API key: set it with "
            f"'regal-desktop profile set-key {dest.profile.name}' or REGAL_API_KEY"
        )
    return dest


def _send(options: argparse.Namespace) -> int:
    # The files are read twice, one payload at a time, so a file of any size is sent in
    # little memory: first every payload is checked (nothing is queued if one has errors),
    # then each is read and checked again and queued, all in one transaction.
    with context() as ctx:
        dest = resolve(ctx, options)
        payloads = PayloadStream(options.files)
        sendable = True
        for payload in payloads:
            checked = check_with_directory(ctx, payload.raw, restate=options.restate)
            checked = with_route(dest.profile, checked)  # a Segment account's checks too
            print_findings(payload.source, checked, sys.stdout)
            sendable = sendable and checked.sendable
        if payloads.problems:
            print("regal-desktop: nothing was queued", file=sys.stderr)
            return USAGE
        if not sendable:
            print("regal-desktop: some payloads have errors; nothing was queued", file=sys.stderr)
            return PROBLEM
        try:
            again = _again(ctx, payloads, restate=options.restate)
            ids = queue_stream(ctx.store, again, dest, ctx.operator)
        except NotSendableError as exc:  # it passed the first reading
            raise fail(f"the files changed while being sent ({exc}); nothing was queued") from None
        except _ChangedError as exc:
            raise fail(f"{exc}; nothing was queued") from None
        print(f"queued {len(ids)} request(s) for profile {dest.profile.name}", file=sys.stderr)
        return deliver_and_report(ctx, dest, ids, wait=options.wait, timeout=options.timeout)


class _ChangedError(Exception):
    """A file changed between being checked and being queued."""


def _again(ctx: AppContext, checked: PayloadStream, *, restate: bool) -> Iterator[Prepared]:
    """The payloads ``checked`` read, read and checked again to be queued; _ChangedError when
    they are not what was checked (a file written to meanwhile)."""
    again = PayloadStream(checked.files)
    for payload in again:
        yield Prepared(payload.source, check_with_directory(ctx, payload.raw, restate=restate))
    if again.problems or again.count != checked.count:
        raise _ChangedError("the files changed while they were being sent")


def deliver_and_report(
    ctx: AppContext,
    dest: Destination,
    ids: Sequence[int],
    *,
    wait: bool,
    timeout: float | None = None,
) -> int:
    """Deliver the profile's outbox and report on ``ids``; the exit code for them.

    With ``wait``, a long wait for a retry is announced (what, and until when); with
    ``timeout`` (seconds), delivery stops then and what is left stays queued.
    """
    progress = ProgressLine(total=len(ids))
    watcher = _Watcher(ctx, dest, wait=wait, timeout=timeout)
    try:
        summary = deliver(ctx.database, dest, on_progress=progress, stop=watcher)
    except KeyboardInterrupt:
        progress.close()
        raise CommandError(
            "interrupted: what was not delivered stays in the outbox "
            "('regal-desktop outbox flush' sends it)",
            130,
        ) from None
    finally:
        watcher.close()
    progress.close()
    # Read one at a time, keeping only states and the held rows: the bodies of a send of
    # 100,000 payloads would not fit in the memory the rest of it takes.
    states: list[RequestState] = []
    rows: list[RequestRow] = []
    for row in (ctx.store.outbox.get(i) for i in ids):
        if row is not None:
            states.append(row.state)
            if row.state is RequestState.HELD:
                rows.append(row)
    counts = {state: states.count(state) for state in sorted(set(states))}
    print(
        "; ".join(f"{n} {state}" for state, n in counts.items()) or "nothing to send",
        file=sys.stderr,
    )
    if summary.auth_failed:
        print(f"regal-desktop: {summary.message}", file=sys.stderr)
    _explain_moved(rows, dest)
    if any(s.needs_attention for s in states) or summary.auth_failed:
        return PROBLEM
    if watcher.gave_up and ctx.store.outbox.waiting(dest.profile.name):
        left = ctx.store.outbox.waiting(dest.profile.name)
        print(
            f"regal-desktop: gave up waiting after {timeout:g} s; {left} request(s) of "
            f"profile {dest.profile.name} stay queued ('regal-desktop outbox flush --wait' "
            "sends them)",
            file=sys.stderr,
        )
        return PROBLEM
    if wait and (any(s.waiting for s in states) or ctx.store.outbox.waiting(dest.profile.name)):
        left = ctx.store.outbox.waiting(dest.profile.name)
        print(
            f"regal-desktop: {left} request(s) of profile {dest.profile.name} still wait "
            "in the outbox",
            file=sys.stderr,
        )
        return PROBLEM
    return OK


def _explain_moved(rows: Sequence[RequestRow], dest: Destination) -> None:
    """One line per endpoint for the requests held because they were queued for another
    endpoint than the profile's now."""
    moved: dict[str, list[int]] = {}
    for row in rows:
        if row.state is RequestState.HELD and row.held_for == ENDPOINT_CHANGED:
            moved.setdefault(row.endpoint, []).append(row.id)
    for endpoint, held in moved.items():
        which = f"request {held[0]}" if len(held) == 1 else f"requests {_ids(held)}"
        print(
            f"regal-desktop: {which} held, not sent: queued for {endpoint}, but the endpoint "
            f"of profile {dest.profile.name} is now {dest.profile.endpoint}; 'regal-desktop "
            "outbox retry ID' sends one there, 'regal-desktop outbox drop ID' gives it up",
            file=sys.stderr,
        )


def _ids(ids: Sequence[int], shown: int = 10) -> str:
    """``3, 4, 5`` (and how many more beyond ``shown``)."""
    text = ", ".join(str(i) for i in ids[:shown])
    return text + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def _seconds(text: str) -> float:
    """``--timeout``'s value: a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


#: A wait for a retry longer than this (seconds), with nothing in flight, is announced.
_ANNOUNCE_AFTER = 3.0


class _Watcher:
    """Asked ten times a second whether delivery should stop: without ``wait``, once
    nothing is in flight and every queued row waits for a retry; with ``timeout``, once
    that many seconds have passed (``gave_up``). With ``wait``, says on standard error
    what it waits for and until when whenever a long wait for a retry begins."""

    def __init__(
        self, ctx: AppContext, dest: Destination, *, wait: bool, timeout: float | None
    ) -> None:
        self._store = open_store(ctx.database)
        self._profile = dest.profile.name
        self._max_wait = dest.profile.max_wait
        self._wait = wait
        self._deadline = None if timeout is None else time.monotonic() + timeout
        self._announced_until = 0.0
        self.gave_up = False

    def __call__(self) -> bool:
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self.gave_up = True
            return True
        outbox = self._store.outbox
        counts = outbox.counts(self._profile)
        if counts[RequestState.SENDING]:
            return False
        now = time.time()
        due = outbox.next_due(self._profile, now=now, max_wait=self._max_wait)
        if not self._wait:
            return due is None or due > now
        if due is not None and due - now > _ANNOUNCE_AFTER and now >= self._announced_until:
            self._announced_until = due
            self._announce(counts[RequestState.QUEUED], due, now)
        return False

    def _announce(self, queued: int, due: float, now: float) -> None:
        rows = [r for r in self._store.outbox.pending(self._profile) if r.state.waiting]
        first = min(rows, key=lambda r: r.next_attempt_at, default=None)
        why = regal_answer(first.last_status, first.last_answer) if first else ""
        when = local_time(datetime.fromtimestamp(due, UTC).isoformat())
        minutes = (due - now) / 60
        left = f"{minutes:.0f} min" if minutes >= 1 else f"{due - now:.0f} s"
        print(
            f"regal-desktop: waiting: {queued} request(s) of profile {self._profile} wait for "
            f"a retry, the next at {when} (in {left})"
            + (f" after {why}" if why else "")
            + "; 'regal-desktop outbox retry ID' sends one now, Ctrl+C stops (they stay "
            "queued)",
            file=sys.stderr,
        )

    def close(self) -> None:
        self._store.close()
