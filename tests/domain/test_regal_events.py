"""Regal's contact events in every shape they arrive in, reduced to one RegalEvent."""

from __future__ import annotations

from typing import Any

import pytest

from regal_desktop.domain.regal_events import (
    EventError,
    event_time,
    events_in,
    identity_of,
    made_in_regal,
    parse_event,
)

SEGMENT_TRACK: dict[str, Any] = {
    "type": "track",
    "event": "contact.unsubscribed",
    "userId": "u-42",
    "messageId": "msg-1",
    "properties": {
        "phone": "+19545582399",
        "channel": "SMS",
        "source": "regalvoice.sms",
        "text": "STOP",
        "ip": "192.0.2.1",
        "timestamp": 1714572000,
        "somethingNew": {"nested": True},
    },
    "timestamp": "2024-05-01T14:00:05.000Z",
}

REGAL_SAMPLE: dict[str, Any] = {
    "userId": "u-42",
    "name": "contact.subscribed",
    "traits": {"phone": "+19545582399"},
    "properties": {
        "channel": "voice",
        "source": "Brand.custom_events_api",
        "timestamp": "1714572000",
    },
    "eventSource": "regal",
    "originalTimestamp": "2024-05-01T14:00:00.000Z",
    "new_subscription": True,
}


def test_a_segment_track_call_is_read() -> None:
    event = parse_event(SEGMENT_TRACK)
    assert event.identity == "msg-1"
    assert event.event == "contact.unsubscribed"
    assert (event.kind, event.point, event.channel) == ("phone", "+19545582399", "sms")
    assert event.subscribed is False
    assert event.user_id == "u-42"
    assert (event.source, event.text, event.ip) == ("regalvoice.sms", "STOP", "192.0.2.1")
    assert event.timestamp == "2024-05-01T14:00:00.000Z"  # the consent time, not the call's
    assert event.from_regal is True
    assert event.raw == SEGMENT_TRACK


def test_regals_own_sample_shape_is_read() -> None:
    event = parse_event(REGAL_SAMPLE)
    assert (event.event, event.point, event.channel, event.subscribed) == (
        "contact.subscribed",
        "+19545582399",
        "voice",
        True,
    )
    assert event.timestamp == "2024-05-01T14:00:00.000Z"
    assert event.from_regal is False  # Brand.: made by the brand outside Regal
    assert event.identity.startswith("sha256:")


def test_a_warehouse_row_reads_its_event_text_and_snake_case_columns() -> None:
    row = {
        "id": "wh-7",
        "event": "contact_unsubscribed",
        "user_id": "9",
        "phone": "(954) 558-2399",
        "channel": "voice",
        "received_at": "2024-05-01 14:00:09.123 UTC",
        "timestamp": "2024-05-01 14:00:00 UTC",
    }
    event = parse_event(row)
    assert (event.identity, event.event, event.subscribed) == (
        "wh-7",
        "contact.unsubscribed",
        False,
    )
    assert (event.point, event.user_id) == ("+19545582399", "9")
    assert event.timestamp == "2024-05-01T14:00:00.000Z"


def test_an_email_event_names_its_address_instead_of_a_phone() -> None:
    event = parse_event(
        {"event": "contact.unsubscribed", "properties": {"email": "Jane.Doe@Example.COM"}}
    )
    assert (event.kind, event.point, event.channel) == ("email", "jane.doe@example.com", "email")


def test_other_events_need_no_point_and_keep_unknown_fields() -> None:
    event = parse_event({"event": "contact.attribute.edited", "properties": {"changes": {}}})
    assert (event.subscribed, event.point, event.channel) == (None, None, None)
    assert not event.is_consent


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ([1, 2], "an event must be a JSON object, not a list"),
        ({"properties": {}}, "no event name: expected 'event' or 'name'"),
        ({"type": "identify", "traits": {}}, "a Segment identify call is not an event"),
        ({"event": "contact.subscribed", "properties": {"phone": "+19545582399"}}, "no channel"),
        (
            {"event": "contact.subscribed", "properties": {"phone": "1", "channel": "sms"}},
            'properties.phone: "1" is not a phone number',
        ),
        (
            {
                "event": "contact.subscribed",
                "properties": {"phone": "+19545582399", "channel": "fax"},
            },
            'properties.channel: "fax" is not a channel (voice, SMS or email)',
        ),
        ({"event": "contact.subscribed", "properties": {"channel": "sms"}}, "no phone number"),
        (
            {
                "event": "contact.subscribed",
                "properties": {"channel": "email", "phone": "+19545582399"},
            },
            "an e-mail consent event needs properties.email",
        ),
        (
            {
                "event": "contact.subscribed",
                "properties": {"phone": "+19545582399", "channel": "sms", "timestamp": "soon"},
            },
            'properties.timestamp: "soon" is not a time',
        ),
    ],
)
def test_bad_events_say_what_is_wrong(event: Any, reason: str) -> None:
    with pytest.raises(EventError) as caught:
        parse_event(event)
    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1714572000, "2024-05-01T14:00:00.000Z"),
        ("1714572000", "2024-05-01T14:00:00.000Z"),
        (1714572000.25, "2024-05-01T14:00:00.250Z"),
        (1714572000123, "2024-05-01T14:00:00.123Z"),  # milliseconds
        ("2024-05-01T10:00:00-04:00", "2024-05-01T14:00:00.000Z"),
        ("2024-05-01 14:00:00", "2024-05-01T14:00:00.000Z"),  # no offset: UTC
    ],
)
def test_times_are_stored_in_utc(value: Any, expected: str) -> None:
    assert event_time(value) == expected


def test_identity_is_the_message_id_else_the_content_without_transport_fields() -> None:
    assert identity_of({"messageId": "a", "event": "x"}) == "a"
    assert identity_of({"message_id": 12}) == "12"
    first = identity_of({"event": "x", "receivedAt": "2024-01-01T00:00:00Z", "b": 1, "a": 2})
    again = identity_of({"a": 2, "b": 1, "event": "x", "receivedAt": "2024-02-02T00:00:00Z"})
    other = identity_of({"a": 3, "b": 1, "event": "x"})
    assert first == again != other


def test_where_a_change_was_made() -> None:
    assert made_in_regal("RegalVoice.agent_desktop") is True
    assert made_in_regal("regalvoice.sms") is True
    assert made_in_regal("Brand.api") is False
    assert made_in_regal("web form") is None
    assert made_in_regal(None) is None


def test_events_in_a_body() -> None:
    assert events_in({"batch": [{"a": 1}, {"b": 2}]}) == [{"a": 1}, {"b": 2}]
    assert events_in([{"a": 1}]) == [{"a": 1}]
    assert events_in({"event": "x"}) == [{"event": "x"}]
