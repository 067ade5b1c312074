"""The words of the confirmation asked before a send reaches a real account."""

from __future__ import annotations

from typing import Any

from regal_desktop.services.accounts import BUILT_IN_SANDBOX, AccountProfile
from regal_desktop.services.confirmation import (
    build_confirmation,
    bulk_confirmation,
    primary_phone_change,
    session_only,
)

#: A contact opting +1 954-558-2399 out of SMS.
BODY: dict[str, Any] = {
    "userId": "u-100",
    "traits": {
        "phones": {
            "+19545582399": {
                "label": "mobile",
                "isPrimary": True,
                "smsOptIn": {
                    "subscribed": False,
                    "timestamp": "2026-11-25T14:03:07-05:00",
                    "text": "Customer replied STOP.",
                },
            }
        }
    },
}


def test_confirmation_names_the_account_and_every_change() -> None:
    production = AccountProfile(name="main")
    confirmation = build_confirmation(production, BODY, None)

    assert confirmation.production
    assert confirmation.title == "Send to production?"
    assert confirmation.question == (
        "Send this request to the PRODUCTION account “main” (https://events.regalvoice.com/events)?"
    )
    assert confirmation.changes == (
        "SMS opt-out for +1 954-558-2399",
        "Primary phone becomes +1 954-558-2399",
    )
    assert "Contact: +1 954-558-2399" in confirmation.details
    assert not build_confirmation(BUILT_IN_SANDBOX, BODY, None).production


def test_a_send_without_changes_says_so() -> None:
    known = {"traits": {"phones": {"+19545582399": {"isPrimary": True}}}}
    confirmation = build_confirmation(AccountProfile(name="main"), {"userId": "u-1"}, known)
    assert confirmation.changes == ()
    assert confirmation.details == (
        "Contact: u-1\nNo consent changes and no change of the primary phone."
    )


def test_primary_phone_change_only_when_it_moves() -> None:
    known = {"traits": {"phones": {"+19545582399": {"isPrimary": True}}}}
    assert primary_phone_change(known, BODY) is None
    moved = {"traits": {"phones": {"+14155550100": {"isPrimary": True}}}}
    assert primary_phone_change(known, moved) == (
        "Primary phone becomes +1 415-555-0100 (was +1 954-558-2399)"
    )


def test_bulk_confirmation_counts_rows_and_consent_changes() -> None:
    confirmation = bulk_confirmation(AccountProfile(name="main"), 12_000, 3_456, "stop.csv")
    assert confirmation.contact == "12,000 contacts from stop.csv"
    assert confirmation.changes == ("3,456 consent changes (opt-ins and opt-outs)",)
    assert bulk_confirmation(AccountProfile(name="main"), 5, 0, "a.csv").changes == ()


def test_session_only_names_the_profile() -> None:
    assert "API key for main is kept for this session only" in session_only("main")


def test_a_look_alike_endpoint_is_warned_about_before_the_send() -> None:
    look_alike = AccountProfile(name="main", endpoint="https://\u0435vents.regalvoice.com/events")
    for confirmation in (
        build_confirmation(look_alike, BODY, None),
        bulk_confirmation(look_alike, 3, 2, "list.csv"),
    ):
        first = confirmation.details.splitlines()[0]
        assert first.startswith("⚠ Warning: the host name") and "xn--vents-ywe" in first
    assert build_confirmation(AccountProfile(name="main"), BODY, None).warning is None


def test_primary_phone_move_follows_the_earlier_requests_of_the_contact() -> None:
    from regal_desktop.services.confirmation import primary_phone_move

    first = {"traits": {"phones": {"+19545582399": {"isPrimary": True}}}}
    other = {"traits": {"phones": {"+19545550100": {"isPrimary": True}}}}
    same = {"traits": {"phones": {"+19545582399": {"label": "mobile"}}}}

    assert primary_phone_move([], first) == "Primary phone becomes +1 954-558-2399"
    assert primary_phone_move([first], same) is None
    assert primary_phone_move([first], other) == (
        "Primary phone becomes +1 954-555-0100 (was +1 954-558-2399)"
    )
    assert primary_phone_move([first, other], first) == (
        "Primary phone becomes +1 954-558-2399 (was +1 954-555-0100)"
    )


def test_a_segment_account_is_named_with_its_route() -> None:
    segment = AccountProfile(name="seg", kind="segment", endpoint="https://api.segment.io/v1")
    single = build_confirmation(segment, BODY, None)
    bulk = bulk_confirmation(segment, 3, 2, "list.csv")
    for confirmation in (single, bulk):
        assert confirmation.title == "Send to production?"
        assert confirmation.question == (
            "Send this request through Segment to the PRODUCTION account “seg” "
            "(https://api.segment.io/v1)?"
        )
    assert single.changes[0] == "SMS opt-out for +1 954-558-2399"
    # Not production (on this computer): the title names the route too.
    local = AccountProfile(name="t", kind="segment", endpoint="http://127.0.0.1:9/v1")
    assert build_confirmation(local, BODY, None).title == "Send through Segment?"
    assert "through Segment" not in build_confirmation(AccountProfile(name="m"), BODY, None).text
