"""The sender keeps its claims' lease alive, and sends a request only to the endpoint it
was queued for."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from regal_desktop.delivery.client import Backoff
from regal_desktop.delivery.sender import DeliveryTarget, Sender
from regal_desktop.sandbox import Faults, Sandbox
from regal_desktop.store import open_store
from regal_desktop.store.db import connect
from regal_desktop.store.outbox import NewRequest, Outbox
from tests.helpers.delivery import PROFILE, make_body, states

FAST = Backoff(base=0.02, cap=0.1)


def test_a_running_sender_renews_the_lease_of_what_it_holds(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("regal_desktop.delivery.sender.HEARTBEAT", 0.05)
    renewed: list[int] = []
    original = Outbox.renew

    def spy(self: Outbox, claimer: str, now: float | None = None) -> int:
        held = original(self, claimer, now)
        renewed.append(held)
        return held

    monkeypatch.setattr(Outbox, "renew", spy)
    with open_store(db_path) as store:
        store.outbox.enqueue([NewRequest(PROFILE, "sandbox", "t", make_body(1))])
    with Sandbox(faults=Faults(latency=0.6)) as sandbox:
        target = DeliveryTarget(PROFILE, sandbox.url, None, queued_for="sandbox")
        summary = Sender(db_path, target, backoff=FAST).run_sync()

    assert summary.delivered == 1
    assert len(renewed) >= 3 and max(renewed) == 1  # renewed while the request was out


def test_requests_queued_for_another_endpoint_are_held_and_go_nowhere(db_path: Path) -> None:
    with open_store(db_path) as store:
        here, elsewhere = store.outbox.enqueue(
            [
                NewRequest(PROFILE, "https://a.example.com/events", "t", make_body(1)),
                NewRequest(PROFILE, "https://b.example.com/events", "t", make_body(2)),
            ]
        )
    with Sandbox() as sandbox:
        target = DeliveryTarget(
            PROFILE, sandbox.url, None, queued_for="https://a.example.com/events"
        )
        summary = Sender(db_path, target, backoff=FAST).run_sync()
        assert [r.body for r in sandbox.received] == [make_body(1)]

    assert (summary.delivered, summary.held, summary.remaining) == (1, 1, 0)
    assert "1 held: queued before the profile's endpoint changed" in summary.message
    assert states(db_path) == {"delivered": 1, "held": 1}
    with open_store(db_path) as store:
        row = store.outbox.get(elsewhere)
        assert row is not None and row.status == "Held: endpoint changed"
        assert row.last_answer is not None and "https://b.example.com/events" in row.last_answer
        assert store.outbox.release_held(PROFILE) == 0  # a new key does not answer this
        [attempt] = store.history.attempts(here)
        assert attempt.endpoint == sandbox.url


def test_a_claim_with_nothing_due_does_not_wait_for_a_writer(db_path: Path) -> None:
    # A Segment batch's outcomes take a while to record; a feeder asking for more work
    # meanwhile must not stall the sender's event loop behind that write lock.
    with open_store(db_path) as store:
        store.outbox.enqueue([NewRequest(PROFILE, "sandbox", "t", make_body(1))])
    writer = sqlite3.connect(db_path, isolation_level=None)
    with closing(connect(db_path, timeout=0.05)) as conn, closing(writer):
        outbox = Outbox(conn)
        writer.execute("BEGIN IMMEDIATE")
        assert outbox.claim(PROFILE, 10, "me", now=-1.0) == []  # queued, not yet due
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            outbox.claim(PROFILE, 10, "me")  # due: it must take the write lock
        writer.execute("ROLLBACK")
        assert [c.body for c in outbox.claim(PROFILE, 10, "me")] == [make_body(1)]
