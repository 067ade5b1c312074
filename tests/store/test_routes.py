"""A request goes to the endpoint it was queued for, or is held until a person decides."""

from __future__ import annotations

import pytest

from regal_desktop.store import Store
from tests.helpers.store import opt_in_body, request

OLD = "https://old.example.com/events"
NEW = "https://new.example.com/events"


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test here runs on SQLite and on PostgreSQL (``any_store``)."""
    return any_store


def test_only_requests_queued_for_another_endpoint_are_held(store: Store) -> None:
    sending, old, new = store.outbox.enqueue(
        [
            request(opt_in_body("+19545550001"), endpoint=OLD),
            request(opt_in_body("+19545550002"), endpoint=OLD),
            request(opt_in_body("+19545550003"), endpoint=NEW),
        ]
    )
    [claimed] = store.outbox.claim("production", 1, "host:1", endpoint=OLD)
    assert claimed.id == sending

    assert store.outbox.hold_moved("production", NEW) == [old]
    assert store.outbox.hold_moved("production", NEW) == []  # once is enough
    assert store.outbox.claim("production", 5, "host:2", endpoint=OLD) == []
    rows = {i: store.outbox.get(i) for i in (old, new, sending)}
    assert {i: r.state for i, r in rows.items() if r} == {
        old: "held",
        new: "queued",
        sending: "sending",
    }
    held = rows[old]
    assert held is not None
    assert (held.status, held.held_for, held.last_status) == (
        "Held: endpoint changed",
        "endpoint",
        None,
    )
    assert held.last_answer is not None and OLD in held.last_answer and NEW in held.last_answer
    assert held.help is not None and "Retry" in held.help


def test_retry_sends_it_where_the_account_sends_now_and_a_new_key_does_not(
    store: Store,
) -> None:
    [moved] = store.outbox.enqueue([request(opt_in_body("+19545550001"), endpoint=OLD)])
    store.outbox.hold_moved("production", NEW)

    assert store.outbox.release_held("production") == 0  # a key is not the answer

    assert store.outbox.retry(moved, NEW) == OLD
    row = store.outbox.get(moved)
    assert row is not None and (row.state, row.endpoint, row.held_for) == ("queued", NEW, None)
    assert row.status == "Queued"


def test_a_fix_goes_where_the_account_sends_now(store: Store) -> None:
    [original] = store.outbox.enqueue([request(opt_in_body("+19545550001"), endpoint=OLD)])
    store.outbox.hold_moved("production", NEW)

    fix = store.outbox.replace_body(original, store.outbox.get(original).body, NEW)  # type: ignore[union-attr]

    row = store.outbox.get(fix)
    assert row is not None and (row.state, row.endpoint) == ("queued", NEW)
    assert store.outbox.get(original).state == "dropped"  # type: ignore[union-attr]
