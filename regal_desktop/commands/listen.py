"""``regal-desktop listen [--port N] [--host H]``: receive Regal's contact events over HTTP
and store each one before answering (``services.event_receiver``)."""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
from types import FrameType
from typing import Any

from regal_desktop.commands.common import OK, context, fail, run
from regal_desktop.delivery.keys import (
    EVENTS_SECRET_ENV,
    EVENTS_SECRET_SERVICE,
    EVENTS_SECRET_USER,
    KeychainUnavailable,
    UnusableKey,
    events_secret,
    save_events_secret,
)
from regal_desktop.domain.visible import visible
from regal_desktop.services.clock import clock_time
from regal_desktop.services.event_receiver import EventReceiver, Note

DEFAULT_PORT = 8788
#: A shared secret shorter than this is too easy to guess for a door on the network.
SHORTEST_SECRET = 16
_NO_SECRET = (
    f"no shared secret: set {EVENTS_SECRET_ENV}, or keep one in the keychain with "
    "'regal-desktop listen --save-secret' (at least "
    f"{SHORTEST_SECRET} characters; senders give it as the Basic auth password or the "
    "Authorization header)"
)


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``listen``."""
    parser = subparsers.add_parser(
        "listen",
        help="receive Regal's contact events over HTTP and store them",
        description="Take Regal's contact events (contact.subscribed, contact.unsubscribed, "
        "...) from a Segment webhook destination or Regal's reporting webhooks: POST one "
        "event, an array or a Segment batch to / or /events. Each event is committed to "
        "the database before the answer (200); a body where some events are bad stores "
        "the good ones and lists the others in its 200 answer; 400 when none could be "
        "taken; 401 without the shared secret (from "
        f"{EVENTS_SECRET_ENV} or the keychain: Basic auth password, Authorization header "
        "or X-Signature); 413 over 4 MiB. Prints one line per event. Ctrl+C or SIGTERM "
        "stops it.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only)",
    )
    parser.add_argument(
        "--save-secret",
        action="store_true",
        help="ask for the shared secret (not echoed), keep it in the keychain, and exit",
    )
    parser.set_defaults(handler=run(_listen))


def _line(note: Note) -> str:
    stamp = clock_time()
    if note.outcome == "rejected":
        return visible(f"{stamp} rejected from {note.peer}: {note.reason}")
    event = note.event
    assert event is not None
    parts = [event.event]
    if event.point:
        parts.append(event.point)  # as stored: formatting costs more than the commit
    if event.channel:
        parts.append(event.channel)
    if event.source:
        parts.append(f"({event.source})")
    word = "stored" if note.outcome == "stored" else "already known"
    return visible(f"{stamp} {word}: {' '.join(parts)}")


def _print_note(note: Note) -> None:
    print(_line(note), flush=True)


def _stop_on_term(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _save_secret() -> int:
    first = getpass.getpass("shared secret: ")
    if getpass.getpass("again: ") != first:
        raise fail("the two entries differ; nothing was saved")
    if len(first.strip()) < SHORTEST_SECRET:
        raise fail(f"the shared secret needs at least {SHORTEST_SECRET} characters")
    try:
        save_events_secret(first)
    except (KeychainUnavailable, UnusableKey) as exc:
        raise fail(str(exc).replace("API key", "shared secret")) from None
    print(
        f"shared secret kept in the keychain ({EVENTS_SECRET_SERVICE}/{EVENTS_SECRET_USER})",
        file=sys.stderr,
    )
    return OK


def _listen(options: argparse.Namespace) -> int:
    if options.save_secret:
        return _save_secret()
    with context() as ctx:
        try:
            secret = events_secret(ctx.environ)
        except UnusableKey as exc:
            raise fail(str(exc)) from None
        if not secret:
            raise fail(_NO_SECRET)
        if len(secret) < SHORTEST_SECRET:
            raise fail(
                f"the shared secret has {len(secret)} characters; use at least "
                f"{SHORTEST_SECRET}, e.g. python3 -c 'import secrets; "
                "print(secrets.token_urlsafe())'"
            )
        receiver = EventReceiver(
            ctx.database,
            secret,
            options.host,
            options.port,
            on_note=_print_note,
            region=ctx.region,
        )
        try:
            receiver.bind()
        except OSError as exc:
            raise fail(str(exc)) from None
        previous = signal.signal(signal.SIGTERM, _stop_on_term)
        print(f"listening on {receiver.url} (also /); Ctrl+C stops", file=sys.stderr, flush=True)
        if options.host not in ("127.0.0.1", "::1", "localhost"):
            print(
                "note: plain HTTP on the network; put it behind a TLS proxy",
                file=sys.stderr,
                flush=True,
            )
        try:
            receiver.serve()
        except KeyboardInterrupt:
            pass
        finally:
            receiver.stop()
            signal.signal(signal.SIGTERM, previous)
        print(f"stopped; {ctx.store.events.count()} events stored in all", file=sys.stderr)
    return OK


__all__ = ["add_parser"]
