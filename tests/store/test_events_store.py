"""Store.events: Regal's events kept once each, found by point, user and time."""

from __future__ import annotations

from typing import Any

from regal_desktop.domain.regal_events import parse_event
from regal_desktop.store import Location, open_store

PHONE = "+19545582399"


def _event(name: str, when: int, channel: str = "sms", **extra: Any) -> dict[str, Any]:
    return {
        "event": name,
        "userId": extra.pop("user", "u1"),
        "properties": {"phone": PHONE, "channel": channel, "timestamp": when, **extra},
    }


def test_events_are_stored_once_and_found(store_location: Location) -> None:
    with open_store(store_location) as store:
        events = [
            parse_event(_event("contact.subscribed", 1714572000)),
            parse_event(_event("contact.unsubscribed", 1714575600, source="regalvoice.sms")),
            parse_event(_event("contact.subscribed", 1714570000, channel="voice")),
            parse_event(_event("contact.attribute.edited", 1714579999)),
        ]
        assert store.events.add(events, "first.json") == 4
        assert store.events.add(events[:2], "again.json") == 0
        assert store.events.count() == 4
        latest = store.events.latest(PHONE, "SMS")
        assert latest is not None
        assert (latest.event, latest.subscribed, latest.source) == (
            "contact.unsubscribed",
            False,
            "regalvoice.sms",
        )
        assert latest.origin == "first.json"
        assert latest.event_object["properties"]["source"] == "regalvoice.sms"
        voice = store.events.latest(PHONE, "voice")
        assert voice is not None and voice.subscribed is True
        assert store.events.latest("+15555550100", "sms") is None
        assert [row.timestamp for row in store.events.for_point(PHONE)] == [
            "2024-05-01T13:26:40.000Z",
            "2024-05-01T14:00:00.000Z",
            "2024-05-01T15:00:00.000Z",
            "2024-05-01T16:13:19.000Z",
        ]
        assert len(store.events.for_user("u1")) == 4
        assert [row.event for row in store.events.since("2024-05-01T15:00:00.000Z")] == [
            "contact.unsubscribed",
            "contact.attribute.edited",
        ]
        assert len(list(store.events.since(None))) == 4


def test_each_origin_and_which_were_new(store_location: Location) -> None:
    with open_store(store_location) as store:
        one = parse_event(_event("contact.subscribed", 1714572000))
        two = parse_event(_event("contact.subscribed", 1714572001))
        assert store.events.add_from([(one, "a.json:2")]) == 1
        assert store.events.add_each([one, two, two], "listen") == [False, True, False]
        assert [row.origin for row in store.events.for_point(PHONE)] == ["a.json:2", "listen"]
        assert store.events.known(one.identity)


def test_a_hundred_thousand_events_in_one_call(store_location: Location) -> None:
    base = parse_event(_event("contact.subscribed", 1714572000))
    events = (
        parse_event({"messageId": f"m{n}", **_event("contact.subscribed", 1714572000 + n)})
        for n in range(100_000)
    )
    with open_store(store_location) as store:
        assert store.events.add(events, "big.jsonl") == 100_000
        assert store.events.add([base], "x") == 1
        assert store.events.count() == 100_001
