"""The outbox's change-or-restatement reads the merged known state: the directory's, or
the latest by consent time of it and Regal's events once any is stored. Real stores."""

from __future__ import annotations

from typing import Any

from regal_desktop.domain.regal_events import parse_event
from regal_desktop.store import Store
from tests.helpers.store import deliver_all, opt_in_body, request

PHONE = "+19545582399"
#: The consent time of ``opt_in_body``: 2024-05-01T10:00:00-04:00.
OPTED_IN = 1714572000


def _regal(store: Store, name: str, when: int, channel: str = "sms", point: str = PHONE) -> None:
    event = {"event": name, "properties": {"phone": point, "channel": channel, "timestamp": when}}
    store.events.add([parse_event(event)], "regal.json")


def _later_body(subscribed: bool, channel: str = "sms") -> dict[str, Any]:
    body = opt_in_body(PHONE, channel, subscribed)
    body["traits"]["phones"][PHONE][f"{channel}OptIn"]["timestamp"] = "2024-05-03T10:00:00Z"
    return body


def _evidence(store: Store) -> list[tuple[Any, ...]]:
    return [
        (r["channel"], r["subscribed"], r["change"], r["was"]) for r in store.history.evidence()
    ]


def test_an_opt_in_after_a_stop_reply_in_regal_is_a_change(any_store: Store) -> None:
    store = any_store
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    deliver_all(store)
    _regal(store, "contact.unsubscribed", OPTED_IN + 3600)  # STOP an hour later
    store.outbox.enqueue([request(_later_body(True))])
    assert _evidence(store)[-1] == ("sms", True, "change", False)


def test_an_opt_out_after_that_stop_restates_it(any_store: Store) -> None:
    store = any_store
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    deliver_all(store)
    _regal(store, "contact.unsubscribed", OPTED_IN + 3600)
    store.outbox.enqueue([request(_later_body(False))])
    assert _evidence(store)[-1] == ("sms", False, "restatement", False)


def test_an_older_event_does_not_override_what_this_desk_sent_later(any_store: Store) -> None:
    store = any_store
    _regal(store, "contact.unsubscribed", OPTED_IN - 86400)  # the day before the opt-in
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    deliver_all(store)
    store.outbox.enqueue([request(_later_body(True))])
    assert _evidence(store) == [
        ("sms", True, "change", False),  # Regal's STOP was what was known then
        ("sms", True, "restatement", True),
    ]


def test_events_on_another_channel_or_number_change_nothing(any_store: Store) -> None:
    store = any_store
    store.outbox.enqueue([request(opt_in_body(PHONE, "sms", True))])
    deliver_all(store)
    _regal(store, "contact.unsubscribed", OPTED_IN + 3600, channel="voice")
    _regal(store, "contact.unsubscribed", OPTED_IN + 3600, point="+13055550100")
    store.outbox.enqueue([request(_later_body(True))])
    assert _evidence(store)[-1] == ("sms", True, "restatement", True)
