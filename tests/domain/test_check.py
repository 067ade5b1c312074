"""The checker: the body it builds and every rule it applies, good and bad."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regal_desktop.domain.check import Checked, check, check_text
from regal_desktop.domain.findings import Finding, Level, json_path
from regal_desktop.domain.jsonc import PayloadSyntaxError
from regal_desktop.domain.model import body_text

PAYLOADS = Path(__file__).parent.parent / "data" / "payloads"
NUMBER = "+19545582399"
CONSENT = {
    "subscribed": True,
    "timestamp": "2020-08-25T21:23:43Z",
    "ip": "172.16.254.1",
    "text": "I agree to receive automated marketing SMS and calls",
}


def contact(phones: dict[str, Any] | None = None, **traits: Any) -> dict[str, Any]:
    """A body with a userId and the given traits."""
    if phones is not None:
        traits["phones"] = phones
    return {"userId": "123", "traits": traits}


def said(checked: Checked) -> list[str]:
    return [str(f) for f in checked.findings]


def fixture(name: str) -> Checked:
    return check_text((PAYLOADS / name).read_text(encoding="utf-8"), name)


# Paths and the result object


def test_json_path_spells_keys_positions_and_map_keys() -> None:
    assert json_path([]) == "$"
    assert json_path(["userId"]) == "userId"
    assert json_path(["traits", "optIn", 1, "channel"]) == "traits.optIn[1].channel"
    assert json_path(["traits", "phones", NUMBER, "smsOptIn"]) == (
        'traits.phones["+19545582399"].smsOptIn'
    )
    assert (
        json_path(["traits", "emails", "jane@example.com"]) == 'traits.emails["jane@example.com"]'
    )
    assert json_path(["properties", "course title"]) == 'properties["course title"]'


def test_finding_reads_as_level_path_message() -> None:
    finding = Finding(Level.ERROR, 'traits.phones["+1"].isPrimary', "must be true or false")
    assert str(finding) == 'error: traits.phones["+1"].isPrimary: must be true or false'


def test_checked_splits_errors_and_warnings_and_gives_the_text() -> None:
    opt_out = {"subscribed": False, "timestamp": "2026-11-20T10:00:00Z"}
    checked = check(contact({"5582399": {}, NUMBER: {"smsOptIn": opt_out}}))
    assert [f.level for f in checked.errors] == [Level.ERROR]
    assert [f.level for f in checked.warnings] == [Level.WARNING]
    assert checked.findings == checked.errors + checked.warnings
    assert not checked.sendable
    assert checked.text == body_text(checked.body)


# The reference's own examples


@pytest.mark.parametrize(
    "name",
    [
        "create-contact.json",
        "update-primary.json",
        "event-student-enrolled.json",
        "onboarding-1-lead.json",
        "onboarding-2-phone.json",
        "onboarding-3-complete.json",
        "onboarding-4-account.json",
        "segment-legacy-identify.json",
    ],
)
def test_reference_examples_can_be_sent(name: str) -> None:
    assert fixture(name).errors == ()


def test_reference_example_with_an_impossible_number_cannot_be_sent() -> None:
    checked = fixture("phones-and-emails.json")
    assert [str(f) for f in checked.errors] == [
        'error: traits.phones["+144455555555"]: "+144455555555" has too many digits for its country'
    ]


def test_create_contact_body_is_the_reference_body_in_stable_order() -> None:
    body = fixture("create-contact.json").body
    assert json.dumps(body) == json.dumps(
        {
            "userId": "123",
            "traits": {
                "firstName": "Rebecca",
                "lastName": "Greene",
                "phones": {"+19545552399": {}},
                "salaryBracket": "$100k-$500k",
                "employmentStatus": "Employed",
                "savingsGoal": "New Home",
            },
            "eventSource": "crm",
        }
    )


def test_legacy_example_is_sent_in_the_phones_shape() -> None:
    traits = fixture("segment-legacy-identify.json").body["traits"]
    assert set(traits) == {"firstName", "lastName", "phones", "age"}
    phone = traits["phones"]["+19175554444"]
    assert list(phone) == ["isPrimary", "voiceOptIn", "smsOptIn"]


# Shape of the payload


@pytest.mark.parametrize(("raw", "kind"), [([1], "a list"), ("text", '"text"'), (None, "null")])
def test_payload_that_is_not_an_object_is_an_error_at_the_root(raw: Any, kind: str) -> None:
    checked = check(raw)
    assert checked.body == {}
    assert said(checked) == [f"error: $: the payload must be a JSON object {{...}}, not {kind}"]


def test_keys_come_out_in_a_stable_order() -> None:
    raw = {
        "eventSource": "crm",
        "name": "Lead Created",
        "traits": {
            "age": 3,
            "address": {"city": "Cooper City", "street": "525 Cinema Drive"},
            "lastName": "Greene",
            "firstName": "Rebecca",
        },
        "userId": "123",
    }
    body = check(raw).body
    assert list(body) == ["userId", "traits", "name", "eventSource"]
    assert list(body["traits"]) == ["firstName", "lastName", "address", "age"]
    assert list(body["traits"]["address"]) == ["street", "city"]


def test_no_identifier_at_all_is_an_error() -> None:
    assert said(check({"name": "Lead Created"})) == [
        "error: $: says nothing about who it is for: add a userId, a phone or an e-mail"
    ]
    assert check({"traits": {"emails": {"jane@example.com": {}}}}).sendable
    assert check({"userId": "123"}).sendable


def test_empty_user_id_is_no_identifier_and_otherwise_a_warning() -> None:
    assert not check({"userId": " "}).sendable
    assert said(check(contact({NUMBER: {}}) | {"userId": ""})) == [
        "warning: userId: is empty; leave it out or give the user id"
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"userId": 123}, 'error: userId: must be text, not 123 (write it in quotes: "123")'),
        (
            contact({NUMBER: {"isPrimary": "yes"}}),
            'error: traits.phones["+19545582399"].isPrimary: must be true or false, not "yes"',
        ),
        (
            contact({NUMBER: {"isPrimary": "true"}}),
            'error: traits.phones["+19545582399"].isPrimary: must be true or false, not "true" '
            "(write it without quotes)",
        ),
        (
            contact({NUMBER: []}),
            'error: traits.phones["+19545582399"]: must be an object {...}, not a list',
        ),
        (contact(phones=[NUMBER]), "error: traits.phones: must be an object {...}, not a list"),
        (contact(optIn={}), "error: traits.optIn: must be a list [...], not an object"),
    ],
)
def test_wrong_types_are_errors(raw: dict[str, Any], expected: str) -> None:
    assert expected in said(check(raw))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            contact({NUMBER: {"isprimary": True}}),
            'error: traits.phones["+19545582399"].isprimary: unknown key "isprimary" in a phone; '
            'did you mean "isPrimary"?',
        ),
        (
            contact({NUMBER: {"smsOptIn": {"subscibed": True, "subscribed": True}}}),
            'error: traits.phones["+19545582399"].smsOptIn.subscibed: unknown key "subscibed" '
            'in an opt-in; did you mean "subscribed"?',
        ),
        (
            {"user_id": "123"},
            'error: user_id: unknown key "user_id" in the payload; did you mean "userId"?',
        ),
        (
            {"userId": "1", "salary": 3},
            'error: salary: unknown key "salary" in the payload; allowed: userId, traits, name, '
            "properties, originalTimestamp, eventSource (custom traits go inside traits)",
        ),
        (
            contact(address={"zip": "33026"}),
            'error: traits.address.zip: unknown key "zip" in the address; allowed: street, city, '
            "state, zipcode, country",
        ),
        (
            contact({"jane@example.com": {}})
            | {"traits": {"emails": {"jane@example.com": {"lable": "x"}}}},
            'error: traits.emails["jane@example.com"].lable: unknown key "lable" in an e-mail '
            'address; did you mean "label"?',
        ),
    ],
)
def test_unknown_keys_are_errors_with_a_suggestion(raw: dict[str, Any], expected: str) -> None:
    assert expected in said(check(raw))


def test_a_channel_on_the_wrong_kind_of_contact_point_says_so() -> None:
    raw = {
        "traits": {
            "phones": {NUMBER: {"emailOptIn": {"subscribed": True}}},
            "emails": {"jane@example.com": {"voiceOptIn": {"subscribed": True}}},
        }
    }
    assert said(check(raw)) == [
        'error: traits.phones["+19545582399"].emailOptIn: belongs on an e-mail address; a phone '
        "carries voiceOptIn and smsOptIn",
        'error: traits.emails["jane@example.com"].voiceOptIn: belongs on a phone; an e-mail '
        "address carries only emailOptIn",
    ]


def test_opt_in_without_subscribed_is_an_error() -> None:
    raw = contact({NUMBER: {"smsOptIn": {"timestamp": "2020-08-25T21:23:43Z"}}})
    assert said(check(raw)) == [
        'error: traits.phones["+19545582399"].smsOptIn: needs "subscribed": true to subscribe, '
        "false to unsubscribe"
    ]


@pytest.mark.parametrize(
    ("value", "kind"), [({"a": 1}, "an object"), ([1], "a list"), (None, "null")]
)
def test_custom_traits_and_event_properties_must_be_scalars(value: Any, kind: str) -> None:
    raw = contact(plan=value, age=30, vip=True, score=1.5) | {
        "name": "Lead",
        "properties": {"x": value},
    }
    assert said(check(raw)) == [
        f"error: traits.plan: custom trait must be text, a number or true/false, not {kind}",
        f"error: properties.x: event property must be text, a number or true/false, not {kind}",
    ]


def test_custom_trait_that_is_not_a_finite_number_is_an_error() -> None:
    assert said(check(contact(score=float("nan")))) == [
        "error: traits.score: custom trait must be a finite number"
    ]


def test_custom_trait_spelled_like_a_standard_trait() -> None:
    assert said(check(contact(first_name="Jane"))) == [
        'warning: traits.first_name: is sent as a custom trait; did you mean "firstName"?'
    ]
    assert said(check(contact(phnes={NUMBER: {}}))) == [
        "error: traits.phnes: custom trait must be text, a number or true/false, not an object "
        '(did you mean "phones"?)'
    ]


def test_properties_without_an_event_name_warn() -> None:
    assert said(check({"userId": "1", "properties": {"course": "Python"}})) == [
        'warning: properties: belong to an event, but there is no "name"; Regal records no event '
        "without one"
    ]


# Phone numbers and e-mail addresses


def test_numbers_are_sent_in_e164_and_findings_point_at_what_was_written() -> None:
    opt_out = {"subscribed": False, "timestamp": "2026-11-20T10:00:00Z"}
    checked = check(contact({"(954) 558-2399": {"smsOptIn": opt_out}}))
    assert list(checked.body["traits"]["phones"]) == [NUMBER]
    # Writing the number in E.164 is information, not a warning.
    assert said(checked) == [
        'info: traits.phones["(954) 558-2399"]: Phone (954) 558-2399 will be sent as +19545582399',
        'warning: traits.phones["(954) 558-2399"].smsOptIn: Phone +1 954-558-2399, SMS consent: '
        "opt-out (no more SMS to this number)",
    ]
    assert [f.level for f in checked.infos] == [Level.INFO] and len(checked.warnings) == 1


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("5582399", '"5582399" is a local number without area code'),
        ("+144455555555", '"+144455555555" has too many digits for its country'),
        ("", "the phone number is empty"),
    ],
)
def test_numbers_that_cannot_be_dialled_are_errors_and_stay_as_written(
    key: str, message: str
) -> None:
    checked = check(contact({key: {"label": "Home"}}))
    assert list(checked.body["traits"]["phones"]) == [key]
    assert [str(f) for f in checked.errors] == [
        f"error: {json_path(['traits', 'phones', key])}: {message}"
        + ("; write it with its area code, like +19545582399" if key == "5582399" else "")
    ]


def test_numbers_in_unassigned_ranges_warn() -> None:
    assert said(check(contact({"+12225555555": {}}))) == [
        'warning: traits.phones["+12225555555"]: +12225555555 has the right length but is not in '
        "an assigned range; check it is real"
    ]


def test_two_keys_for_the_same_number_are_an_error() -> None:
    checked = check(contact({NUMBER: {"label": "Mobile"}, "(954) 558-2399": {"label": "Work"}}))
    assert [str(f) for f in checked.errors] == [
        'error: traits.phones["(954) 558-2399"]: is the same phone number as "+19545582399"; '
        "keep one"
    ]
    assert checked.body["traits"]["phones"] == {
        NUMBER: {"label": "Mobile"},
        "(954) 558-2399": {"label": "Work"},
    }


def test_email_domains_are_normalised_and_duplicates_refused() -> None:
    checked = check({"traits": {"emails": {"Jane@EXAMPLE.com": {}, "Jane@example.com": {}}}})
    assert list(checked.body["traits"]["emails"]) == ["Jane@EXAMPLE.com", "Jane@example.com"]
    assert said(checked) == [
        'error: traits.emails["Jane@example.com"]: is the same e-mail address as '
        '"Jane@EXAMPLE.com"; keep one',
        'info: traits.emails["Jane@EXAMPLE.com"]: E-mail Jane@EXAMPLE.com will be sent as '
        "Jane@example.com",
    ]


def test_invalid_or_empty_email_is_an_error() -> None:
    checked = check({"traits": {"emails": {"jane": {}, "": {}}}})
    assert [f.path for f in checked.errors] == ["traits.emails.jane", 'traits.emails[""]']
    assert checked.errors[1].message == "the e-mail address is empty"


# Primaries


def test_one_primary_per_kind() -> None:
    raw = {
        "traits": {
            "phones": {
                NUMBER: {"isPrimary": True, "smsOptIn": CONSENT},
                "+12015550123": {"isPrimary": True},
            },
            "emails": {
                "jane@example.com": {"isPrimary": True},
                "jane.work@example.com": {"isPrimary": True},
            },
        }
    }
    assert [str(f) for f in check(raw).errors] == [
        'error: traits.phones["+12015550123"].isPrimary: +1 201-555-0123 and +1 954-558-2399 are '
        "both primary; a contact has one primary phone number",
        'error: traits.emails["jane.work@example.com"].isPrimary: "jane.work@example.com" and '
        '"jane@example.com" are both primary; a contact has one primary e-mail address',
    ]
    raw["traits"]["phones"]["+12015550123"]["isPrimary"] = False
    raw["traits"]["emails"]["jane.work@example.com"] = {}
    assert check(raw).sendable


NEW_PRIMARY = (
    'warning: traits.phones["+19545582399"].isPrimary: makes +1 954-558-2399 the primary phone '
    "without voice or SMS consent; journeys call and text only the primary phone, so they stop "
    "reaching this contact until this number has opt-ins"
)


def test_new_primary_phone_without_opt_ins_warns() -> None:
    assert said(check(contact({NUMBER: {"isPrimary": True}}))) == [NEW_PRIMARY]
    assert said(check(contact({NUMBER: {"isPrimary": True, "voiceOptIn": CONSENT}}))) == []


@pytest.mark.parametrize(
    "known_phone",
    [{"isPrimary": True}, {"smsOptIn": {"subscribed": True}}],
)
def test_primary_phone_the_desk_already_knew_does_not_warn(known_phone: dict[str, Any]) -> None:
    known = {"userId": "123", "traits": {"phones": {"(954) 558-2399": known_phone}}}
    assert said(check(contact({NUMBER: {"isPrimary": True}}), known=known)) == []


@pytest.mark.parametrize(
    "known",
    [
        {"traits": {"phones": {NUMBER: {"isPrimary": False}}}},
        {"traits": {"phones": {"+12015550123": {"isPrimary": True}}}},
        {"traits": {"phones": {NUMBER: {"smsOptIn": {"subscribed": False}}}}},
        {"traits": "broken"},
    ],
)
def test_primary_phone_that_is_new_to_the_desk_warns(known: dict[str, Any]) -> None:
    assert said(check(contact({NUMBER: {"isPrimary": True}}), known=known)) == [NEW_PRIMARY]


# Consent


def test_full_opt_in_has_nothing_to_say() -> None:
    assert said(check(contact({NUMBER: {"smsOptIn": CONSENT}}))) == []


def test_subscribe_without_timestamp_or_text_warns() -> None:
    checked = check(contact({NUMBER: {"label": "mobile", "voiceOptIn": {"subscribed": True}}}))
    assert said(checked) == [
        'warning: traits.phones["+19545582399"].voiceOptIn: Mobile +1 954-558-2399, Voice '
        "consent: time is missing, so the record cannot show when consent was given (through "
        "Segment, Regal ignores it)",
        'warning: traits.phones["+19545582399"].voiceOptIn: Mobile +1 954-558-2399, Voice '
        "consent: consent text is missing (the words the person agreed to)",
    ]


def test_unsubscribe_warns_and_a_missing_time_is_a_finding() -> None:
    raw = {"traits": {"emails": {"jane@example.com": {"emailOptIn": {"subscribed": False}}}}}
    assert said(check(raw)) == [
        'warning: traits.emails["jane@example.com"].emailOptIn: E-mail jane@example.com, E-mail '
        "consent: opt-out (no more E-mail to this address)",
        'warning: traits.emails["jane@example.com"].emailOptIn: E-mail jane@example.com, E-mail '
        "consent: time is missing, so the record cannot show when consent was withdrawn",
    ]


def test_ip_is_normalised_and_a_bad_ip_is_an_error() -> None:
    checked = check(contact({NUMBER: {"smsOptIn": CONSENT | {"ip": "2001:DB8::0001"}}}))
    assert checked.body["traits"]["phones"][NUMBER]["smsOptIn"]["ip"] == "2001:db8::1"
    assert said(check(contact({NUMBER: {"smsOptIn": CONSENT | {"ip": "localhost"}}}))) == [
        'error: traits.phones["+19545582399"].smsOptIn.ip: Phone +1 954-558-2399, SMS consent: '
        'the IP address "localhost" is not an IPv4 or IPv6 address'
    ]


def test_timestamps_are_kept_as_written_and_bad_ones_are_errors() -> None:
    stamp = "2000-08-20 09:12:28 -04:00"
    checked = check(
        contact({NUMBER: {"smsOptIn": CONSENT | {"timestamp": stamp}}})
        | {"originalTimestamp": stamp}
    )
    assert checked.body["traits"]["phones"][NUMBER]["smsOptIn"]["timestamp"] == stamp
    assert checked.body["originalTimestamp"] == stamp
    assert checked.findings == ()
    bad = check(
        contact({NUMBER: {"smsOptIn": CONSENT | {"timestamp": "2021-11-21"}}})
        | {"originalTimestamp": "soon"}
    )
    assert [f.path for f in bad.errors] == [
        'traits.phones["+19545582399"].smsOptIn.timestamp',
        "originalTimestamp",
    ]


def test_timestamp_without_offset_warns() -> None:
    assert said(check({"userId": "1", "originalTimestamp": "2000-03-06 11:12:28"})) == [
        'warning: originalTimestamp: "2000-03-06 11:12:28" has no time zone, so the moment is '
        "ambiguous; add Z or an offset like -04:00"
    ]


# Text in, result out


def test_check_text_reads_comments_and_passes_known_on() -> None:
    known = {"traits": {"phones": {NUMBER: {"isPrimary": True}}}}
    text = (
        '// promote\n{"userId": "1", "traits": {"phones": {"+19545582399": {"isPrimary": true}}}}'
    )
    assert check_text(text, "draft.json").warnings != ()
    assert check_text(text, "draft.json", known=known).findings == ()


def test_check_text_raises_for_text_that_is_not_json() -> None:
    with pytest.raises(PayloadSyntaxError, match=r"^draft.json:1:2: "):
        check_text("{userId: 1}", "draft.json")


# NUL in text


def test_nul_in_any_text_or_key_is_an_error_at_its_path() -> None:
    raw = {
        "userId": "1",
        "traits": {
            "firstName": "Ja\x00ne",
            "phones": {
                NUMBER: {"smsOptIn": {"subscribed": True, "text": "I agree\x00", "source": "web"}}
            },
            "no\x00te": "x",
        },
        "properties": {"tags": "a"},
    }
    checked = check(raw)
    assert not checked.sendable
    nul = [str(f) for f in checked.errors if "NUL" in f.message]
    assert nul == [
        "error: traits.firstName: contains a NUL character (\\u0000); remove it",
        f'error: traits.phones["{NUMBER}"].smsOptIn.text: contains a NUL character (\\u0000); '
        "remove it",
        'error: traits["no\\u0000te"]: the key contains a NUL character (\\u0000); remove it',
    ]


def test_nul_written_as_an_escape_in_a_file_is_refused_with_its_path() -> None:
    checked = check_text('{"userId": "a\\u0000b"}', "p.json")
    assert [str(f) for f in checked.errors] == [
        "error: userId: contains a NUL character (\\u0000); remove it"
    ]
