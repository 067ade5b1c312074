"""``regal-desktop outbox list | flush [--wait] | retry ID | drop ID``."""

from __future__ import annotations

import argparse
from typing import Any

from regal_desktop.commands.common import OK, PROBLEM, context, fail, run
from regal_desktop.commands.send import add_delivery_options, deliver_and_report, resolve
from regal_desktop.context import AppContext
from regal_desktop.delivery.endpoint import EndpointError
from regal_desktop.domain.visible import visible
from regal_desktop.services import requests
from regal_desktop.services.accounts import AccountError


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``outbox`` and its actions."""
    parser = subparsers.add_parser("outbox", help="see and manage requests not yet delivered")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="requests queued, sending, held or rejected").set_defaults(
        handler=run(_list)
    )
    flush = actions.add_parser("flush", help="deliver what is queued")
    add_delivery_options(flush)
    flush.set_defaults(handler=run(_flush))
    for name, text in (
        ("retry", "send a rejected or held request again, or a queued one now"),
        ("drop", "stop sending a request (it stays in the history)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", type=int, metavar="ID")
        action.set_defaults(handler=run(_retry if name == "retry" else _drop))


def _list(options: argparse.Namespace) -> int:
    with context() as ctx:
        rows = requests.pending(ctx.store)
        if not rows:
            print("the outbox is empty")
            return OK
        print(f"{'ID':>6}  {'STATE':<9} {'TRIES':>5}  {'PROFILE':<12} {'CONTACT':<18} ANSWER")
        for row in rows:
            answer = visible(" ".join((row.last_answer or "").split()))[:60]
            status = f"{row.last_status} " if row.last_status else ""
            print(
                f"{row.id:>6}  {row.state:<9} {row.attempts:>5}  {visible(row.profile):<12} "
                f"{visible(row.contact):<18} {status}{answer}"
            )
    return OK


def _flush(options: argparse.Namespace) -> int:
    with context() as ctx:
        dest = resolve(ctx, options)
        pending = requests.pending(ctx.store, dest.profile.name)
        # Also what another running sender holds: --wait waits until it is settled too.
        ids = [r.id for r in pending if r.state.waiting]
        if not ids:
            print(f"nothing queued for profile {dest.profile.name}")
            return OK
        return deliver_and_report(ctx, dest, ids, wait=options.wait, timeout=options.timeout)


def _retry(options: argparse.Namespace) -> int:
    with context() as ctx:
        endpoint = _endpoint_now(ctx, options.id)
        try:
            moved_from = requests.retry(ctx.store, options.id, endpoint)
        except (ValueError, KeyError) as exc:
            raise fail(str(exc), PROBLEM) from None
    where = f" for {endpoint} (it was queued for {moved_from})" if moved_from else ""
    print(f"request {options.id} queued again{where}; 'regal-desktop outbox flush' sends it")
    return OK


def _endpoint_now(ctx: AppContext, request_id: int) -> str | None:
    """Where the account of request ``request_id`` sends now (None if unknown)."""
    row = ctx.store.outbox.get(request_id)
    if row is None:
        return None
    try:
        return ctx.profile(row.profile).endpoint
    except (AccountError, EndpointError):
        return None  # an account since removed: the request keeps its endpoint


def _drop(options: argparse.Namespace) -> int:
    with context() as ctx:
        try:
            requests.drop(ctx.store, options.id)
        except (ValueError, KeyError) as exc:
            raise fail(str(exc), PROBLEM) from None
    print(f"request {options.id} dropped; it stays in the history")
    return OK
