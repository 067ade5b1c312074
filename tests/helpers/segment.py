"""A Segment account and the contacts its route takes or refuses, shared by the Segment
tests (domain, services, command line, window)."""

from __future__ import annotations

from typing import Any

from regal_desktop.context import open_context
from regal_desktop.domain.segment import SEGMENT_ENDPOINT, anonymous_id
from regal_desktop.services.accounts import AccountProfile

NUMBER = "+19545582399"
#: An SMS opt-in Regal's Segment destination takes: timestamp, ip and text.
CONSENT: dict[str, Any] = {
    "subscribed": True,
    "timestamp": "2020-08-25T21:23:43Z",
    "ip": "172.16.254.1",
    "text": "I agree to receive marketing texts",
}
#: The same opt-in without the ip the destination requires from a server.
NO_IP: dict[str, Any] = {k: v for k, v in CONSENT.items() if k != "ip"}
#: A Segment account on Segment's own (US) endpoint.
SEGMENT = AccountProfile(name="seg", kind="segment", endpoint=SEGMENT_ENDPOINT, rate=1000)

#: What ``tests/data/payloads/segment-legacy-identify.json`` becomes: the destination's
#: own example identify (its traits; the wording as the example has it).
LEGACY_WORDS = (
    "By clicking the 'Submit' button below, I agree to receive automated marketing SMS and calls."
)
_LEGACY_OPT_IN = {"subscribed": True, "timestamp": "2020-08-25T21:23:43Z", "ip": "172.16.254.1"}
LEGACY_ID = anonymous_id("phone:+19175554444")
LEGACY_TRAITS: dict[str, Any] = {
    "firstName": "Anne",
    "lastName": "Smith",
    "phone": "+19175554444",
    "age": 30,
    "optIn": [
        {"channel": "voice", **_LEGACY_OPT_IN, "text": LEGACY_WORDS},
        {"channel": "sms", **_LEGACY_OPT_IN, "text": LEGACY_WORDS},
    ],
}


def opted_in(user_id: str, consent: dict[str, Any] | None = None) -> dict[str, Any]:
    """A contact whose primary phone ``NUMBER`` carries ``consent`` (``CONSENT``) for SMS."""
    sms = dict(CONSENT if consent is None else consent)
    return {"userId": user_id, "traits": {"phones": {NUMBER: {"isPrimary": True, "smsOptIn": sms}}}}


def add_segment(name: str = "seg", endpoint: str = SEGMENT_ENDPOINT) -> AccountProfile:
    """Save a Segment account in this test's home, as Settings or ``profile add`` would
    (before a window opens, so it lists it)."""
    profile = AccountProfile(name=name, kind="segment", endpoint=endpoint)
    context = open_context()
    try:
        context.accounts.save(profile)
    finally:
        context.close()
    return profile


__all__ = [
    "CONSENT",
    "LEGACY_ID",
    "LEGACY_TRAITS",
    "LEGACY_WORDS",
    "NO_IP",
    "NUMBER",
    "SEGMENT",
    "add_segment",
    "opted_in",
]
