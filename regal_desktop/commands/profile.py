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
from regal_desktop.delivery.endpoint import DEFAULT_RATE
from regal_desktop.delivery.keys import KeychainUnavailable, UnusableKey, clean_key, mask
from regal_desktop.delivery.waits import DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT
from regal_desktop.services import requests
from regal_desktop.services.accounts import (
    AccountError,
    AccountProfile,
    profile_message,
)


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``profile``."""
    parser = subparsers.add_parser("profile", help="manage account profiles and their keys")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every profile").set_defaults(handler=run(_list))
    add = actions.add_parser("add", help="add or change a profile")
    add.add_argument("name")
    add.add_argument("--endpoint", required=True, help="https://... (http only on loopback)")
    add.add_argument("--rate", type=float, default=DEFAULT_RATE, help="requests per second")
    add.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long an attempt waits for an answer (default {DEFAULT_TIMEOUT:g}); "
        "each retry after it waits longer",
    )
    add.add_argument(
        "--max-wait",
        type=float,
        default=DEFAULT_MAX_WAIT,
        metavar="SECONDS",
        help=f"the longest wait before a retry, whatever Retry-After or the clock says "
        f"(default {DEFAULT_MAX_WAIT:g})",
    )
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
            try:
                key = ctx.keys.get(profile.name) if available and not profile.is_sandbox else None
                unusable = ""
            except UnusableKey:
                key, unusable = None, "key unusable (set it again)"
            marks = [
                "default" if profile.name == default else "",
                "PRODUCTION" if profile.is_production else "",
                unusable
                or (f"key {mask(key)}" if key else ("" if profile.is_sandbox else "no key")),
            ]
            where = "built-in sandbox" if profile.is_sandbox else profile.endpoint
            print(
                f"{profile.name:<14} {where:<40} {profile.rate:g}/s  "
                f"timeout {profile.timeout:g} s, waits {profile.max_wait:g} s at most  "
                + " ".join(m for m in marks if m)
            )
        if not available:
            print("(no OS keychain available: keys cannot be stored; use REGAL_API_KEY)")
    return OK


def _add(options: argparse.Namespace) -> int:
    try:
        profile = AccountProfile(
            name=options.name,
            endpoint=options.endpoint,
            rate=options.rate,
            timeout=options.timeout,
            max_wait=options.max_wait,
        )
    except ValidationError as exc:
        raise fail(profile_message(exc)) from None
    with context() as ctx:
        try:
            ctx.accounts.save(profile)
        except AccountError as exc:
            raise fail(str(exc)) from None
        elsewhere = requests.queued_elsewhere(ctx.store, profile.name, profile.endpoint)
    print(f"profile {profile.name} saved" + (" (production)" if profile.is_production else ""))
    if elsewhere:
        print(
            f"regal-desktop: {len(elsewhere)} request(s) of profile {profile.name} were queued "
            f"for {elsewhere[0].endpoint}: they will be held, not sent to {profile.endpoint}; "
            "'regal-desktop outbox retry ID' sends one there, 'outbox drop ID' gives it up",
            file=sys.stderr,
        )
    if profile.warning:
        print(f"regal-desktop: warning: {profile.warning}", file=sys.stderr)
    return OK


def _set_key(options: argparse.Namespace) -> int:
    with context() as ctx:
        try:
            ctx.accounts.get(options.name)
        except AccountError as exc:
            raise fail(str(exc)) from None
        if sys.stdin.isatty():
            typed = getpass.getpass(f"API key for {options.name}: ")
        else:
            # All of it: a key wrapped over two lines must be refused, not cut at the break.
            typed = sys.stdin.read()
        try:
            key = clean_key(typed, "the API key read from standard input")
        except UnusableKey as exc:
            raise fail(f"{exc}; nothing was stored") from None
        if not key:
            raise fail("no key given; nothing was stored")
        try:
            ctx.keys.set(options.name, key)
        except (KeychainUnavailable, UnusableKey) as exc:
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
