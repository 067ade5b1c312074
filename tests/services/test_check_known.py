"""``check_known``: the directory's profile found by the payload's identifiers, as written
or once normalised, and consent equal to it left out unless restated."""

from __future__ import annotations

from typing import Any

import pytest

from regal_desktop.domain.model import Channel
from regal_desktop.services.checking import check_known, checker_for

NUMBER = "+19545552399"
SMS = {"subscribed": False, "timestamp": "2026-11-20T10:00:00Z", "source": "sms keyword"}
KNOWN = {"traits": {"phones": {NUMBER: {"isPrimary": True, "smsOptIn": SMS}}}}


def lookup(key: str) -> dict[str, Any] | None:
    return KNOWN if key == f"phone:{NUMBER}" else None


@pytest.mark.parametrize("written", [NUMBER, "(954) 555-2399", "954.555.2399"])
def test_the_known_profile_is_found_however_the_number_is_written(written: str) -> None:
    raw = {"traits": {"phones": {written: {"smsOptIn": dict(SMS)}}}}
    checked, known = check_known(raw, "US", lookup)
    assert known == KNOWN
    assert checked.body["traits"]["phones"] == {NUMBER: {}}
    assert checked.left_out == (("phone", NUMBER, Channel.SMS),)


def test_restate_and_an_unknown_contact_keep_the_consent() -> None:
    raw = {"traits": {"phones": {NUMBER: {"smsOptIn": dict(SMS)}}}}
    assert checker_for("US", lookup, restate=True)(raw).body == raw
    other = {"traits": {"phones": {"+15155552355": {"smsOptIn": dict(SMS)}}}}
    checked, known = check_known(other, "US", lookup)
    assert known is None and checked.body == other


def test_a_guess_from_a_written_key_that_is_another_contact_is_checked_again() -> None:
    # The userId names nobody; the number (written in E.164) names the known contact.
    raw = {"userId": "nobody", "traits": {"phones": {NUMBER: {"smsOptIn": dict(SMS)}}}}
    assert check_known(raw, "US", lookup)[0].left_out
    assert check_known({"traits": "broken"}, "US", lookup)[0].errors
