"""Converting the legacy phone/email/optIn[] shape into phones and emails."""

from __future__ import annotations

import copy
from typing import Any

from regal_desktop.domain.check import check
from regal_desktop.domain.legacy import convert_legacy

SMS = {"channel": "sms", "subscribed": True, "timestamp": "2020-08-25T21:23:43Z"}
VOICE = {"channel": "voice", "subscribed": False}
NUMBER = "+19545582399"
EMAIL = {"channel": "email", "subscribed": True, "text": "I agree to receive e-mails"}


def contact(phones: dict[str, Any] | None = None, **traits: Any) -> dict[str, Any]:
    """A body with a userId and the given traits."""
    if phones is not None:
        traits["phones"] = phones
    return {"userId": "123", "traits": traits}


def messages(traits: dict[str, Any]) -> list[str]:
    return [str(f) for f in convert_legacy(traits).findings]


def test_phone_and_opt_ins_become_the_primary_phone_with_its_consent() -> None:
    converted = convert_legacy(
        {"phone": "+19175554444", "firstName": "Anne", "optIn": [SMS, VOICE]}
    )
    assert converted.findings == []
    assert converted.traits == {
        "firstName": "Anne",
        "phones": {
            "+19175554444": {
                "isPrimary": True,
                "smsOptIn": {"subscribed": True, "timestamp": "2020-08-25T21:23:43Z"},
                "voiceOptIn": {"subscribed": False},
            }
        },
    }


def test_email_and_its_opt_in_become_the_primary_email() -> None:
    converted = convert_legacy({"email": "jane@example.com", "optIn": [EMAIL]})
    assert converted.traits == {
        "emails": {
            "jane@example.com": {
                "isPrimary": True,
                "emailOptIn": {"subscribed": True, "text": "I agree to receive e-mails"},
            }
        }
    }


def test_legacy_phone_joins_the_entry_for_the_same_number() -> None:
    traits = {
        "phones": {"+19175554444": {"label": "Mobile"}, "+12015550123": {"label": "Home"}},
        "phone": "(917) 555-4444",
        "optIn": [SMS],
    }
    phones = convert_legacy(traits).traits["phones"]
    assert list(phones) == ["+19175554444", "+12015550123"]
    assert phones["+19175554444"]["label"] == "Mobile"
    assert phones["+19175554444"]["isPrimary"] is True
    assert phones["+19175554444"]["smsOptIn"]["subscribed"] is True


def test_new_legacy_phone_is_added_as_written_after_the_others() -> None:
    traits = {"phones": {"+12015550123": {}}, "phone": "(917) 555-4444"}
    assert list(convert_legacy(traits).traits["phones"]) == ["+12015550123", "(917) 555-4444"]


def test_sources_point_back_at_the_legacy_keys() -> None:
    converted = convert_legacy(
        {"phone": "+19175554444", "optIn": [EMAIL, SMS], "email": "j@example.com"}
    )
    assert converted.sources == {
        ("traits", "phones", "+19175554444"): ("traits", "phone"),
        ("traits", "phones", "+19175554444", "isPrimary"): ("traits", "phone"),
        ("traits", "emails", "j@example.com"): ("traits", "email"),
        ("traits", "emails", "j@example.com", "isPrimary"): ("traits", "email"),
        ("traits", "emails", "j@example.com", "emailOptIn"): ("traits", "optIn", 0),
        ("traits", "phones", "+19175554444", "smsOptIn"): ("traits", "optIn", 1),
    }


def test_opt_in_without_its_phone_or_email_is_an_error() -> None:
    assert messages({"email": "jane@example.com", "optIn": [SMS, EMAIL]}) == [
        "error: traits.optIn[0]: gives SMS consent, but there is no traits.phone for it to apply to"
    ]
    assert messages({"phone": "+19175554444", "optIn": [EMAIL]}) == [
        "error: traits.optIn[0]: gives E-mail consent, but there is no traits.email for it to "
        "apply to"
    ]


def test_bad_or_missing_channel_is_an_error() -> None:
    opt_ins = [{"channel": "fax", "subscribed": True}, {"subscribed": True}, {"channel": 3}]
    assert messages({"phone": "+19175554444", "optIn": opt_ins}) == [
        'error: traits.optIn[0].channel: must be "voice", "sms" or "email", not "fax"',
        'error: traits.optIn[1]: needs a "channel": "voice", "sms" or "email"',
        'error: traits.optIn[2].channel: must be "voice", "sms" or "email", not a value of '
        "another type",
    ]


def test_consent_given_twice_for_one_channel_is_an_error() -> None:
    traits = {
        "phones": {"+19175554444": {"smsOptIn": {"subscribed": False}}},
        "phone": "+19175554444",
    }
    assert messages({**traits, "optIn": [SMS]}) == [
        'error: traits.optIn[0]: gives SMS consent for "+19175554444" a second time (it already '
        "has smsOptIn); keep one"
    ]
    assert len(messages({"phone": "+19175554444", "optIn": [SMS, SMS]})) == 1


def test_legacy_phone_contradicting_is_primary_false_is_an_error() -> None:
    traits = {"phones": {"+19175554444": {"isPrimary": False}}, "phone": "+19175554444"}
    assert messages(traits) == [
        'error: traits.phone: makes "+19175554444" primary, but traits.phones marks it '
        '"isPrimary": false; remove one of the two'
    ]


def test_input_is_not_modified() -> None:
    traits = {
        "phones": {"+19175554444": {"label": "Mobile"}},
        "phone": "+19175554444",
        "optIn": [SMS],
    }
    before = copy.deepcopy(traits)
    convert_legacy(traits)
    assert traits == before


def test_null_legacy_keys_are_dropped() -> None:
    assert convert_legacy({"phone": None, "email": None, "optIn": None, "age": 3}).traits == {
        "age": 3
    }


def test_values_of_the_wrong_type_stay_for_the_structure_check() -> None:
    traits = {"phone": 9175554444, "optIn": "sms", "email": "jane@example.com"}
    converted = convert_legacy(traits)
    assert converted.traits == {
        "phone": 9175554444,
        "optIn": "sms",
        "emails": {"jane@example.com": {"isPrimary": True}},
    }
    assert converted.findings == []


def test_traits_without_legacy_keys_are_returned_as_they_are() -> None:
    traits = {"phones": {"+19175554444": {}}, "age": 30}
    converted = convert_legacy(traits)
    assert converted.traits == traits
    assert converted.traits is not traits
    assert (converted.findings, converted.sources) == ([], {})


# Through the checker: findings point at the legacy keys the user wrote


def test_legacy_findings_point_at_the_legacy_keys() -> None:
    raw = contact(phone="(917) 555-4444", optIn=[{"channel": "sms", "subscribed": True}])
    checked = check(raw)
    assert set(checked.body["traits"]) == {"phones"}
    assert [f.path for f in checked.findings] == [
        "traits.phone",
        "traits.optIn[0]",
        "traits.optIn[0]",
    ]


def test_legacy_opt_in_without_its_phone_and_a_bad_channel_are_reported_once() -> None:
    raw = contact(
        email="jane@example.com",
        optIn=[{"channel": "voice", "subscribed": True}, {"channel": "fax", "subscribed": True}],
    )
    assert [str(f) for f in check(raw).errors] == [
        "error: traits.optIn[0]: gives Voice consent, but there is no traits.phone for it to "
        "apply to",
        'error: traits.optIn[1].channel: must be "voice", "sms" or "email", not "fax"',
    ]


def test_legacy_phone_that_cannot_be_dialled_is_reported_at_traits_phone() -> None:
    assert [str(f) for f in check(contact(phone="5582399")).errors] == [
        'error: traits.phone: "5582399" is a local number without area code; write it with its '
        "area code, like +19545582399"
    ]


def test_second_primary_from_the_legacy_phone_is_reported() -> None:
    raw = contact({"+12015550123": {"isPrimary": True}}, phone=NUMBER)
    assert [f.path for f in check(raw).errors] == ["traits.phone"]
