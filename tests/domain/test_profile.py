"""The profile merge mirrors the rules and examples of Regal's reference."""

from __future__ import annotations

import copy
from typing import Any

from regal_desktop.domain.profile import (
    display_key,
    identity_keys,
    journey_reach,
    merge_profile,
    primary_email,
    primary_phone,
)

CONSENT = "By clicking the 'Submit' button below, I agree to receive automated marketing SMS"
WHEN = "2000-08-20 09:12:28 -04:00"


def merge_all(*bodies: dict[str, Any]) -> dict[str, Any]:
    profile: dict[str, Any] | None = None
    for body in bodies:
        profile = merge_profile(profile, body)
    assert profile is not None
    return profile


def test_onboarding_flow_of_the_reference_end_to_end() -> None:
    email_opt_in = {"subscribed": True, "text": "I agree to emails", "timestamp": WHEN}
    phone_opt_in = {"subscribed": True, "text": CONSENT, "timestamp": WHEN}
    steps = [
        {
            "userId": "123",
            "traits": {"emails": {"jane@example.com": {"emailOptIn": email_opt_in}}},
            "name": "Lead Created",
            "eventSource": "Application Flow",
        },
        {
            "userId": "123",
            "traits": {
                "phones": {"+19545582399": {"voiceOptIn": phone_opt_in, "smsOptIn": phone_opt_in}}
            },
            "name": "Phone Submitted",
        },
        {
            "userId": "123",
            "traits": {
                "age": 23,
                "educational_attainment": "GED",
                "address": {
                    "street": "525 Cinema Drive",
                    "state": "Florida",
                    "city": "Cooper City",
                    "zipcode": "33026",
                },
            },
            "name": "Application Completed",
            "properties": {"program": "Phlebotomy Course"},
        },
        {
            "userId": "123",
            "traits": {
                "phones": {"+19545582399": {"label": "mobile"}, "+15155552355": {"label": "home"}}
            },
            "name": "Account Info Updated",
        },
    ]

    profile = merge_all(*steps)

    assert profile == {
        "userId": "123",
        "traits": {
            "emails": {"jane@example.com": {"isPrimary": True, "emailOptIn": email_opt_in}},
            "phones": {
                "+19545582399": {
                    "label": "mobile",
                    "isPrimary": True,
                    "voiceOptIn": phone_opt_in,
                    "smsOptIn": phone_opt_in,
                },
                # Added later and sorted after the first: the first phone stays primary.
                "+15155552355": {"label": "home", "isPrimary": False},
            },
            "age": 23,
            "educational_attainment": "GED",
            "address": {
                "street": "525 Cinema Drive",
                "state": "Florida",
                "city": "Cooper City",
                "zipcode": "33026",
            },
        },
    }
    assert journey_reach(profile) == {"voice": True, "sms": True, "email": True}


FOUR_PHONES: dict[str, Any] = {
    "userId": "xyz",
    "traits": {
        "phones": {
            "+11115555555": {
                "label": "Mobile",
                "isPrimary": True,
                "voiceOptIn": {"subscribed": True, "ip": "127.0.0.1", "timestamp": WHEN},
                "smsOptIn": {"subscribed": False},
            },
            "+13335555555": {"label": "Work"},
            "+12225555555": {
                "label": "Home",
                "voiceOptIn": {"subscribed": True},
                "smsOptIn": {"subscribed": True},
            },
            "+14445555555": {},
        },
        "emails": {
            "jane@example.com": {
                "label": "Personal",
                "isPrimary": True,
                "emailOptIn": {"subscribed": True},
            },
            "jane@work.example.com": {
                "label": "Work",
                "isPrimary": False,
                "emailOptIn": {"subscribed": False},
            },
            "jane@other.example.com": {"label": "Other Work"},
        },
    },
}


def test_four_phones_example_marks_the_named_primary_and_no_other() -> None:
    profile = merge_profile(None, FOUR_PHONES)

    phones = profile["traits"]["phones"]
    assert [number for number, phone in phones.items() if phone["isPrimary"]] == ["+11115555555"]
    assert phones["+13335555555"] == {"label": "Work", "isPrimary": False}
    assert phones["+14445555555"] == {"isPrimary": False}
    assert primary_email(profile) == "jane@example.com"
    assert profile["traits"]["emails"]["jane@other.example.com"] == {
        "label": "Other Work",
        "isPrimary": False,
    }
    assert journey_reach(profile) == {"voice": True, "sms": False, "email": True}


def test_updating_the_primary_phone_example() -> None:
    update = {
        "userId": "xyz",
        "traits": {
            "phones": {
                "+12225555555": {
                    "isPrimary": True,
                    "voiceOptIn": {"subscribed": True},
                    "smsOptIn": {"subscribed": True},
                },
                "+14445555555": {"label": "Husband's Cell"},
            }
        },
    }

    profile = merge_all(FOUR_PHONES, update)

    phones = profile["traits"]["phones"]
    assert primary_phone(profile) == "+12225555555"
    assert phones["+11115555555"]["isPrimary"] is False
    assert phones["+11115555555"]["label"] == "Mobile"  # untouched otherwise
    assert phones["+12225555555"]["label"] == "Home"  # label kept, not in the update
    assert phones["+14445555555"] == {"label": "Husband's Cell", "isPrimary": False}
    assert primary_email(profile) == "jane@example.com"  # e-mails untouched
    assert journey_reach(profile) == {"voice": True, "sms": True, "email": True}


def test_first_phone_ever_added_is_primary_and_stays_when_others_arrive() -> None:
    first: dict[str, Any] = {"traits": {"phones": {"+19545582399": {}}}}
    later = {"traits": {"phones": {"+10005550000": {"label": "sorts first"}}}}

    profile = merge_all(first, later)

    assert primary_phone(profile) == "+19545582399"
    assert profile["traits"]["phones"]["+10005550000"]["isPrimary"] is False


def test_without_any_primary_the_alphanumerically_first_number_wins() -> None:
    body: dict[str, Any] = {
        "traits": {"phones": {"+19545582399": {}, "+15155552355": {}, "+17185550100": {}}}
    }

    assert primary_phone(merge_profile(None, body)) == "+15155552355"


def test_is_primary_moves_it_and_is_primary_false_alone_does_not_demote() -> None:
    start = merge_profile(None, {"traits": {"phones": {"+19545582399": {}, "+15155552355": {}}}})
    assert primary_phone(start) == "+15155552355"

    moved = merge_profile(start, {"traits": {"phones": {"+19545582399": {"isPrimary": True}}}})
    assert primary_phone(moved) == "+19545582399"
    assert moved["traits"]["phones"]["+15155552355"]["isPrimary"] is False

    kept = merge_profile(moved, {"traits": {"phones": {"+19545582399": {"isPrimary": False}}}})
    assert primary_phone(kept) == "+19545582399"


def test_opt_ins_merge_per_channel_and_are_replaced_whole() -> None:
    known = merge_profile(
        None,
        {
            "traits": {
                "phones": {
                    "+19545582399": {
                        "voiceOptIn": {"subscribed": True, "text": CONSENT, "ip": "192.0.2.1"},
                        "smsOptIn": {"subscribed": True, "text": CONSENT},
                    }
                }
            }
        },
    )
    opt_out = {"traits": {"phones": {"+19545582399": {"smsOptIn": {"subscribed": False}}}}}

    phone = merge_profile(known, opt_out)["traits"]["phones"]["+19545582399"]

    assert phone["voiceOptIn"] == {"subscribed": True, "text": CONSENT, "ip": "192.0.2.1"}
    # The old words do not linger on the opt-out.
    assert phone["smsOptIn"] == {"subscribed": False}


def test_names_user_id_address_and_custom_traits_overwrite_only_what_is_set() -> None:
    known = merge_profile(
        None,
        {
            "userId": "1",
            "traits": {
                "firstName": "Jane",
                "lastName": "Doe",
                "plan": "basic",
                "address": {"city": "Miami", "zipcode": "33101"},
                "emails": {"jane@example.com": {}},
            },
        },
    )
    update = {
        "userId": "2",
        "traits": {"lastName": "Roe", "address": {"zipcode": "33102"}, "vip": True},
        "name": "Married",
        "properties": {"x": 1},
    }

    profile = merge_profile(known, update)

    assert profile["userId"] == "2"
    traits = profile["traits"]
    assert (traits["firstName"], traits["lastName"]) == ("Jane", "Roe")
    assert traits["address"] == {"city": "Miami", "zipcode": "33102"}
    assert (traits["plan"], traits["vip"]) == ("basic", True)
    assert "name" not in profile and "properties" not in profile


def test_merge_never_mutates_its_inputs() -> None:
    known = merge_profile(None, FOUR_PHONES)
    update = {"traits": {"phones": {"+12225555555": {"isPrimary": True}}, "address": {"city": "X"}}}
    known_before, update_before = copy.deepcopy(known), copy.deepcopy(update)

    merged = merge_profile(known, update)
    merged["traits"]["phones"]["+11115555555"]["voiceOptIn"]["subscribed"] = False

    assert known == known_before
    assert update == update_before


def test_identity_keys_in_regal_match_order() -> None:
    body = {
        "userId": "123",
        "traits": {
            "emails": {"Jane@Example.com": {}},
            "phones": {"+19545582399": {}, "+15155552355": {}},
        },
    }

    assert identity_keys(body) == [
        "phone:+19545582399",
        "phone:+15155552355",
        "email:jane@example.com",
        "user:123",
    ]
    assert identity_keys({"name": "Event only"}) == []


def test_display_key_prefers_primary_phone_then_first_phone_then_email_then_user() -> None:
    profile = merge_profile(None, FOUR_PHONES)
    assert display_key(profile) == "+11115555555"
    assert display_key({"traits": {"phones": {"+19545582399": {}, "+15155552355": {}}}}) == (
        "+19545582399"
    )
    assert display_key({"userId": "7", "traits": {"emails": {"jane@example.com": {}}}}) == (
        "jane@example.com"
    )
    assert display_key({"userId": "7"}) == "7"
    assert display_key({}) == ""


def test_journey_reach_is_false_without_a_primary_or_an_opt_in() -> None:
    assert journey_reach({}) == {"voice": False, "sms": False, "email": False}
    profile = merge_profile(None, {"traits": {"phones": {"+19545582399": {}}}})
    assert journey_reach(profile) == {"voice": False, "sms": False, "email": False}
