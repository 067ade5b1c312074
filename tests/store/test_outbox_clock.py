"""The outbox and the clock: no wait outlasts the account's cap, even when the clock is set
back, a person can cut any wait short, and recorded times never go back."""

from __future__ import annotations

import pytest

from regal_desktop.store import AttemptResult, Outcome, Store
from tests.helpers.store import opt_in_body, request

DAY = 86_400.0


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test here runs on SQLite and on PostgreSQL (``any_store``)."""
    return any_store


def parked(store: Store, count: int, until: float) -> list[int]:
    """``count`` queued requests of ``production`` that failed once and wait until ``until``."""
    ids = store.outbox.enqueue([request(opt_in_body(f"+1954555000{n}")) for n in range(count)])
    store.outbox.claim("production", count, "host:1")
    store.outbox.record(
        [
            AttemptResult(
                i,
                "2099-01-01T00:00:00.000Z",
                "2099-01-01T00:00:01.000Z",
                503,
                "busy",
                Outcome.RETRY,
                until,
            )
            for i in ids
        ]
    )
    return ids


def test_a_clock_set_back_a_day_waits_no_longer_than_the_cap(store: Store) -> None:
    now = 1_800_000_000.0
    # Due in 30 s when it was recorded; then the clock went back a day.
    ids = parked(store, 2, until=now + 30)
    earlier = now - DAY

    assert store.outbox.next_due("production", now=earlier, max_wait=3600) == earlier + 3600
    assert store.outbox.claim("production", 10, "host:1", now=earlier, max_wait=3600) == []
    assert store.outbox.claim("production", 10, "host:1", now=earlier + 3599, max_wait=3600) == []
    claimed = store.outbox.claim("production", 10, "host:1", now=earlier + 3600, max_wait=3600)
    assert [c.id for c in claimed] == ids


def test_a_wait_asked_for_beyond_the_cap_is_brought_in_to_it(store: Store) -> None:
    now = 1_800_000_000.0
    [request_id] = parked(store, 1, until=now + 100_000)  # Retry-After: 100000, stored

    assert store.outbox.claim("production", 1, "host:1", now=now, max_wait=60) == []
    row = store.outbox.get(request_id)
    assert row is not None and row.next_attempt_at == now + 60
    # Once brought in, a later claim does not push it on again.
    assert store.outbox.claim("production", 1, "host:1", now=now + 30, max_wait=60) == []
    assert store.outbox.next_due("production", now=now + 30, max_wait=60) == now + 60
    [claimed] = store.outbox.claim("production", 1, "host:1", now=now + 60, max_wait=60)
    assert claimed.id == request_id


def test_without_a_cap_nothing_is_moved(store: Store) -> None:
    now = 1_800_000_000.0
    parked(store, 1, until=now + 100_000)
    assert store.outbox.claim("production", 1, "host:1", now=now + 99_999) == []
    assert store.outbox.next_due("production") == now + 100_000


def test_retry_makes_a_request_waiting_for_a_retry_due_now(store: Store) -> None:
    far = 4_000_000_000.0  # an HTTP date in 2096
    [request_id, other] = parked(store, 2, until=far)

    store.outbox.retry(request_id)

    row = store.outbox.get(request_id)
    assert row is not None and (row.state, row.next_attempt_at) == ("queued", 0)
    assert [c.id for c in store.outbox.claim("production", 10, "host:1")] == [request_id]
    still = store.outbox.get(other)
    assert still is not None and still.next_attempt_at == far


def test_recorded_times_never_precede_the_queuing(store: Store) -> None:
    """After the clock went back, accepted_at must not come before queued_at."""
    ids = store.outbox.enqueue([request(opt_in_body(f"+1954555000{n}")) for n in range(3)])
    store.conn.execute("UPDATE requests SET created_at = '2026-11-27T10:00:00.000Z'")
    store.outbox.claim("production", 2, "host:1")
    back = "2026-11-26T10:00:00.000Z"  # a day earlier than the queuing
    store.outbox.record(
        [
            AttemptResult(ids[0], back, back, 200, '{"message":"ok"}', Outcome.DELIVERED),
            AttemptResult(ids[1], back, back, 400, "bad", Outcome.REJECTED),
        ]
    )
    store.outbox.drop(ids[2])

    for request_id in ids:
        row = store.outbox.get(request_id)
        assert row is not None and row.finished_at is not None
        assert row.finished_at >= row.created_at, request_id
        for attempt in store.history.attempts(request_id):
            assert row.created_at <= attempt.started_at <= attempt.finished_at
    [evidence] = [r for r in store.history.evidence() if r["request_id"] == ids[0]]
    assert evidence["accepted_at"] >= evidence["queued_at"]
