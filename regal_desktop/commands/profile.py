"""``regal-desktop profile list | add | set-key | remove | default``: account profiles.

The key is read from the terminal (or standard input), never from the command line, so
it cannot land in a shell history; it goes to the OS keychain only.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from pydantic import ValidationError

from regal_desktop.commands.common import OK, context, fail, run
from regal_desktop.delivery.keys import KeychainUnavailable, mask
from regal_desktop.services.accounts import DEFAULT_RATE, AccountError, AccountProfile


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``profile``."""
    parser = subparsers.add_parser("profile", help="manage account profiles and their keys")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every profile").set_defaults(handler=run(_list))
    add = actions.add_parser("add", help="add or change a profile")
    add.add_argument("name")
    add.add_argument("--endpoint", required=True, help="https://... (http only on loopback)")
    add.add_argument("--rate", type=float, default=DEFAULT_RATE, help="requests per second")
    add.set_defaults(handler=run(_add))
    for name, text, handler in (
        (
            "set-key",
            "store the profile's API key in the OS keychain (read from the terminal)",
            _set_key,
        ),
        ("remove", "forget a profile and its key", _remove),
        ("default", "use this profile when none is named", _default),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("name")
        action.set_defaults(handler=run(handler))


def _list(options: argparse.Namespace) -> int:
    with context() as ctx:
        default = ctx.accounts.default_name()
        available = ctx.keys.available()
        for profile in ctx.accounts.all():
            key = ctx.keys.get(profile.name) if available and not profile.is_sandbox else None
            marks = [
                "default" if profile.name == default else "",
                "PRODUCTION" if profile.is_production else "",
                f"key {mask(key)}" if key else ("" if profile.is_sandbox else "no key"),
            ]
            where = "built-in sandbox" if profile.is_sandbox else profile.endpoint
            print(
                f"{profile.name:<14} {where:<40} {profile.rate:g}/s  "
                + " ".join(m for m in marks if m)
            )
        if not available:
            print("(no OS keychain available: keys cannot be stored; use REGAL_API_KEY)")
    return OK


def _add(options: argparse.Namespace) -> int:
    try:
        profile = AccountProfile(name=options.name, endpoint=options.endpoint, rate=options.rate)
    except ValidationError as exc:
        raise fail("; ".join(str(e["msg"]) for e in exc.errors())) from None
    with context() as ctx:
        try:
            ctx.accounts.save(profile)
        except AccountError as exc:
            raise fail(str(exc)) from None
    print(f"profile {profile.name} saved" + (" (production)" if profile.is_production else ""))
    return OK


def _set_key(options: argparse.Namespace) -> int:
    with context() as ctx:
        try:
            ctx.accounts.get(options.name)
        except AccountError as exc:
            raise fail(str(exc)) from None
        if sys.stdin.isatty():
            key = getpass.getpass(f"API key for {options.name}: ")
        else:
            key = sys.stdin.readline()
        key = key.strip()
        if not key:
            raise fail("no key given; nothing was stored")
        try:
            ctx.keys.set(options.name, key)
        except KeychainUnavailable as exc:
            raise fail(str(exc)) from None
    print(f"key for {options.name} stored in the keychain ({mask(key)})")
    return OK


def _remove(options: argparse.Namespace) -> int:
    with context() as ctx:
        ctx.accounts.remove(options.name)
        if ctx.keys.available():
            ctx.keys.delete(options.name)
    print(f"profile {options.name} removed")
    return OK


def _default(options: argparse.Namespace) -> int:
    with context() as ctx:
        try:
            ctx.accounts.set_default(options.name)
        except AccountError as exc:
            raise fail(str(exc)) from None
    print(f"{options.name} is now the default profile")
    return OK
