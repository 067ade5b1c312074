"""Revocations from a real store: which consent changes count, when Regal accepted them,
where the received time comes from, and the order they are listed in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from regal_desktop.services.revocations import revocations
from regal_desktop.store import AttemptResult, Outcome, Store, open_store
from regal_desktop.store.requests import EVERY_CHANGE, ChangeNote
from tests.helpers.store import opt_in_body, request

PHONE, OTHER = "+19545582399", "+19545550100"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "regal.sqlite3") as opened:
        yield opened


def opt_out(number: str, channel: str = "sms", timestamp: str | None = None) -> dict[str, Any]:
    body = opt_in_body(number, channel, subscribed=False)
    entry = body["traits"]["phones"][number][f"{channel}OptIn"]
    if timestamp is None:
        del entry["timestamp"]
    else:
        entry["timestamp"] = timestamp
    return body


def settle(store: Store, outcome: Outcome, finished_at: str) -> None:
    """Answer every queued request of the profile with ``outcome`` at ``finished_at`` (their
    queuing dated to then: recorded times never precede it)."""
    store.conn.execute("UPDATE requests SET created_at = ? WHERE state = 'queued'", (finished_at,))
    for claimed in store.outbox.claim("production", 100, "host:1"):
        store.outbox.record(
            [
                AttemptResult(
                    claimed.id,
                    finished_at,
                    finished_at,
                    200 if outcome is Outcome.DELIVERED else 400,
                    "answer",
                    outcome,
                )
            ]
        )


def queued_at(store: Store, request_id: int, when: str) -> None:
    store.conn.execute("UPDATE requests SET created_at = ? WHERE id = ?", (when, request_id))


NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday


def test_only_opt_outs_that_change_the_state_are_revocations(store: Store) -> None:
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    (revoked,) = store.outbox.enqueue([request(opt_out(PHONE, "voice", "2026-11-20T10:00:00Z"))])
    (restated,) = store.outbox.enqueue([request(opt_out(OTHER, "sms", "2026-11-20T10:00:00Z"))])
    store.conn.execute(
        "UPDATE consent_changes SET change = 'restatement' WHERE request_id = ?", (restated,)
    )
    found = revocations(store, NOW)
    assert [(r.point, r.channel, r.request_id) for r in found] == [(PHONE, "voice", revoked)]


def test_received_at_comes_from_the_note_then_the_consent_time_then_the_queue(
    store: Store,
) -> None:
    note = {EVERY_CHANGE: ChangeNote(received_at="2026-11-18T09:00:00-05:00", method="call")}
    store.outbox.enqueue([request(opt_out(PHONE, "sms", "2026-11-10T10:00:00Z"), notes=note)])
    store.outbox.enqueue([request(opt_out(OTHER, "sms", "2026-11-11 10:00:00 -04:00"))])
    (untimed,) = store.outbox.enqueue([request(opt_out(OTHER, "voice"))])
    queued_at(store, untimed, "2026-11-12T08:00:00.000Z")
    by_point = {(r.point, r.channel): r for r in revocations(store, NOW)}
    noted = by_point[(PHONE, "sms")]
    assert noted.received_at == datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
    assert noted.received_from == "received" and noted.method == "call"
    consent = by_point[(OTHER, "sms")]
    assert consent.received_at == datetime(2026, 11, 11, 14, 0, tzinfo=UTC)
    assert consent.received_from in ("received", "consent")  # stored at enqueue, or read here
    queued = by_point[(OTHER, "voice")]
    assert queued.received_at == datetime(2026, 11, 12, 8, 0, tzinfo=UTC)
    assert queued.received_from == "queued"


def test_a_refused_opt_out_is_overdue_after_ten_business_days_and_listed_first(
    store: Store,
) -> None:
    store.outbox.enqueue([request(opt_out(OTHER, "sms", "2026-11-20T10:00:00Z"))])
    store.outbox.enqueue([request(opt_out(PHONE, "sms", "2026-11-02T15:00:00Z"))])
    settle(store, Outcome.REJECTED, "2026-11-25T10:00:00.000Z")
    before = revocations(store, datetime(2026, 11, 16, 23, 59, tzinfo=UTC))
    assert [r.overdue for r in before] == [False, False]
    assert [r.point for r in before] == [PHONE, OTHER]  # oldest received first
    assert before[0].business_days == 10
    found = revocations(store, NOW)
    assert [(r.point, r.overdue) for r in found] == [(PHONE, True), (OTHER, False)]
    late = found[0]
    assert late.accepted_at is None and late.state.value == "rejected"
    assert late.business_days == 17
    assert late.due_day.isoformat() == "2026-11-16"
    assert [r.point for r in revocations(store, NOW, overdue_only=True)] == [PHONE]
    # Overdue ones come first even when received later than one that is not.
    store.outbox.enqueue([request(opt_out(OTHER, "voice", "2026-10-01T10:00:00Z"))])
    settle(store, Outcome.DELIVERED, "2026-10-02T10:00:00.000Z")
    assert [(r.point, r.channel) for r in revocations(store, NOW)] == [
        (PHONE, "sms"),
        (OTHER, "voice"),
        (OTHER, "sms"),
    ]


def test_a_later_delivered_request_with_the_same_opt_out_honours_it(store: Store) -> None:
    (refused,) = store.outbox.enqueue([request(opt_out(PHONE, "sms", "2026-11-02T15:00:00Z"))])
    settle(store, Outcome.REJECTED, "2026-11-03T10:00:00.000Z")
    (again,) = store.outbox.enqueue([request(opt_out(PHONE, "sms", "2026-11-02T15:00:00Z"))])
    settle(store, Outcome.DELIVERED, "2026-11-20T10:00:00.000Z")
    first = next(r for r in revocations(store, NOW) if r.request_id == refused)
    assert first.accepted_by == again
    assert first.accepted_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert not first.overdue and first.late  # accepted, but after its deadline
    assert first.business_days == 14
    assert first.as_json()["accepted_at"] == "2026-11-20T10:00:00Z"


def test_an_earlier_delivery_does_not_honour_a_later_opt_out(store: Store) -> None:
    store.outbox.enqueue([request(opt_out(PHONE, "sms", "2026-10-01T15:00:00Z"))])
    settle(store, Outcome.DELIVERED, "2026-10-01T16:00:00.000Z")
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    settle(store, Outcome.DELIVERED, "2026-10-05T16:00:00.000Z")
    (later,) = store.outbox.enqueue([request(opt_out(PHONE, "sms", "2026-11-02T15:00:00Z"))])
    found = next(r for r in revocations(store, NOW) if r.request_id == later)
    assert found.accepted_at is None and found.overdue


def test_retired_points_are_recorded_and_read_by_key(store: Store) -> None:
    (queued,) = store.outbox.enqueue([request(opt_out(PHONE))])
    store.revocations.retire(f"phone:{PHONE}", queued, "reassigned", "2026-11-25T10:00:00.000Z")
    found = store.revocations.retired([f"phone:{PHONE}", f"phone:{OTHER}", "user:1"])
    assert list(found) == [f"phone:{PHONE}"]
    assert found[f"phone:{PHONE}"].reason == "reassigned"
    assert found[f"phone:{PHONE}"].request_id == queued
