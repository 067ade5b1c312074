"""What differs from the known profile, without a window: fields, points, consent, traits."""

from __future__ import annotations

from typing import Any

from regal_desktop.domain.model import Channel, ConsentState
from regal_desktop.ui.editor.baseline import (
    changes,
    consent_differs,
    field_marks,
    known_points,
    point_mark,
    trait_mark,
)
from regal_desktop.ui.editor.draft import Consent, Draft, EmailRow, PhoneRow, TypedRow, ValueType

OPT_IN = {"subscribed": True, "timestamp": "2026-03-12T14:02:00Z", "source": "web"}
KNOWN: dict[str, Any] = {
    "userId": "u-1",
    "traits": {
        "firstName": "Ana",
        "lastName": "Smith",
        "phones": {"+19545552399": {"label": "Mobile", "isPrimary": True, "smsOptIn": OPT_IN}},
        "emails": {"ana@example.com": {"isPrimary": False}},
        "plan": "gold",
        "visits": 3,
    },
}
SMS_IN = Consent(ConsentState.SUBSCRIBED, timestamp="2026-03-12T14:02:00Z", source="web")


def test_a_consent_is_compared_by_moment_not_by_how_the_time_is_written() -> None:
    same_moment = Consent(
        ConsentState.SUBSCRIBED, timestamp="2026-03-12T09:02:00-05:00", source="web"
    )
    assert not consent_differs(same_moment, OPT_IN)
    assert consent_differs(Consent(ConsentState.UNSUBSCRIBED, **_audit()), OPT_IN)
    assert consent_differs(
        Consent(ConsentState.SUBSCRIBED, timestamp="2026-03-13T14:02:00Z"), OPT_IN
    )
    assert consent_differs(Consent(), OPT_IN)  # No status where Regal holds a state
    assert not consent_differs(Consent(), None)


def _audit() -> dict[str, str]:
    return {"timestamp": "2026-03-12T14:02:00Z", "source": "web"}


def test_fields_typed_differently_are_marked_and_empty_ones_are_not() -> None:
    draft = Draft(user_id="u-1", first_name="Ana ", last_name="Smyth", city="")
    assert field_marks(draft, KNOWN) == {"last_name": "Smith"}
    assert field_marks(Draft(city="Miami"), KNOWN) == {"city": ""}
    assert field_marks(draft, None) == {}


def test_a_point_is_new_changed_retired_or_as_held() -> None:
    phones = known_points(KNOWN, "phones")
    held = PhoneRow("(954) 555-2399", "Mobile", True, sms=SMS_IN)
    assert point_mark(held, "phones", phones) is None  # another format, the same number
    relabelled = point_mark(PhoneRow("+19545552399", "Work", False, sms=SMS_IN), "phones", phones)
    assert relabelled is not None
    assert (relabelled.label, relabelled.primary, relabelled.channels) == ("Mobile", True, ())
    assert relabelled.lines() == ["Known: label Mobile", "Known: primary"]
    opted_out = PhoneRow("+19545552399", "Mobile", True, sms=Consent(ConsentState.UNSUBSCRIBED))
    mark = point_mark(opted_out, "phones", phones)
    assert mark is not None and mark.changed_channels == (Channel.SMS,)
    assert mark.lines() == ["Known: SMS Subscribed since 2026-03-12T14:02:00Z"]
    new = point_mark(PhoneRow("305 555 0142"), "phones", phones)
    assert new is not None and new.new and new.key == "+13055550142"
    retired = point_mark(PhoneRow("+19545552399", retired=True), "phones", phones)
    assert retired is not None and retired.retired
    emails = known_points(KNOWN, "emails")
    assert point_mark(EmailRow("Ana@EXAMPLE.com"), "emails", emails) is None
    assert point_mark(PhoneRow(""), "phones", phones) is None
    assert point_mark(PhoneRow("+13055550142"), "phones", {}) is None  # nothing known


def test_custom_traits_compare_typed_values() -> None:
    assert trait_mark(TypedRow("visits", ValueType.NUMBER, "3"), KNOWN) is None
    assert trait_mark(TypedRow("visits", ValueType.NUMBER, "4"), KNOWN) == "Known: 3"
    assert trait_mark(TypedRow("visits", ValueType.TEXT, "3"), KNOWN) == "Known: 3"
    assert trait_mark(TypedRow("plan", ValueType.TEXT, "gold"), KNOWN) is None
    assert trait_mark(TypedRow("tier", ValueType.TEXT, "a"), KNOWN) == (
        "New: Regal does not hold the trait tier yet"
    )
    assert trait_mark(TypedRow("tier", ValueType.TEXT, "a"), None) is None


def test_all_changes_at_once() -> None:
    as_held = Draft(
        user_id="u-1",
        first_name="Ana",
        last_name="Smith",
        phones=(PhoneRow("+19545552399", "Mobile", True, sms=SMS_IN),),
        emails=(EmailRow("ana@example.com"),),
        traits=(TypedRow("plan", ValueType.TEXT, "gold"),),
    )
    assert not changes(as_held, KNOWN)
    edited = Draft(
        last_name="Smyth",
        phones=(*as_held.phones, PhoneRow("3055550142")),
        traits=(TypedRow("plan", ValueType.TEXT, "silver"),),
    )
    found = changes(edited, KNOWN)
    assert found.fields == {"last_name": "Smith"}
    assert list(found.phones) == [1] and found.phones[1].new
    assert found.traits == {0: "Known: gold"}
