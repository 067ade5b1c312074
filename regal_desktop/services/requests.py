"""What a person may do to a request in the outbox, for the window and the command line.

Each action checks the request's state (``RequestState``'s rules) in the store and
raises ``ValueError`` with one sentence when the state does not allow it. Each first
recovers the claims of senders that died (killed, crashed): their requests would
otherwise stay ``sending`` for ever, refused by every action and skipped by every flush.
Every entry point (the command line's ``outbox`` actions, the window's outbox) goes
through here, so every one gets it.
"""

from __future__ import annotations

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
    sends now) if given; the id of the new request."""
    recover(store)
    return store.outbox.replace_body(request_id, body, endpoint)


def release_held(store: Store, account: str) -> int:
    """Queue again every request held for ``account``'s refused key; how many."""
    return store.outbox.release_held(account)


__all__ = ["drop", "pending", "queued_elsewhere", "recover", "release_held", "replace", "retry"]
