"""Retiring a number or address: the body, where primary goes, and the record kept with
the queued request in one transaction (real SQLite store)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from regal_desktop.services.accounts import BUILT_IN_SANDBOX, Destination
from regal_desktop.services.retire import (
    RETIRED_SOURCE,
    RetireError,
    parse_point,
    plan,
    queue_retirement,
)
from regal_desktop.services.sending import Prepared, queue
from regal_desktop.store import Store, open_store

NOW = datetime(2026, 11, 25, 14, 3, 7, tzinfo=UTC)
PRIMARY, SECOND, THIRD = "+19545582399", "+19545550100", "+19545550177"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "regal.sqlite3") as opened:
        opened.directory.apply(
            {
                "userId": "7",
                "traits": {
                    "firstName": "Ann",
                    "phones": {PRIMARY: {"isPrimary": True}, THIRD: {}, SECOND: {}},
                    "emails": {"Ann@Example.com": {}},
                },
            }
        )
        yield opened


def test_retiring_the_primary_phone_moves_primary_to_the_first_other_phone(
    store: Store,
) -> None:
    retirement = plan(store, "(954) 558-2399", "number reassigned", NOW)
    phones = retirement.checked.body["traits"]["phones"]
    stamp = "2026-11-25T14:03:07+00:00"
    off = {"subscribed": False, "timestamp": stamp, "source": RETIRED_SOURCE}
    assert phones[PRIMARY] == {"voiceOptIn": off, "smsOptIn": off}
    # Regal's order: the first alphanumerically of the others (…0100 before …0177).
    assert phones[SECOND] == {"isPrimary": True}
    assert THIRD not in phones
    assert retirement.new_primary == SECOND
    assert "+1 954-555-0100 becomes primary" in retirement.summary()
    assert "reassigned" not in retirement.text  # the reason is evidence, never sent


def test_retiring_a_phone_that_is_not_primary_leaves_primary_alone(store: Store) -> None:
    retirement = plan(store, "+1 954 555 0177", "old landline", NOW)
    assert list(retirement.checked.body["traits"]["phones"]) == [THIRD]
    assert retirement.new_primary is None


def test_retiring_the_only_address_sends_email_opt_out_and_says_it_stays_primary(
    store: Store,
) -> None:
    retirement = plan(store, "ANN@example.com", "bounces", NOW)
    emails = retirement.checked.body["traits"]["emails"]
    assert list(emails) == ["Ann@example.com"]  # spelt as the directory holds it
    assert emails["Ann@example.com"]["emailOptIn"]["subscribed"] is False
    assert retirement.key == "email:ann@example.com"
    assert "stays primary" in retirement.summary()


def test_a_point_the_directory_does_not_know_can_still_be_retired(store: Store) -> None:
    retirement = plan(store, "305-555-0199", "not ours", NOW)
    assert retirement.known is None
    assert list(retirement.checked.body["traits"]["phones"]) == ["+13055550199"]


@pytest.mark.parametrize(
    ("point", "reason", "message"),
    [
        ("555", "wrong", "too few digits"),
        ("not a number", "wrong", "is not a phone number"),
        ("ann@", "wrong", "not a valid e-mail address"),
        ("", "wrong", "say which number"),
        (PRIMARY, "  ", "say why"),
    ],
)
def test_bad_points_and_missing_reasons_say_what_is_wrong(
    store: Store, point: str, reason: str, message: str
) -> None:
    with pytest.raises(RetireError, match=message):
        plan(store, point, reason, NOW)


def test_parse_point_reads_numbers_in_any_format_and_addresses() -> None:
    assert parse_point("(954) 558-2399") == ("phone", PRIMARY)
    assert parse_point("+44 20 7946 0958") == ("phone", "+442079460958")
    assert parse_point(" Jane@Example.COM ") == ("email", "Jane@example.com")


def test_queueing_records_the_retirement_with_its_request(store: Store) -> None:
    retirement = plan(store, PRIMARY, "number reassigned", NOW)
    destination = Destination(BUILT_IN_SANDBOX, None)
    request_id = queue_retirement(store, retirement, destination, "ann")
    queued = store.outbox.get(request_id)
    assert queued is not None and json.loads(queued.body) == retirement.checked.body
    retired = store.revocations.retired([f"phone:{PRIMARY}"])[f"phone:{PRIMARY}"]
    assert (retired.request_id, retired.reason) == (request_id, "number reassigned")
    assert store.directory.find("Ann")[0].retired == frozenset({PRIMARY})


def test_nothing_is_queued_when_the_retirement_cannot_be_recorded(store: Store) -> None:
    store.conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON retired_points "
        "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    retirement = plan(store, PRIMARY, "number reassigned", NOW)
    with pytest.raises(sqlite3.IntegrityError, match="disk says no"):
        queue_retirement(store, retirement, Destination(BUILT_IN_SANDBOX, None), "ann")
    assert store.outbox.counts() == {state: 0 for state in store.outbox.counts()}


def _replacement(store: Store) -> Prepared:
    """The editor's send after Replace…: the body and the point it retires."""
    checked = plan(store, PRIMARY, "replaced", NOW).checked
    return Prepared("editor", checked, retires={f"phone:{PRIMARY}": "Replaced by +1 954-555-0100"})


def test_a_send_that_retires_records_the_point_with_its_request(store: Store) -> None:
    (request_id,) = queue(store, [_replacement(store)], Destination(BUILT_IN_SANDBOX, None), "ann")
    retired = store.revocations.retired([f"phone:{PRIMARY}"])[f"phone:{PRIMARY}"]
    queued = store.outbox.get(request_id)
    assert queued is not None
    assert (retired.request_id, retired.reason, retired.retired_at) == (
        request_id,
        "Replaced by +1 954-555-0100",
        queued.created_at,
    )


def test_a_failure_to_queue_leaves_no_retired_point(store: Store) -> None:
    # The retired point is written first; the evidence row after it fails.
    store.conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON consent_changes "
        "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk says no"):
        queue(store, [_replacement(store)], Destination(BUILT_IN_SANDBOX, None), "ann")
    assert store.revocations.retired([f"phone:{PRIMARY}"]) == {}
    assert not store.revocations.any_retired()
    assert store.outbox.counts() == {state: 0 for state in store.outbox.counts()}
