"""What makes checking many rows fast: each e-mail domain validated once, and a phone
formatted for people only when a message names it (``domain.normalise``, ``domain.check``)."""

from __future__ import annotations

import email_validator
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regal_desktop.domain import normalise
from regal_desktop.domain.check import check
from regal_desktop.domain.normalise import _validated, normalise_email


def test_each_email_domain_is_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = email_validator.validate_email

    def counting(address: str, **options: object) -> object:
        calls.append(address)
        return real(address, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(email_validator, "validate_email", counting)
    domain = "speed-test-domain-once.example.org"
    for i in range(50):
        assert normalise_email(f"user{i}@{domain}") == (f"user{i}@{domain}", None)
    assert len(calls) <= 1


@given(
    st.from_regex(r"[A-Za-z0-9_+.\-\"]{0,70}", fullmatch=True),
    st.sampled_from(
        [
            "example.com",
            "EXAMPLE.com",
            "gmail.com",
            "x",
            "foo.test",
            "-x.com",
            "a.b.",
            "b\u00fccher.de",
        ]
    ),
)
def test_the_quick_path_agrees_with_the_whole_check(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    assert normalise_email(address) == _validated(address)


def test_a_phone_with_nothing_to_say_is_not_formatted(monkeypatch: pytest.MonkeyPatch) -> None:
    formatted: list[str] = []
    real = normalise.format_phone

    def counting(e164: str) -> str:
        formatted.append(e164)
        return real(e164)

    monkeypatch.setattr("regal_desktop.domain.check.format_phone", counting)
    opt_in = {
        "subscribed": True,
        "text": "Texts from Acme",
        "timestamp": "2026-11-25T09:00:00-05:00",
    }
    result = check({"traits": {"phones": {"+19545582399": {"smsOptIn": opt_in}}}})
    assert result.sendable
    assert formatted == []
    # A warning that names the phone still shows it for people.
    result = check({"traits": {"phones": {"+19545582399": {"smsOptIn": {"subscribed": False}}}}})
    assert any("+1 954-558-2399" in f.message for f in result.findings)
