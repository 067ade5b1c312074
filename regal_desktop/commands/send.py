"""``regal-desktop send [--wait] [--profile NAME] [--rate N] FILE...``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any

from regal_desktop.commands.common import (
    OK,
    PROBLEM,
    USAGE,
    CommandError,
    ProgressLine,
    check_with_directory,
    context,
    fail,
    load_all,
    print_findings,
    run,
)
from regal_desktop.context import AppContext
from regal_desktop.delivery.endpoint import EndpointError
from regal_desktop.services.accounts import AccountError, Destination
from regal_desktop.services.sending import Prepared, deliver, queue
from regal_desktop.store import open_store
from regal_desktop.store.states import RequestState


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``send``."""
    parser = subparsers.add_parser(
        "send",
        help="queue payload files in the outbox and deliver them",
        description="Check every payload; if any has errors nothing is queued (exit 1). "
        "Otherwise all are queued in one transaction and delivered. Without --wait the "
        "command returns once nothing is due now (retries stay in the outbox); with --wait "
        "it returns when every payload is accepted (exit 0) or some were rejected (exit 1).",
    )
    add_delivery_options(parser)
    parser.add_argument("files", nargs="+", metavar="FILE", help=".json, .jsonl or .ndjson")
    parser.set_defaults(handler=run(_send))


def add_delivery_options(parser: argparse.ArgumentParser) -> None:
    """``--wait``, ``--profile`` and ``--rate``, shared with ``outbox flush``."""
    parser.add_argument("--wait", action="store_true", help="wait until every request is done")
    parser.add_argument("--profile", metavar="NAME", help="account profile (default: the default)")
    parser.add_argument("--rate", type=float, metavar="N", help="requests per second (override)")


def resolve(ctx: AppContext, options: argparse.Namespace) -> Destination:
    """The destination for this run, or a CommandError saying what is wrong."""
    try:
        dest = ctx.destination(options.profile, options.rate)
    except (AccountError, EndpointError) as exc:
        raise fail(str(exc)) from None
    if dest.needs_key:
        raise fail(
            f"profile {dest.profile.name!r} has no API key: set it with "
            f"'regal-desktop profile set-key {dest.profile.name}' or REGAL_API_KEY"
        )
    return dest


def _send(options: argparse.Namespace) -> int:
    loaded, problems = load_all(options.files)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("regal-desktop: nothing was queued", file=sys.stderr)
        return USAGE
    with context() as ctx:
        dest = resolve(ctx, options)
        prepared = []
        for payload in loaded:
            checked = check_with_directory(ctx, payload.raw)
            print_findings(payload.source, checked, sys.stdout)
            prepared.append(Prepared(payload.source, checked))
        if not all(p.checked.sendable for p in prepared):
            print("regal-desktop: some payloads have errors; nothing was queued", file=sys.stderr)
            return PROBLEM
        ids = queue(ctx.store, prepared, dest, ctx.operator)
        print(f"queued {len(ids)} request(s) for profile {dest.profile.name}", file=sys.stderr)
        return deliver_and_report(ctx, dest, ids, wait=options.wait)


def deliver_and_report(
    ctx: AppContext, dest: Destination, ids: Sequence[int], *, wait: bool
) -> int:
    """Deliver the profile's outbox and report on ``ids``; the exit code for them."""
    progress = ProgressLine(total=len(ids))
    watcher = None if wait else _NothingDue(ctx, dest.profile.name)
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
        if watcher is not None:
            watcher.close()
    progress.close()
    states = [row.state for row in (ctx.store.outbox.get(i) for i in ids) if row is not None]
    counts = {state: states.count(state) for state in sorted(set(states))}
    print(
        "; ".join(f"{n} {state}" for state, n in counts.items()) or "nothing to send",
        file=sys.stderr,
    )
    if summary.auth_failed:
        print(f"regal-desktop: {summary.message}", file=sys.stderr)
    if any(s.needs_attention for s in states) or summary.auth_failed:
        return PROBLEM
    return OK if not wait or not any(s.waiting for s in states) else PROBLEM


class _NothingDue:
    """Stops delivery once nothing is in flight and every queued row waits for a retry."""

    def __init__(self, ctx: AppContext, profile: str) -> None:
        self._store = open_store(ctx.database)
        self._profile = profile

    def __call__(self) -> bool:
        if self._store.outbox.counts(self._profile)[RequestState.SENDING]:
            return False
        due = self._store.outbox.next_due(self._profile)
        return due is None or due > time.time()

    def close(self) -> None:
        self._store.close()
