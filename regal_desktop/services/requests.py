"""What a person may do to a request in the outbox, for the window and the command line.

Each action checks the request's state (``RequestState``'s rules) in the store and
raises ``ValueError`` with one sentence when the state does not allow it. Hardening
work (recovering the claims of a sender that died before acting) belongs here, so
every entry point gets it.
"""

from __future__ import annotations

from regal_desktop.store import Store


def retry(store: Store, request_id: int) -> None:
    """Queue a rejected or held request again, due now."""
    store.outbox.retry(request_id)


def drop(store: Store, request_id: int) -> None:
    """Give up on a request that has not gone out; it stays in the history as dropped."""
    store.outbox.drop(request_id)


def replace(store: Store, request_id: int, body: str) -> int:
    """Queue ``body`` in place of a fixable request; the id of the new request."""
    return store.outbox.replace_body(request_id, body)


def release_held(store: Store, account: str) -> int:
    """Queue again every request held for ``account``'s refused key; how many."""
    return store.outbox.release_held(account)


__all__ = ["drop", "release_held", "replace", "retry"]
