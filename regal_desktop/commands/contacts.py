"""``regal-desktop contacts show KEY | find TEXT | retire POINT``: the directory this desk
has shaped, and retiring a number or address Regal cannot delete."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from regal_desktop.commands.common import OK, PROBLEM, USAGE, context, fail, print_findings, run
from regal_desktop.commands.send import add_delivery_options, deliver_and_report, resolve
from regal_desktop.domain.visible import visible
from regal_desktop.services.clock import local_now
from regal_desktop.services.known import (
    KNOWN_FROM_REGAL,
    find_contacts,
    known_contact,
    provenance_lines,
)
from regal_desktop.services.retire import RetireError, plan, queue_retirement
from regal_desktop.services.text_files import FileWriteError, write_atomically


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``contacts``."""
    parser = subparsers.add_parser("contacts", help="look up contacts as Regal now holds them")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser(
        "show",
        help="the merged profile of one contact, as JSON (what this desk sent and Regal's "
        "newer events); per consent, since when and from where on standard error",
    )
    show.add_argument("key", metavar="KEY", help="phone (any format), e-mail or userId")
    show.set_defaults(handler=run(_show))
    find = actions.add_parser(
        "find",
        help="contacts matching a phone, e-mail, userId or name (and one only Regal's "
        "events know, by its exact phone, e-mail or userId)",
    )
    find.add_argument("text", metavar="TEXT")
    find.set_defaults(handler=run(_find))
    _add_retire(actions)


def _add_retire(actions: argparse._SubParsersAction[Any]) -> None:
    retire = actions.add_parser(
        "retire",
        help="unsubscribe a number or address on every channel and move primary away from it",
        description="Regal cannot delete a phone or an e-mail from a profile. Retiring sends "
        "subscribed: false on every channel of the point (voice and SMS, or e-mail) with "
        "the time and the source 'regal-desktop: retired', and where the directory knows "
        "the contact and the point is primary, makes the first other point primary. The "
        "reason is kept as evidence here, not sent. Without --send or --out the body is "
        "printed and nothing is sent.",
    )
    retire.add_argument("point", metavar="POINT", help="phone (any format) or e-mail address")
    retire.add_argument("--reason", required=True, metavar="TEXT", help="why (kept as evidence)")
    where = retire.add_mutually_exclusive_group()
    where.add_argument("--send", action="store_true", help="queue the body and deliver it")
    where.add_argument("--out", metavar="FILE", help="write the body to FILE; nothing is sent")
    add_delivery_options(retire)  # --wait, --timeout, --profile, --rate (with --send)
    retire.set_defaults(handler=run(_retire))


def _show(options: argparse.Namespace) -> int:
    with context() as ctx:
        found = known_contact(ctx.store, options.key)
    if found is None:
        raise fail(f"no contact matches {options.key!r}", PROBLEM)
    print(json.dumps(found.profile, indent=2, ensure_ascii=False))
    # Since when and from where, for people: stdout stays the profile, for scripts.
    for line in provenance_lines(found):
        print(visible(line), file=sys.stderr)
    return OK


def _find(options: argparse.Namespace) -> int:
    with context() as ctx:
        found = find_contacts(ctx.store, options.text)
    if not found:
        raise fail(f"no contact matches {options.text!r}", PROBLEM)
    for contact in found:
        name = f"({KNOWN_FROM_REGAL})" if contact.from_regal else contact.name
        fields = [contact.display, name, contact.user_id or ""]
        print("\t".join(visible(field) for field in fields))
    return OK


def _retire(options: argparse.Namespace) -> int:
    if (options.wait or options.timeout or options.rate) and not options.send:
        raise fail("--wait, --timeout and --rate go with --send")
    with context() as ctx:
        dest = resolve(ctx, options) if options.send else None
        try:
            retirement = plan(ctx.store, options.point, options.reason, local_now(), ctx.region)
        except RetireError as exc:
            raise fail(f"cannot retire {options.point!r}: {exc}") from None
        print_findings("retire", retirement.checked, sys.stderr)
        print(f"regal-desktop: {retirement.summary()}", file=sys.stderr)
        if options.out:
            try:
                write_atomically(Path(options.out), retirement.text + "\n")
            except FileWriteError as exc:
                raise fail(str(exc), USAGE) from None
            print(f"regal-desktop: wrote {options.out}; nothing was sent", file=sys.stderr)
            return OK
        if dest is None:
            print(retirement.text)
            print(
                "regal-desktop: nothing was sent ('--send' queues and delivers it, "
                "'--out FILE' writes it)",
                file=sys.stderr,
            )
            return OK
        try:
            request_id = queue_retirement(ctx.store, retirement, dest, ctx.operator)
        except RetireError as exc:
            raise fail(f"cannot retire {options.point!r}: {exc}; nothing was queued") from None
        print(
            f"queued request {request_id} for profile {dest.profile.name}; "
            f"{retirement.key.partition(':')[2]} is recorded as retired",
            file=sys.stderr,
        )
        return deliver_and_report(
            ctx, dest, [request_id], wait=options.wait, timeout=options.timeout
        )
