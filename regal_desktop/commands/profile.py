"""``regal-desktop profile list | show | add | set-key | remove | default``: account profiles.

An account sends to Regal (``--endpoint``) or, with ``--segment``, to a Segment source
(Segment's US endpoint unless ``--endpoint`` says otherwise; its key is the source's
write key). The key is read from the terminal (or standard input), never from the
command line, so it cannot land in a shell history; it goes to the OS keychain only.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from pydantic import ValidationError

from regal_desktop.commands.common import OK, context, fail, run
from regal_desktop.delivery.keys import KeychainUnavailable, UnusableKey, clean_key, mask
from regal_desktop.delivery.waits import DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT
from regal_desktop.domain.segment import SEGMENT_ENDPOINT, SEGMENT_RATE
from regal_desktop.services import requests
from regal_desktop.services.accounts import (
    AccountError,
    AccountProfile,
    default_rate,
    profile_message,
)
from regal_desktop.services.routes import route_of


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``profile``."""
    parser = subparsers.add_parser("profile", help="manage account profiles and their keys")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every profile").set_defaults(handler=run(_list))
    show = actions.add_parser("show", help="one profile: its kind, endpoint, rate and key")
    show.add_argument("name")
    show.set_defaults(handler=run(_show))
    add = actions.add_parser("add", help="add or change a profile")
    add.add_argument("name")
    add.add_argument(
        "--segment",
        action="store_true",
        help="send through a Segment source to Regal's Segment destination (the key is the "
        f"source's write key; default endpoint {SEGMENT_ENDPOINT}, rate {SEGMENT_RATE}/s)",
    )
    add.add_argument(
        "--endpoint",
        help="https://... (http only on loopback); 'sandbox' for the built-in one; "
        "required for a Regal account",
    )
    add.add_argument(
        "--rate",
        type=float,
        help=f"requests per second (default {default_rate('regal'):g}; with --segment "
        f"{SEGMENT_RATE}, at most that for Segment's hosts)",
    )
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
                f"{profile.name:<14} {profile.kind_word:<8} {where:<40} {profile.rate:g}/s  "
                f"timeout {profile.timeout:g} s, waits {profile.max_wait:g} s at most  "
                + " ".join(m for m in marks if m)
            )
        if not available:
            print("(no OS keychain available: keys cannot be stored; use REGAL_API_KEY)")
    return OK


def _show(options: argparse.Namespace) -> int:
    with context() as ctx:
        try:
            profile = ctx.accounts.get(options.name)
        except AccountError as exc:
            raise fail(str(exc)) from None
        try:
            has_key = (
                bool(ctx.keys.get(profile.name))
                if ctx.keys.available() and not profile.is_sandbox
                else None
            )
            key = "set" if has_key else ("not needed" if profile.is_sandbox else "not set")
        except UnusableKey:
            key = "unusable (set it again)"
        default = ctx.accounts.default_name() == profile.name
    what = "write key" if profile.is_segment else "API key"
    lines = [
        ("name", profile.name + (" (default)" if default else "")),
        ("kind", f"{profile.kind_word} (route: {route_of(profile)})"),
        ("endpoint", "built-in sandbox" if profile.is_sandbox else profile.endpoint),
        ("rate", f"{profile.rate:g} requests/s"),
        ("timeout", f"{profile.timeout:g} s"),
        ("longest wait", f"{profile.max_wait:g} s"),
        (what, key),
    ]
    for label, value in lines:
        print(f"{label + ':':<14}{value}")
    if profile.warning:
        print(f"{'warning:':<14}{profile.warning}")
    return OK


def _add(options: argparse.Namespace) -> int:
    kind = "segment" if options.segment else "regal"
    endpoint = options.endpoint or (SEGMENT_ENDPOINT if options.segment else None)
    if endpoint is None:
        raise fail(
            "a Regal account needs --endpoint (e.g. https://events.regalvoice.com/events); "
            "--segment sends through Segment instead"
        )
    try:
        profile = AccountProfile(
            name=options.name,
            kind=kind,
            endpoint=endpoint,
            rate=default_rate(kind) if options.rate is None else options.rate,
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
    kind = " (Segment)" if profile.is_segment else ""
    print(
        f"profile {profile.name} saved{kind}" + (" (production)" if profile.is_production else "")
    )
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
            what = "write key" if ctx.accounts.get(options.name).is_segment else "API key"
            typed = getpass.getpass(f"{what} for {options.name}: ")
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
