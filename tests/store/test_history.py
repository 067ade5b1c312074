"""The history answers "what was sent, when, by whom" and exports consent evidence."""

from __future__ import annotations

import hashlib

import pytest

from regal_desktop.domain.model import Channel
from regal_desktop.store import AttemptResult, Outcome, RequestRow, Store
from tests.helpers.store import opt_in_body, request

PHONE = "+19545582399"


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test here runs on SQLite and on PostgreSQL (``any_store``)."""
    return any_store


def deliver(store: Store, request_id: int, finished_at: str) -> None:
    store.outbox.claim("production", 1, "host:1")
    store.outbox.record(
        [AttemptResult(request_id, finished_at, finished_at, 200, "ok", Outcome.DELIVERED)]
    )


def queued_on(store: Store, request_id: int, day: str) -> int:
    """Date the request's queuing to that day of May 2024 (before it is sent: the times
    recorded for a request never precede its queuing)."""
    store.conn.execute(
        "UPDATE requests SET created_at = ? WHERE id = ?",
        (f"2024-05-{day}T10:00:00.000Z", request_id),
    )
    return request_id


@pytest.fixture
def story(store: Store) -> dict[str, int]:
    """Three requests on one contact over three days, and one on someone else."""
    opt_in = store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True), operator="ann")])[0]
    deliver(store, queued_on(store, opt_in, "01"), "2024-05-01T10:00:02.000Z")
    # The e-mail arrives with the phone: from now on both name the same contact.
    email = store.outbox.enqueue(
        [request({"traits": {"phones": {PHONE: {}}, "emails": {"jane@example.com": {}}}})]
    )[0]
    deliver(store, queued_on(store, email, "02"), "2024-05-02T10:00:02.000Z")
    # Only the e-mail leads this one, and Regal refused it.
    opt_out = store.outbox.enqueue(
        [
            request(
                {"traits": {"emails": {"jane@example.com": {"emailOptIn": {"subscribed": False}}}}}
            )
        ]
    )[0]
    queued_on(store, opt_out, "03")
    store.outbox.claim("production", 1, "host:1")
    store.outbox.record(
        [
            AttemptResult(
                opt_out,
                "2024-05-03T10:00:01.000Z",
                "2024-05-03T10:00:02.000Z",
                400,
                "bad",
                Outcome.REJECTED,
            )
        ]
    )
    other = store.outbox.enqueue([request(opt_in_body("+15155552355", "voice", False))])[0]
    queued_on(store, other, "03")
    return {"opt_in": opt_in, "email": email, "opt_out": opt_out, "other": other}


def ids(rows: list[RequestRow]) -> list[int]:
    return [row.id for row in rows]


def test_search_is_newest_first_and_filters_by_contact_through_any_identifier(
    store: Store, story: dict[str, int]
) -> None:
    everything = [story["other"], story["opt_out"], story["email"], story["opt_in"]]
    assert ids(store.history.search()) == everything
    assert ids(store.history.search(limit=2)) == everything[:2]
    mine = [story["opt_out"], story["email"], story["opt_in"]]
    assert ids(store.history.search(contact="(954) 558-2399")) == mine
    assert ids(store.history.search(contact="JANE@example.com")) == mine
    assert ids(store.history.search(contact="+15155552355")) == [story["other"]]


def test_search_by_time_state_and_channel(store: Store, story: dict[str, int]) -> None:
    assert ids(store.history.search(since="2024-05-02", until="2024-05-02")) == [story["email"]]
    assert ids(store.history.search(until="2024-05-01T10:00:00Z")) == [story["opt_in"]]
    assert ids(store.history.search(since="2024-05-03T06:00:00-04:00")) == [
        story["other"],
        story["opt_out"],
    ]
    assert ids(store.history.search(states=["rejected", "queued"])) == [
        story["other"],
        story["opt_out"],
    ]
    assert ids(store.history.search(channel="email")) == [story["opt_out"]]
    assert ids(store.history.search(channel="sms", contact=PHONE)) == [story["opt_in"]]


def test_bad_filters_say_what_is_wrong(store: Store) -> None:
    with pytest.raises(ValueError, match="since 'yesterday' is not a date or time"):
        store.history.search(since="yesterday")
    with pytest.raises(ValueError, match="unknown request state sent"):
        store.history.search(states=["sent"])
    with pytest.raises(ValueError, match="'fax' is not a valid Channel"):
        list(store.history.evidence(channel="fax"))


def test_attempts_are_listed_in_order(store: Store) -> None:
    [request_id] = store.outbox.enqueue([request(opt_in_body(PHONE))])
    for status, outcome in ((503, Outcome.RETRY), (200, Outcome.DELIVERED)):
        store.outbox.claim("production", 1, "host:1")
        store.outbox.record([AttemptResult(request_id, "s", "f", status, "x", outcome)])

    assert [a.status for a in store.history.attempts(request_id)] == [503, 200]
    assert store.history.attempts(request_id + 1) == []


def test_consent_timeline_of_a_number_and_an_address(store: Store, story: dict[str, int]) -> None:
    [entry] = store.history.consent_timeline("954-558-2399")
    assert (entry.request_id, entry.operator, entry.state) == (story["opt_in"], "ann", "delivered")
    assert (entry.channel, entry.subscribed, entry.finished_at) == (
        Channel.SMS,
        True,
        "2024-05-01T10:00:02.000Z",
    )
    assert entry.text == "I agree to receive marketing texts"
    assert store.history.consent_timeline(PHONE, channel="voice") == []

    [email] = store.history.consent_timeline("Jane@Example.com", channel="email")
    assert (email.request_id, email.state, email.subscribed) == (
        story["opt_out"],
        "rejected",
        False,
    )
    assert store.history.consent_timeline("user-only") == []


def test_evidence_rows_carry_everything_an_auditor_asks_for(
    store: Store, story: dict[str, int]
) -> None:
    rows = list(store.history.evidence())

    assert [row["request_id"] for row in rows] == [
        story["opt_in"],
        story["opt_out"],
        story["other"],
    ]
    first = rows[0]
    body = store.outbox.get(story["opt_in"]).body  # type: ignore[union-attr]
    assert first == {
        "point": PHONE,
        "kind": "phone",
        "channel": "sms",
        "subscribed": True,
        "text": "I agree to receive marketing texts",
        "ip": "192.0.2.10",
        "timestamp": "2024-05-01T10:00:00-04:00",
        "source": None,
        "operator": "ann",
        "profile": "production",
        "endpoint": "https://events.regalvoice.com/events",  # where it went
        "queued_at": "2024-05-01T10:00:00.000Z",
        "accepted_at": "2024-05-01T10:00:02.000Z",
        "state": "delivered",
        "request_id": story["opt_in"],
        "sha256": hashlib.sha256(body.encode()).hexdigest(),
        # Nothing was known of the number when it was queued: a change, with no notes.
        "change": "change",
        "was": None,
        "reason": None,
        "proof": None,
        "method": None,
        "received_at": None,
        "template": None,
        "template_version": None,
        # Sent straight to Regal: no Segment message id, no batch.
        "route": "regal",
        "message_id": None,
        "batch": None,
        # Who queued it in the team database (its role); a desk's own file has none.
        "db_role": "postgres" if store.kind == "postgresql" else None,
    }
    assert rows[1]["accepted_at"] is None  # rejected: Regal never accepted it
    assert [r["request_id"] for r in store.history.evidence(contact="jane@example.com")] == [
        story["opt_in"],
        story["opt_out"],
    ]
    assert [r["point"] for r in store.history.evidence(channel="voice", states=["queued"])] == [
        "+15155552355"
    ]


def test_imports_group_requests_by_csv_file_and_queue_time(store: Store) -> None:
    def queue(origins: list[str], when: str) -> list[int]:
        ids = store.outbox.enqueue(
            [request(opt_in_body(f"+1954558{n:04d}"), origin=o) for n, o in enumerate(origins)]
        )
        for request_id in ids:
            store.conn.execute(
                "UPDATE requests SET created_at = ? WHERE id = ?", (when, request_id)
            )
        return list(ids)

    first = queue(["/data/crm.csv:2", "/data/crm.csv:3"], "2024-05-01T10:00:00.000Z")
    again = queue(["/data/crm.csv:2"], "2024-05-02T10:00:00.000Z")
    other = queue(["C:\\exports\\stop2024.CSV:9"], "2024-05-03T10:00:00.000Z")
    queue(["editor", "fix:3", "payloads.jsonl:1"], "2024-05-04T10:00:00.000Z")

    batches = store.history.imports()
    assert [(b.name, b.queued_at, b.requests) for b in batches] == [
        ("stop2024.CSV", "2024-05-03T10:00:00.000Z", 1),
        ("crm.csv", "2024-05-02T10:00:00.000Z", 1),
        ("crm.csv", "2024-05-01T10:00:00.000Z", 2),
    ]
    found = store.history.search(imports=[batches[2]])
    assert sorted(row.id for row in found) == first
    named = store.history.imports_named("crm.csv")
    assert sorted(r.id for r in store.history.search(imports=named)) == first + again
    assert [
        r.id
        for r in store.history.search(
            imports=store.history.imports_named("C:\\exports\\stop2024.CSV")
        )
    ] == other
    assert store.history.search(imports=[]) == []
