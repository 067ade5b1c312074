"""The Segment route: the exact calls for a body, and what the route would lose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from regal_desktop.domain.check import check, check_text
from regal_desktop.domain.findings import Level
from regal_desktop.domain.segment import (
    LIBRARY,
    MAX_MESSAGE_BYTES,
    anonymous_id,
    message_bytes,
    segment_calls,
    segment_problems,
)
from tests.domain.test_properties import FAST, json_values, payloads
from tests.helpers.segment import LEGACY_ID, LEGACY_TRAITS

PAYLOADS = Path(__file__).parent.parent / "data" / "payloads"
PRIMARY, OTHER = "+19545582399", "+13055550100"
WORDS = "I agree to receive automated marketing SMS and calls"
CONSENT = {"subscribed": True, "timestamp": "2020-08-25T21:23:43Z", "ip": "172.16.254.1"}
CONTEXT = {"library": {"name": "regal-desktop", "version": LIBRARY["version"]}}
QUEUED = "2026-11-27T12:00:00+00:00"


def body_of(raw: dict[str, Any]) -> dict[str, Any]:
    """The body the editor would send for ``raw`` (checked, without errors)."""
    checked = check(raw)
    assert checked.sendable, checked.findings
    return checked.body


def calls(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return segment_calls(body_of(raw), message_id="m-1", timestamp=QUEUED)


def problems(raw: dict[str, Any]) -> list[str]:
    return [str(f) for f in segment_problems(body_of(raw))]


def errors(raw: dict[str, Any]) -> list[str]:
    return [s for s in problems(raw) if s.startswith("error: ")]


def two_phones(**primary: Any) -> dict[str, Any]:
    """Jane with two phones, consent (voice and SMS) on the primary one only."""
    return {
        "userId": "u-42",
        "traits": {
            "firstName": "Jane",
            "lastName": "Doe",
            "plan": "gold",
            "phones": {
                PRIMARY: {
                    "isPrimary": True,
                    "voiceOptIn": {**CONSENT, "text": WORDS},
                    "smsOptIn": {**CONSENT, "text": WORDS},
                    **primary,
                },
                OTHER: {"isPrimary": False},
            },
            "emails": {"jane@example.com": {"isPrimary": True}},
        },
    }


# The calls


def test_two_phones_with_consent_on_the_primary_make_one_identify() -> None:
    opt_in = {**CONSENT, "text": WORDS}
    assert calls(two_phones()) == [
        {
            "type": "identify",
            "userId": "u-42",
            "traits": {
                "firstName": "Jane",
                "lastName": "Doe",
                "phone": PRIMARY,
                "email": "jane@example.com",
                "plan": "gold",
                "optIn": [
                    {"channel": "voice", **opt_in},
                    {"channel": "sms", **opt_in},
                ],
            },
            "messageId": "m-1-identify",
            "timestamp": QUEUED,
            "context": CONTEXT,
        }
    ]


def test_an_event_is_a_track_with_its_own_time_after_the_identify() -> None:
    raw = {
        "userId": "u-42",
        "traits": {"phones": {PRIMARY: {"isPrimary": True}}},
        "name": "Student Enrolled",
        "properties": {"course": "Algebra", "credits": 3},
        "originalTimestamp": "2000-08-20 09:12:28 -04:00",
    }
    identify, track = calls(raw)
    assert identify["traits"] == {"phone": PRIMARY}
    assert track == {
        "type": "track",
        "userId": "u-42",
        "event": "Student Enrolled",
        "properties": {"course": "Algebra", "credits": 3},
        "messageId": "m-1-track",
        "timestamp": "2000-08-20T09:12:28-04:00",  # ISO 8601, as Segment reads it
        "context": CONTEXT,
    }


def test_an_event_without_traits_or_time_is_a_track_alone_at_the_queue_time() -> None:
    assert calls({"userId": "u-42", "name": "Loan Signed"}) == [
        {
            "type": "track",
            "userId": "u-42",
            "event": "Loan Signed",
            "properties": {},
            "messageId": "m-1-track",
            "timestamp": QUEUED,
            "context": CONTEXT,
        }
    ]


def test_the_legacy_payload_becomes_the_destinations_own_identify_example() -> None:
    text = (PAYLOADS / "segment-legacy-identify.json").read_text(encoding="utf-8")
    checked = check_text(text, "segment-legacy-identify.json")
    (identify,) = segment_calls(checked.body, message_id="m-1", timestamp=QUEUED)
    assert identify == {
        "type": "identify",
        "anonymousId": LEGACY_ID,
        "traits": LEGACY_TRAITS,
        "messageId": "m-1-identify",
        "timestamp": QUEUED,
        "context": CONTEXT,
    }
    assert segment_problems(checked.body) == []


def test_without_a_user_id_the_anonymous_id_follows_the_primary_phone() -> None:
    first = calls({"traits": {"phones": {PRIMARY: {"isPrimary": True}}}})
    again = calls({"traits": {"firstName": "J", "phones": {PRIMARY: {"isPrimary": True}}}})
    other = calls({"traits": {"phones": {OTHER: {"isPrimary": True}}}})
    by_mail = calls({"traits": {"emails": {"jane@example.com": {}}}})
    assert first[0]["anonymousId"] == again[0]["anonymousId"] == anonymous_id(f"phone:{PRIMARY}")
    assert other[0]["anonymousId"] != first[0]["anonymousId"]
    assert by_mail[0]["anonymousId"] == anonymous_id("email:jane@example.com")
    assert "userId" not in first[0]


def test_message_ids_come_from_the_requests_id_so_a_retry_sends_the_same() -> None:
    body = body_of(two_phones())
    once = segment_calls(body, message_id="abc", timestamp=QUEUED)
    again = segment_calls(body, message_id="abc", timestamp=QUEUED)
    assert once == again
    assert [c["messageId"] for c in once] == ["abc-identify"]


def test_an_unsubscribe_goes_as_subscribed_false_without_needing_an_ip() -> None:
    opt_out = {"subscribed": False, "timestamp": "2021-01-01T00:00:00Z"}
    raw = {"userId": "u", "traits": {"phones": {PRIMARY: {"isPrimary": True, "smsOptIn": opt_out}}}}
    assert calls(raw)[0]["traits"]["optIn"] == [{"channel": "sms", **opt_out}]
    assert problems(raw) == []


# What the route would lose: errors


def test_an_opt_in_without_a_timestamp_is_an_error() -> None:
    consent = {"subscribed": True, "ip": "1.2.3.4", "text": WORDS}
    said = errors(two_phones(smsOptIn=consent))
    assert said == [
        f'error: traits.phones["{PRIMARY}"].smsOptIn: SMS consent for +1 954-558-2399 has no '
        "timestamp: Regal's Segment destination ignores an opt-in without one; give the moment "
        "consent was given"
    ]


def test_an_opt_in_without_an_ip_is_an_error() -> None:
    consent = {"subscribed": True, "timestamp": "2020-08-25T21:23:43Z", "text": WORDS}
    (said,) = errors(two_phones(voiceOptIn=consent))
    assert said.startswith(f'error: traits.phones["{PRIMARY}"].voiceOptIn: Voice opt-in for')
    assert "has no ip" in said


def test_consent_on_a_phone_that_is_not_primary_is_an_error_saying_what_to_do() -> None:
    raw = two_phones()
    raw["traits"]["phones"][OTHER]["smsOptIn"] = {**CONSENT, "text": WORDS}
    (said,) = errors(raw)
    assert said.startswith(f'error: traits.phones["{OTHER}"].smsOptIn: SMS consent for +1 305')
    assert "send it directly to Regal, or make +1 305-555-0100 the primary phone" in said


def test_consent_on_an_e_mail_that_is_not_primary_is_an_error() -> None:
    raw = two_phones()
    raw["traits"]["emails"]["old@example.com"] = {"emailOptIn": {**CONSENT, "text": WORDS}}
    (said,) = errors(raw)
    assert said.startswith('error: traits.emails["old@example.com"].emailOptIn: E-mail consent')
    assert "primary e-mail" in said


def test_several_phones_none_primary_carry_none_of_them() -> None:
    raw = {"userId": "u", "traits": {"phones": {PRIMARY: {"smsOptIn": CONSENT}, OTHER: {}}}}
    said = problems(raw)
    assert said[0].startswith(f'error: traits.phones["{PRIMARY}"].smsOptIn: SMS consent')
    assert "none of the 2 is marked primary" in said[0]
    assert said[1].startswith(f'warning: traits.phones["{OTHER}"]: is not sent: through Segment')


def test_a_contact_regal_could_not_match_is_an_error() -> None:
    raw = {"traits": {"firstName": "Jane", "phones": {PRIMARY: {}, OTHER: {}}}}
    said = problems(raw)
    assert any(s.startswith("error: $: Regal could not tell who this is") for s in said)


def test_a_message_over_32_kb_is_an_error() -> None:
    raw = {"userId": "u", "traits": {"notes": "x" * MAX_MESSAGE_BYTES}}
    (said,) = problems(raw)
    assert said.startswith("error: traits: the Segment identify would be 32.")
    assert "over Segment's 32 KB per message" in said
    small = {"userId": "u", "traits": {"notes": "x" * 1000}}
    assert problems(small) == []


def test_a_big_event_is_measured_as_the_track_it_becomes() -> None:
    raw = {"userId": "u", "name": "Big", "properties": {"blob": "y" * MAX_MESSAGE_BYTES}}
    (said,) = problems(raw)
    assert said.startswith("error: properties: the Segment track would be")


def test_messages_are_measured_in_bytes_of_json() -> None:
    assert message_bytes({"a": "é"}) == len('{"a":"é"}'.encode())
    assert message_bytes({"n": 2**70}) == len('{"n":1180591620717411303424}')


# What the route would lose: warnings


def test_a_phone_without_consent_that_is_not_primary_is_a_warning_naming_it() -> None:
    assert problems(two_phones()) == [
        f'warning: traits.phones["{OTHER}"]: is not sent: through Segment only the primary '
        "phone reaches Regal (traits.phone); send +1 305-555-0100 directly to Regal to add it"
    ]


def test_what_segment_keeps_but_regal_does_not_use_is_a_warning() -> None:
    raw = two_phones(label="mobile", smsOptIn={**CONSENT, "source": "web form"})
    raw["traits"]["address"] = {"city": "Miami"}
    raw["eventSource"] = "crm"
    said = problems(raw)
    assert all(s.startswith("warning: ") for s in said)
    text = "\n".join(said)
    assert f'traits.phones["{PRIMARY}"].label: is not sent' in text
    assert f'traits.phones["{PRIMARY}"].smsOptIn.source: is not sent' in text
    assert "traits.address: Segment keeps the address" in text
    assert "eventSource: is not sent" in text


def test_a_single_phone_not_marked_primary_becomes_primary_through_segment() -> None:
    (said,) = problems({"userId": "u", "traits": {"phones": {PRIMARY: {}}}})
    assert said == (
        f'warning: traits.phones["{PRIMARY}"]: becomes the contact\'s primary phone through '
        "Segment (Regal makes traits.phone primary); mark it primary to say so"
    )
    assert calls({"userId": "u", "traits": {"phones": {PRIMARY: {}}}})[0]["traits"] == {
        "phone": PRIMARY
    }


def test_a_clean_contact_has_no_route_findings() -> None:
    raw = two_phones()
    del raw["traits"]["phones"][OTHER]
    assert problems(raw) == []


def test_findings_are_errors_first() -> None:
    raw = two_phones(smsOptIn={"subscribed": True})
    levels = [f.level for f in segment_problems(body_of(raw))]
    assert levels == sorted(levels, key=lambda level: level is not Level.ERROR)
    assert Level.WARNING in levels and Level.ERROR in levels


# Nothing raises


@FAST
@given(payloads())
def test_any_valid_payload_maps_and_checks_without_raising(raw: dict[str, Any]) -> None:
    body = check(raw).body
    made = segment_calls(body, message_id="m", timestamp=QUEUED)
    assert made and all(c["messageId"].startswith("m-") for c in made)
    segment_problems(body)


@FAST
@given(st.dictionaries(st.sampled_from(["userId", "traits", "name", "properties"]), json_values))
def test_any_checked_json_maps_without_raising(raw: dict[str, Any]) -> None:
    body = check(raw).body
    segment_calls(body, message_id="m", timestamp=QUEUED)
    segment_problems(body)


@FAST
@given(payloads())
def test_no_call_is_more_than_twice_its_body_and_a_little(raw: dict[str, Any]) -> None:
    # What lets the size check skip building the calls of a body under half the limit.
    body = check(raw).body
    longest = max(
        message_bytes(call)
        for call in segment_calls(
            body, message_id="x" * 36, timestamp="2026-01-01T00:00:00.000000+00:00"
        )
    )
    assert longest <= 2 * message_bytes(body) + 2048
