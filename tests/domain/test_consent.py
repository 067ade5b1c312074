"""Consent changes are read from a body in a fixed order and described for people."""

from __future__ import annotations

from regal_desktop.domain.consent import (
    CONSENT_WORDS,
    ConsentChange,
    change_word,
    consent_changes,
    consent_state,
    describe_change,
)
from regal_desktop.domain.model import Channel, ConsentState


def test_changes_come_phones_first_voice_before_sms_then_emails() -> None:
    body = {
        "traits": {
            "emails": {"jane@example.com": {"emailOptIn": {"subscribed": True}}},
            "phones": {
                "+19545582399": {
                    "smsOptIn": {"subscribed": False, "source": "carrier STOP"},
                    "voiceOptIn": {
                        "subscribed": True,
                        "text": "I agree to calls",
                        "ip": "192.0.2.7",
                        "timestamp": "2024-05-01T10:00:00-04:00",
                    },
                },
                "+15155552355": {"label": "home"},
            },
        }
    }

    changes = consent_changes(body)

    assert changes == [
        ConsentChange(
            kind="phone",
            point="+19545582399",
            channel=Channel.VOICE,
            subscribed=True,
            text="I agree to calls",
            ip="192.0.2.7",
            timestamp="2024-05-01T10:00:00-04:00",
            source=None,
        ),
        ConsentChange(
            "phone", "+19545582399", Channel.SMS, False, None, None, None, "carrier STOP"
        ),
        ConsentChange("email", "jane@example.com", Channel.EMAIL, True, None, None, None, None),
    ]


def test_a_body_without_opt_ins_has_no_changes() -> None:
    assert consent_changes({"userId": "1", "name": "Lead Created"}) == []
    assert consent_changes({"traits": {"phones": {"+19545582399": {"label": "x"}}}}) == []


def test_descriptions_name_channel_direction_and_readable_point() -> None:
    sms_out = ConsentChange("phone", "+19545582399", Channel.SMS, False, None, None, None, None)
    voice_in = ConsentChange("phone", "+19545582399", Channel.VOICE, True, None, None, None, None)
    email_in = ConsentChange(
        "email", "jane@example.com", Channel.EMAIL, True, None, None, None, None
    )

    assert describe_change(sms_out) == "SMS opt-out for +1 954-558-2399"
    assert describe_change(voice_in) == "Voice opt-in for +1 954-558-2399"
    assert describe_change(email_in) == "E-mail opt-in for jane@example.com"


def test_every_consent_state_has_its_words_in_the_order_offered() -> None:
    assert list(CONSENT_WORDS) == list(ConsentState)
    assert list(CONSENT_WORDS.values()) == ["No status", "Subscribed", "Unsubscribed"]


def test_the_state_an_opt_in_object_records() -> None:
    assert consent_state(None) is ConsentState.NO_STATUS
    assert consent_state("yes") is ConsentState.NO_STATUS  # not an opt-in object at all
    assert consent_state({"subscribed": True}) is ConsentState.SUBSCRIBED
    assert consent_state({"subscribed": False}) is ConsentState.UNSUBSCRIBED
    # Only a real true subscribes: anything else in an opt-in object is not consent.
    assert consent_state({"subscribed": "true"}) is ConsentState.UNSUBSCRIBED


def test_a_change_is_an_opt_in_or_an_opt_out() -> None:
    assert (change_word(True), change_word(False)) == ("opt-in", "opt-out")
