"""Consent evidence counts changes only: each consent object queued is a ``change`` when
its state differs from what the directory knew then (or nothing was known), else a
``restatement``; the operator's notes are kept with it. Real SQLite files."""

from __future__ import annotations

from typing import Any

import pytest

from regal_desktop.domain.model import Channel
from regal_desktop.store import AttemptResult, Outcome, Store
from regal_desktop.store.requests import EVERY_CHANGE, ChangeNote
from tests.helpers.store import opt_in_body, request

PHONE = "+19545582399"


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test here runs on SQLite and on PostgreSQL (``any_store``)."""
    return any_store


def deliver_all(store: Store) -> None:
    """Claim and deliver every queued request (the directory learns each body)."""
    for claimed in store.outbox.claim("production", 100, "host:1"):
        store.outbox.record(
            [
                AttemptResult(
                    claimed.id,
                    "2024-05-01T10:00:01.000Z",
                    "2024-05-01T10:00:02.000Z",
                    200,
                    "ok",
                    Outcome.DELIVERED,
                )
            ]
        )


def evidence(store: Store) -> list[tuple[Any, ...]]:
    return [
        (r["point"], r["channel"], r["subscribed"], r["change"], r["was"])
        for r in store.history.evidence()
    ]


def test_a_known_state_sent_again_is_a_restatement_and_a_new_one_a_change(store: Store) -> None:
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    deliver_all(store)
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", False))])
    store.outbox.enqueue([request(opt_in_body(PHONE, "voice", False))])
    assert evidence(store) == [
        (PHONE, "sms", True, "change", None),
        (PHONE, "sms", True, "restatement", True),
        (PHONE, "sms", False, "change", True),
        (PHONE, "voice", False, "change", None),  # nothing known on voice
    ]


def test_email_points_match_the_directory_in_any_case(store: Store) -> None:
    def body(subscribed: bool, address: str) -> dict[str, Any]:
        consent = {"subscribed": subscribed, "timestamp": "2024-05-01T10:00:00Z"}
        return {"traits": {"emails": {address: {"emailOptIn": consent}}}}

    store.outbox.enqueue([request(body(False, "Jane@example.com"))])
    deliver_all(store)
    store.outbox.enqueue([request(body(False, "jane@example.com"))])
    assert evidence(store)[1] == ("jane@example.com", "email", False, "restatement", False)


def test_notes_are_kept_as_evidence_and_never_sent(store: Store) -> None:
    body = opt_in_body(PHONE, "sms", False)
    notes = {
        EVERY_CHANGE: ChangeNote(reason="customer asked on the phone", proof="call-8812"),
        (PHONE, "sms"): ChangeNote(
            method="call", received_at="2024-04-30T15:00:00.000Z", template="Acme SMS"
        ),
    }
    [request_id] = store.outbox.enqueue([request(body, operator="ann", notes=notes)])
    [row] = store.history.evidence()
    assert (row["operator"], row["reason"], row["proof"]) == (
        "ann",
        "customer asked on the phone",
        "call-8812",
    )
    assert (row["method"], row["received_at"], row["template"]) == (
        "call",
        "2024-04-30T15:00:00.000Z",
        "Acme SMS",
    )
    sent = store.outbox.get(request_id).body  # type: ignore[union-attr]
    assert "call-8812" not in sent and "customer asked" not in sent
    [entry] = store.history.consent_timeline(PHONE)
    assert (entry.reason, entry.proof, entry.method, entry.is_change) == (
        "customer asked on the phone",
        "call-8812",
        "call",
        True,
    )


def test_an_opt_out_from_a_file_was_received_at_its_consent_time(store: Store) -> None:
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", False))])
    store.outbox.enqueue([request(opt_in_body(PHONE, "voice", True))])
    rows = list(store.history.evidence())
    # 2024-05-01T10:00:00-04:00, in the store's UTC format; an opt-in has no "received".
    assert [r["received_at"] for r in rows] == ["2024-05-01T14:00:00.000Z", None]


def test_consent_of_a_page_of_requests_in_one_call(store: Store) -> None:
    ids = store.outbox.enqueue(
        [
            request(opt_in_body(PHONE, "sms", True)),
            request({"userId": "u-1"}),
            request(opt_in_body("+15155552355", "voice", False)),
        ]
    )
    found = store.history.consent_of(ids)
    assert set(found) == {ids[0], ids[2]}
    [voice] = found[ids[2]]
    assert (voice.point, voice.channel, voice.subscribed, voice.is_change) == (
        "+15155552355",
        Channel.VOICE,
        False,
        True,
    )
    assert store.history.consent_of([]) == {}


def test_changes_only_leaves_the_restatements_out_of_the_export(store: Store) -> None:
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    deliver_all(store)
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    assert [r["change"] for r in store.history.evidence()] == ["change", "restatement"]
    assert [r["change"] for r in store.history.evidence(changes_only=True)] == ["change"]
