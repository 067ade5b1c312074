"""Normalising the values people type: phone numbers, e-mail addresses, IPs, timestamps.

Every function is pure, and the expensive ones are cached: the editor re-checks the whole
contact on every keystroke, and a contact can have hundreds of numbers that did not change.

Timestamps (opt-in ``timestamp`` and ``originalTimestamp``) are checked but kept as
written. Accepted: a date and a time, ``T`` or a space between them, optional seconds and
fraction, and an optional offset (``Z``, ``-04:00``, ``-0400``, with or without a space
before it, as in the reference's ``2000-08-20 09:12:28 -04:00``). A date alone
(``2021-11-21``) is refused: consent happens at a moment, and a day cannot say which.
A time without an offset is accepted but ``parse_timestamp`` returns it naive, so the
checker can warn that the moment is ambiguous.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

import phonenumbers

from regal_desktop.domain.findings import quote

#: Big enough for the largest contact the editor shows, small enough to never matter.
_CACHE = 8192

_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(?: ?(Z|z|[+-]\d{2}(?::?\d{2})?))?"
)
#: What a time field shows while empty: the shape people type (seconds optional, ``Z``
#: for UTC, ``T`` or a space after the date). ``parse_timestamp`` accepts it filled in.
TIMESTAMP_PLACEHOLDER = "YYYY-MM-DD HH:MM:SS +HH:MM"
_TIMESTAMP_EXAMPLES = "write it like 2020-08-25T21:23:43Z or 2000-08-20 09:12:28 -04:00"

_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "has no valid country code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "is not a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "is too short to be a number",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "is too short to be a number",
    phonenumbers.NumberParseException.TOO_LONG: "is too long to be a number",
}
_IMPOSSIBLE = {
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: (
        "is a local number without area code; write it with its area code, like +19545582399"
    ),
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "has no valid country code",
    phonenumbers.ValidationResult.TOO_SHORT: "has too few digits for its country",
    phonenumbers.ValidationResult.TOO_LONG: "has too many digits for its country",
    phonenumbers.ValidationResult.INVALID_LENGTH: "has the wrong number of digits for its country",
}


@dataclass(frozen=True)
class PhoneResult:
    """A phone number as Regal wants it (``e164``), or why it cannot be sent (``error``).

    ``warnings`` hold what is worth knowing about a number that can be sent.
    """

    e164: str | None
    error: str | None
    warnings: tuple[str, ...]

    @property
    def risks(self) -> tuple[str, ...]:
        """The warnings that are a risk: all but "will be sent as +1…", since writing a
        number in E.164 is done for the user (information, not a warning)."""
        moved = f" will be sent as {self.e164}"
        return tuple(note for note in self.warnings if not note.endswith(moved))


@lru_cache(maxsize=_CACHE)
def normalise_phone(text: str, region: str = "US") -> PhoneResult:
    """Turn a number as typed into E.164; numbers without ``+`` are read as in ``region``."""
    written = text.strip()
    if not written:
        return PhoneResult(None, "the phone number is empty", ())
    try:
        number = phonenumbers.parse(written, region)
    except phonenumbers.NumberParseException as exc:
        reason = _PARSE_ERRORS.get(exc.error_type, "is not a phone number")
        return PhoneResult(None, f"{quote(written)} {reason}", ())
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        reason = _IMPOSSIBLE.get(possible, "cannot be dialled")
        return PhoneResult(None, f"{quote(written)} {reason}", ())
    if number.extension:
        return PhoneResult(
            None,
            f"{quote(written)} has an extension ({number.extension}), which Regal cannot dial",
            (),
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    warnings: list[str] = []
    if written != e164:
        warnings.append(f"{quote(written)} will be sent as {e164}")
    if not phonenumbers.is_valid_number(number):
        warnings.append(
            f"{e164} has the right length but is not in an assigned range; check it is real"
        )
    return PhoneResult(e164, None, tuple(warnings))


@lru_cache(maxsize=_CACHE)
def format_phone(e164: str) -> str:
    """The human form of an E.164 number: ``+1 954-558-2399`` (unchanged if unreadable)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if not phonenumbers.is_valid_number(number):
        # Without a known range the grouping is guesswork ("+1 1115555555"): show it plain.
        return e164
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


#: A local part that email_validator keeps exactly as written (plain ASCII dot-atom).
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*")


@lru_cache(maxsize=_CACHE)
def _normalise_domain(domain: str) -> str | None:
    """The domain as ``normalise_email`` sends it, or None when it is not valid."""
    address, _ = _validated(f"a@{domain}")
    return address.partition("@")[2] if address is not None else None


@lru_cache(maxsize=_CACHE)
def normalise_email(text: str) -> tuple[str | None, str | None]:
    """``(address, None)`` with the domain lower-cased, or ``(None, why it is not valid)``."""
    written = text.strip()
    if not written:
        return None, "the e-mail address is empty"
    # A bulk import has a new address on every row but few domains: a plain local part
    # needs no checking beyond its shape, and each domain is checked once. Anything else
    # (quotes, Unicode, odd lengths, a bad domain) takes the full check for its message.
    local, at, domain = written.rpartition("@")
    plain = at and domain.isascii() and len(local) <= 64 and len(written) <= 254
    if plain and _PLAIN_LOCAL.fullmatch(local):
        normal = _normalise_domain(domain)
        if normal is not None:
            return f"{local}@{normal}", None
    return _validated(written)


def _validated(written: str) -> tuple[str | None, str | None]:
    """``normalise_email`` through email_validator's whole check."""
    # Loaded on the first address: its tables cost a noticeable share of start-up.
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(written, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, f"{quote(written)} is not a valid e-mail address: {exc}"
    return str(result.normalized), None


@lru_cache(maxsize=_CACHE)
def normalise_ip(text: str) -> tuple[str | None, str | None]:
    """``(address, None)`` in standard IPv4/IPv6 spelling, or ``(None, why it is not one)``."""
    try:
        return str(ipaddress.ip_address(text.strip())), None
    except ValueError:
        return None, f"{quote(text)} is not an IPv4 or IPv6 address"


@lru_cache(maxsize=_CACHE)
def parse_timestamp(text: str) -> datetime | None:
    """The moment a timestamp names (naive when it has no offset), or None if unreadable."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        zone = _zone(offset)
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=zone,
        )
    except ValueError:
        return None


def _zone(offset: str | None) -> timezone | None:
    if offset is None:
        return None
    if offset in ("Z", "z"):
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes > 59:
        raise ValueError("offset minutes out of range")
    delta = timedelta(hours=hours, minutes=minutes)
    # timezone() refuses offsets of a day or more, which is the check we want.
    return timezone(sign * delta)


def check_timestamp(text: str) -> str | None:
    """Why ``text`` is not a timestamp Regal can read, or None when it is one."""
    if parse_timestamp(text) is not None:
        return None
    if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", text):
        return f"{quote(text)} has a date but no time; {_TIMESTAMP_EXAMPLES}"
    if _TIMESTAMP.fullmatch(text.strip()):
        return f"{quote(text)} is not a real date and time"
    return f"{quote(text)} is not a timestamp; {_TIMESTAMP_EXAMPLES}"


def now_timestamp(now: datetime) -> str:
    """``now`` as a timestamp with its offset, like ``2026-11-25T14:03:07-05:00``.

    Pass an aware time (``datetime.now().astimezone()``): a naive one has no offset to write.
    """
    if now.utcoffset() is None:
        raise ValueError(
            "now_timestamp needs a time with a time zone, e.g. datetime.now().astimezone()"
        )
    return now.replace(microsecond=0).isoformat()
