"""What a person may do to a request in the outbox, for the window and the command line.

Each action checks the request's state (``RequestState``'s rules) in the store and
raises ``ValueError`` with one sentence when the state does not allow it. Each first
recovers the claims of senders that died (killed, crashed): their requests would
otherwise stay ``sending`` for ever, refused by every action and skipped by every flush.
Every entry point (the command line's ``outbox`` actions, the window's outbox) goes
through here, so every one gets it.
"""

from __future__ import annotations

import json

from regal_desktop.domain.check import Checked
from regal_desktop.domain.finding_words import finding_words
from regal_desktop.domain.findings import Level
from regal_desktop.services.routes import findings_for_route
from regal_desktop.store import RequestRow, Store


def recover(store: Store) -> int:
    """Put the requests of senders that are gone back in the queue; how many."""
    return store.outbox.recover()


def pending(store: Store, account: str | None = None) -> list[RequestRow]:
    """The requests not yet delivered or dropped (of ``account``, or all), oldest first,
    after recovering those a dead sender held."""
    recover(store)
    return store.outbox.pending(account)


def queued_elsewhere(store: Store, account: str, endpoint: str) -> list[RequestRow]:
    """The requests of ``account`` still to be sent that were queued for another endpoint
    than ``endpoint``: a delivery to ``endpoint`` holds them until each is retried (to go
    there) or dropped."""
    return [r for r in pending(store, account) if r.state.waiting and r.endpoint != endpoint]


def retry(store: Store, request_id: int, endpoint: str | None = None) -> str | None:
    """Queue a rejected or held request again, due now, or make a queued one waiting for
    a retry due now; with ``endpoint`` (where its account sends now) it goes there.
    Returns the endpoint it was queued for when that was another, else None."""
    recover(store)
    return store.outbox.retry(request_id, endpoint)


def drop(store: Store, request_id: int) -> None:
    """Give up on a request that has not gone out; it stays in the history as dropped."""
    recover(store)
    store.outbox.drop(request_id)


def replace(store: Store, request_id: int, body: str, endpoint: str | None = None) -> int:
    """Queue ``body`` in place of a fixable request, to ``endpoint`` (where the account
    sends now) if given; the id of the new request.

    A request that goes through Segment keeps its route, so the fix must pass the
    route's checks (``services.routes``) whatever account the editor shows: a
    ``ValueError`` naming each error, with nothing queued and the original untouched.
    """
    recover(store)
    original = store.outbox.get(request_id)
    if original is not None:
        refused = route_refusal(original.route, body)
        if refused:
            raise ValueError(f"the fix of request {request_id} goes through Segment: {refused}")
    return store.outbox.replace_body(request_id, body, endpoint)


def route_refusal(route: str, body: str) -> str | None:
    """The route's errors for ``body`` in words, one after another; None when it may go
    (or is not JSON, which ``Outbox.replace_body`` refuses in its own words)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    found = findings_for_route(route, Checked(parsed, ()))
    errors = [finding_words(f) for f in found if f.level is Level.ERROR]
    return "; ".join(errors) or None


def release_held(store: Store, account: str) -> int:
    """Queue again every request held for ``account``'s refused key; how many."""
    return store.outbox.release_held(account)


__all__ = [
    "drop",
    "pending",
    "queued_elsewhere",
    "recover",
    "release_held",
    "replace",
    "retry",
    "route_refusal",
]
