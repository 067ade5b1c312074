"""One rule, below the window: a consent object equal to the one the directory knows is
left out of the body (and its findings with it) unless the user restates it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from regal_desktop.domain.check import check
from regal_desktop.domain.consent import same_consent
from regal_desktop.domain.finding_words import finding_words, place_words
from regal_desktop.domain.findings import Finding, Level, error
from regal_desktop.domain.model import Channel

NUMBER = "+19545552399"
SMS = {
    "subscribed": True,
    "timestamp": "2026-11-02T09:12:28-05:00",
    "text": "I agree to texts from Acme",
    "ip": "203.0.113.7",
    "source": "web form",
}
KNOWN: dict[str, Any] = {
    "userId": "c-1",
    "traits": {
        "firstName": "Ana",
        "phones": {NUMBER: {"label": "Mobile", "isPrimary": True, "smsOptIn": SMS}},
        "emails": {"Ana@example.com": {"emailOptIn": {"subscribed": False}}},
    },
}


def payload(sms: dict[str, Any] | None = None, **entry: Any) -> dict[str, Any]:
    phone: dict[str, Any] = {"label": "Mobile", "isPrimary": True, **entry}
    if sms is not None:
        phone["smsOptIn"] = sms
    return {"userId": "c-1", "traits": {"lastName": "Silva", "phones": {NUMBER: phone}}}


def test_an_unchanged_opt_in_is_left_out_with_its_findings() -> None:
    same = SMS | {"timestamp": "2026-11-02T14:12:28Z", "text": " I agree to  texts from Acme"}
    checked = check(payload(same), known=KNOWN)
    assert checked.body["traits"]["phones"][NUMBER] == {"label": "Mobile", "isPrimary": True}
    assert checked.left_out == (("phone", NUMBER, Channel.SMS),)
    assert checked.asked_known and checked.findings == ()


def test_a_point_left_with_nothing_stays_as_an_empty_entry() -> None:
    # Regal's reference allows a phone with no details: it names the number, changes nothing.
    raw = {"traits": {"phones": {"(954) 555-2399": {"smsOptIn": dict(SMS)}}}}
    checked = check(raw, known=KNOWN)
    assert checked.body == {"traits": {"phones": {NUMBER: {}}}}
    assert checked.sendable


@pytest.mark.parametrize(
    "change",
    [
        {"subscribed": False},
        {"timestamp": "2026-11-02T09:12:29-05:00"},
        {"timestamp": "2026-11-02T09:12:28"},  # no zone: not the same moment
        {"text": "I agree to calls and texts"},
        {"ip": "203.0.113.8"},
        {"source": None},
    ],
)
def test_any_difference_is_sent(change: dict[str, Any]) -> None:
    sms = {key: value for key, value in (SMS | change).items() if value is not None}
    checked = check(payload(sms), known=KNOWN)
    assert checked.body["traits"]["phones"][NUMBER]["smsOptIn"] == sms
    assert checked.left_out == ()


def test_restate_sends_it_as_written_with_its_findings() -> None:
    sms = {key: SMS[key] for key in ("subscribed", "timestamp", "ip", "source", "text")}
    checked = check(payload(dict(sms)), known=KNOWN, restate=True)
    assert checked.body["traits"]["phones"][NUMBER]["smsOptIn"] == sms
    assert checked.left_out == ()


def test_without_a_known_profile_nothing_is_left_out_but_the_directory_is_asked() -> None:
    checked = check(payload(dict(SMS)))
    assert "smsOptIn" in checked.body["traits"]["phones"][NUMBER]
    assert checked.asked_known  # so check_known checks again with the directory's profile


def test_an_e_mail_opt_out_matches_in_any_case_and_the_known_stays_unchanged() -> None:
    known = copy.deepcopy(KNOWN)
    raw = {"traits": {"emails": {"ana@example.com": {"emailOptIn": {"subscribed": False}}}}}
    checked = check(raw, known=known)
    assert checked.body["traits"]["emails"] == {"ana@example.com": {}}
    assert checked.left_out == (("email", "ana@example.com", Channel.EMAIL),)
    assert known == KNOWN


def test_same_consent_compares_after_normalising() -> None:
    assert same_consent(SMS | {"ip": "203.0.113.7"}, SMS | {"ip": " 203.0.113.7 "})
    assert not same_consent(SMS, None)
    assert not same_consent(SMS | {"subscribed": "yes"}, SMS | {"subscribed": "yes"})
    assert not same_consent(SMS | {"extra": 1}, SMS)
    assert same_consent({"subscribed": False, "text": ""}, {"subscribed": False})


def test_findings_read_in_the_users_words_with_the_path_kept() -> None:
    checked = check(payload({"subscribed": True, "text": "Yes"}))
    [missing] = [f for f in checked.findings if "time is missing" in f.message]
    assert missing.level is Level.WARNING
    assert missing.message.startswith("Mobile +1 954-555-2399, SMS consent: time is missing")
    assert missing.path == 'traits.phones["+19545552399"].smsOptIn'
    assert finding_words(missing) == missing.message


def test_a_number_written_in_another_format_is_information() -> None:
    raw = {"traits": {"phones": {"(954) 555-2399": {}}}}
    [note] = check(raw).findings
    assert note.level is Level.INFO
    assert note.message == "Phone (954) 555-2399 will be sent as +19545552399"


def test_place_words_name_the_place_as_people_do() -> None:
    path = 'traits.phones["+19545552399"].smsOptIn.timestamp'
    assert place_words(path) == "+1 954-555-2399, SMS consent, time"
    assert place_words("$") == "Whole request"
    finding = error(("traits", "firstName"), "must be text, not 5")
    assert finding_words(finding) == "First name: must be text, not 5"
    assert finding_words(Finding(Level.ERROR, "$", "says nothing")) == "Whole request: says nothing"


def test_an_opt_out_older_than_the_known_opt_in_warns_that_it_undoes_it() -> None:
    older = {"subscribed": False, "timestamp": "2026-10-01T09:00:00Z", "source": "call"}
    newer = older | {"timestamp": "2026-11-03T09:00:00Z"}
    said = [f.message for f in check(payload(older), known=KNOWN).warnings]
    assert any(
        m.startswith("Mobile +1 954-555-2399, SMS consent: older than what is known")
        and "would undo the newer change" in m
        for m in said
    ), said
    for fine in (newer, {"subscribed": False}, older | {"timestamp": "2026-10-01 09:00:00"}):
        said = [f.message for f in check(payload(fine), known=KNOWN).warnings]
        assert not any("older than what is known" in m for m in said), (fine, said)
    # Without a known state, or when the state is the same, there is nothing to undo.
    assert "older" not in str(check(payload(older)).findings)
    same_state = SMS | {"timestamp": "2026-10-01T09:00:00Z"}
    assert "older than" not in str(check(payload(same_state), known=KNOWN).findings)
