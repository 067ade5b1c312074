"""RequestState: what each state allows, and that the database accepts exactly these."""

from __future__ import annotations

import re

import pytest

from regal_desktop.store import Outcome, Store
from regal_desktop.store.db import MIGRATIONS, DatabaseError
from regal_desktop.store.states import ALLOWED_WORDS, RequestState
from tests.helpers.store import opt_in_body, request


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test here runs on SQLite and on PostgreSQL (``any_store``)."""
    return any_store


Q, S, H, R, D, X = (
    RequestState.QUEUED,
    RequestState.SENDING,
    RequestState.HELD,
    RequestState.REJECTED,
    RequestState.DELIVERED,
    RequestState.DROPPED,
)


def _which(rule: str) -> set[RequestState]:
    return {state for state in RequestState if getattr(state, rule)}


def test_what_each_state_allows() -> None:
    assert _which("waiting") == {Q, S}
    assert _which("pending") == {Q, S, H, R}
    assert _which("settled") == {H, R, D, X}
    assert _which("needs_attention") == {H, R}
    assert _which("can_retry") == {Q, H, R}  # a queued one: made due now
    assert _which("can_drop") == {Q, H, R}
    assert _which("can_fix") == {Q, H, R}
    # Fixing a request that might still go out drops it; a rejected one stays as evidence.
    assert _which("dropped_by_fix") == {Q, H}


def test_values_are_what_the_database_stores_and_compare_as_text() -> None:
    assert [str(state) for state in RequestState] == [
        "queued",
        "sending",
        "held",
        "rejected",
        "delivered",
        "dropped",
    ]
    assert RequestState("held") is H and H == "held"
    assert RequestState.pending_states() == (Q, S, H, R)
    assert RequestState.names() == "queued, sending, held, rejected, delivered, dropped"


def test_the_schema_check_lists_exactly_the_states() -> None:
    """A new state needs a migration widening the CHECK constraint: this test says so."""
    found = re.search(r"CHECK \(state IN \(([^)]*)\)\)", MIGRATIONS[0])
    assert found is not None
    in_schema = {name.strip().strip("'") for name in found.group(1).split(",")}
    assert in_schema == {str(state) for state in RequestState}


def test_words_for_people() -> None:
    assert [state.label for state in RequestState] == [
        "Queued",
        "Sending",
        "Held",
        "Rejected",
        "Delivered",
        "Dropped",
    ]
    assert S.words == "Sending…" and H.words == "Held: key refused" and D.words == "Delivered"
    assert Q.status(attempts=0) == "Queued"
    assert Q.status(attempts=2) == "Retrying"
    assert R.status(attempts=2) == "Rejected"
    assert H.help is not None and "Settings" in H.help
    assert D.help is None and X.help is None


@pytest.mark.parametrize(
    ("action", "rule"),
    [("retried", "can_retry"), ("dropped", "can_drop"), ("fixed and resent", "can_fix")],
)
def test_messages_name_exactly_the_states_each_rule_allows(action: str, rule: str) -> None:
    named = set(re.split(r", | or ", ALLOWED_WORDS[action]))
    assert named == {str(state) for state in _which(rule)}


def test_an_outcome_leaves_the_request_in_its_state() -> None:
    assert Outcome.DELIVERED.state is D
    assert Outcome.REJECTED.state is R
    assert Outcome.HELD.state is H
    assert Outcome.RETRY.state is Q  # a retry waits in the queue


def test_rows_carry_the_enum_and_counts_every_state(store: Store) -> None:
    first, second = store.outbox.enqueue([request(opt_in_body("+19545582399", "sms"))] * 2)
    store.outbox.drop(second)

    row = store.outbox.get(first)
    assert row is not None and row.state is Q and row.state.can_drop
    counts = store.outbox.counts()
    assert set(counts) == set(RequestState)
    assert counts[Q] == 1 and counts[X] == 1 and counts[D] == 0
    assert store.outbox.waiting() == 1


def test_a_state_the_database_refuses(store: Store) -> None:
    store.outbox.enqueue([request(opt_in_body("+19545582399", "sms"))])
    with pytest.raises(DatabaseError):
        store.conn.execute("UPDATE requests SET state = 'lost'")
