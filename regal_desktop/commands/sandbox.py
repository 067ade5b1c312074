"""``regal-desktop sandbox [--port N]``: run the loopback receiver alone."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from regal_desktop.commands.common import OK, fail, run
from regal_desktop.domain.visible import visible
from regal_desktop.sandbox.server import Received, serve_forever
from regal_desktop.services.clock import clock_time


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``sandbox``."""
    parser = subparsers.add_parser(
        "sandbox",
        help="run a loopback receiver that answers like Regal",
        description='Receive requests on 127.0.0.1 as Regal would (200 {"message":"ok"}, '
        "400 for a body that is not JSON, 401 for a wrong key), and as Segment's HTTP API "
        'under /v1 (/v1/batch, /v1/identify, /v1/track: 200 {"success":true}, 400 over '
        "Segment's limits or not JSON, 401 for a wrong write key), and print each one. With "
        "--require-key, the key (or write key) is taken from REGAL_API_KEY. Ctrl+C stops it.",
    )
    parser.add_argument("--port", type=int, default=8787, help="port on 127.0.0.1 (default 8787)")
    parser.add_argument(
        "--require-key", action="store_true", help="answer 401 unless the key is REGAL_API_KEY"
    )
    parser.set_defaults(handler=run(_sandbox))


def _print_request(received: Received) -> None:
    stamp = clock_time()
    first = visible(" ".join(received.body.split()))[:100]
    state = "accepted" if received.authorized else "refused (wrong key)"
    print(f"{stamp} {state}: {first}", flush=True)


def _sandbox(options: argparse.Namespace) -> int:
    key = os.environ.get("REGAL_API_KEY") if options.require_key else None
    if options.require_key and not key:
        raise fail("--require-key needs REGAL_API_KEY to be set")
    print(
        f"sandbox receiving on http://127.0.0.1:{options.port}/events, and as Segment on "
        f"http://127.0.0.1:{options.port}/v1 (a Segment account's endpoint; Ctrl+C stops)",
        file=sys.stderr,
        flush=True,
    )
    try:
        serve_forever(options.port, key, None, _print_request)
    except OSError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        print("sandbox stopped", file=sys.stderr)
    return OK
