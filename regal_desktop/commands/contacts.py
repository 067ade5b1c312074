"""``regal-desktop contacts show KEY | find TEXT``: the directory this desk has shaped."""

from __future__ import annotations

import argparse
import json
from typing import Any

from regal_desktop.commands.common import OK, PROBLEM, context, fail, run
from regal_desktop.domain.visible import visible


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``contacts``."""
    parser = subparsers.add_parser("contacts", help="look up contacts as Regal now holds them")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="the merged profile of one contact, as JSON")
    show.add_argument("key", metavar="KEY", help="phone (any format), e-mail or userId")
    show.set_defaults(handler=run(_show))
    find = actions.add_parser("find", help="contacts matching a phone, e-mail, userId or name")
    find.add_argument("text", metavar="TEXT")
    find.set_defaults(handler=run(_find))


def _show(options: argparse.Namespace) -> int:
    with context() as ctx:
        profile = ctx.store.directory.get(options.key)
    if profile is None:
        raise fail(f"no contact matches {options.key!r}", PROBLEM)
    print(json.dumps(profile, indent=2, ensure_ascii=False))
    return OK


def _find(options: argparse.Namespace) -> int:
    with context() as ctx:
        found = ctx.store.directory.find(options.text)
    if not found:
        raise fail(f"no contact matches {options.text!r}", PROBLEM)
    for contact in found:
        fields = [contact.display, contact.name, contact.user_id or ""]
        print("\t".join(visible(field) for field in fields))
    return OK
