"""Normalising phone numbers, e-mail addresses, IPs and timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from regal_desktop.domain.normalise import (
    check_timestamp,
    format_phone,
    normalise_email,
    normalise_ip,
    normalise_phone,
    now_timestamp,
    parse_timestamp,
)


def test_e164_number_is_kept_without_remarks() -> None:
    assert normalise_phone("+19545582399").e164 == "+19545582399"
    assert normalise_phone("+19545582399").warnings == ()
    assert normalise_phone("+19545582399").error is None


@pytest.mark.parametrize("written", ["(954) 558-2399", "+1 954 558 2399", "954.558.2399"])
def test_other_forms_become_e164_and_say_so(written: str) -> None:
    result = normalise_phone(written)
    assert result.e164 == "+19545582399"
    assert result.warnings == (f'"{written}" will be sent as +19545582399',)


def test_numbers_without_plus_are_read_in_the_given_region() -> None:
    assert normalise_phone("020 7946 0958", "GB").e164 == "+442079460958"


@pytest.mark.parametrize("number", ["+11115555555", "+12225555555", "+13335555555", "+14445555555"])
def test_reference_numbers_in_unassigned_ranges_warn(number: str) -> None:
    result = normalise_phone(number)
    assert result.e164 == number
    assert result.warnings == (
        f"{number} has the right length but is not in an assigned range; check it is real",
    )


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("+144455555555", "has too many digits for its country"),
        ("5582399", "is a local number without area code"),
        ("+999 123", "has no valid country code"),
        ("call me", "is not a phone number"),
        ("+19545582399 ext. 12", "has an extension (12)"),
        ("+1 954", "has too few digits"),
    ],
)
def test_numbers_that_cannot_be_dialled_are_errors(written: str, reason: str) -> None:
    result = normalise_phone(written)
    assert result.e164 is None
    assert result.error is not None
    assert result.error.startswith(f'"{written}" {reason}')


def test_empty_number_is_an_error() -> None:
    assert normalise_phone("  ").error == "the phone number is empty"


def test_repeated_numbers_come_from_the_cache() -> None:
    assert normalise_phone("(954) 558-2399") is normalise_phone("(954) 558-2399")


def test_format_phone_groups_digits_for_people() -> None:
    assert format_phone("+19545582399") == "+1 954-558-2399"
    assert format_phone("+447911123456") == "+44 7911 123456"
    # No assigned range means no trustworthy grouping, and garbage stays as it is.
    assert format_phone("+11115555555") == "+11115555555"
    assert format_phone("not a number") == "not a number"


def test_email_domain_is_lower_cased_and_local_part_kept() -> None:
    assert normalise_email(" Jane.Doe@EXAMPLE.com ") == ("Jane.Doe@example.com", None)


@pytest.mark.parametrize("written", ["jane", "jane@", "jane@@example.com", "jane@example"])
def test_invalid_email_is_an_error(written: str) -> None:
    address, problem = normalise_email(written)
    assert address is None
    assert problem is not None
    assert problem.startswith(f'"{written}" is not a valid e-mail address')


def test_empty_email_is_an_error() -> None:
    assert normalise_email("") == (None, "the e-mail address is empty")


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("172.16.254.1", "172.16.254.1"),
        (" 127.0.0.1 ", "127.0.0.1"),
        ("2001:DB8:0::0001", "2001:db8::1"),
    ],
)
def test_ip_addresses_are_normalised(written: str, normalised: str) -> None:
    assert normalise_ip(written) == (normalised, None)


@pytest.mark.parametrize("written", ["", "localhost", "256.1.1.1", "01.2.3.4", "1.2.3"])
def test_invalid_ip_is_an_error(written: str) -> None:
    assert normalise_ip(written) == (None, f'"{written}" is not an IPv4 or IPv6 address')


@pytest.mark.parametrize(
    ("written", "moment"),
    [
        ("2020-08-25T21:23:43Z", datetime(2020, 8, 25, 21, 23, 43, tzinfo=UTC)),
        (
            "2000-08-20 09:12:28 -04:00",
            datetime(2000, 8, 20, 9, 12, 28, tzinfo=timezone(timedelta(hours=-4))),
        ),
        (
            "2026-11-25T14:03:07.123456789+0530",
            datetime(
                2026, 11, 25, 14, 3, 7, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))
            ),
        ),
        ("2026-11-25T14:03+01", datetime(2026, 11, 25, 14, 3, tzinfo=timezone(timedelta(hours=1)))),
        ("2026-11-25 14:03:07", datetime(2026, 11, 25, 14, 3, 7)),
    ],
)
def test_accepted_timestamps(written: str, moment: datetime) -> None:
    assert check_timestamp(written) is None
    parsed = parse_timestamp(written)
    assert parsed == moment
    # Equal moments may differ in offset: the offset written is kept too.
    assert parsed is not None and parsed.utcoffset() == moment.utcoffset()


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("2021-11-21", "has a date but no time"),
        ("2021-02-30 10:00:00Z", "is not a real date and time"),
        ("2021-01-01T10:00:00+25:00", "is not a real date and time"),
        ("2021-01-01T10:00:00+01:75", "is not a real date and time"),
        ("yesterday", "is not a timestamp; write it like 2020-08-25T21:23:43Z"),
        ("1598390623", "is not a timestamp"),
    ],
)
def test_refused_timestamps(written: str, reason: str) -> None:
    problem = check_timestamp(written)
    assert problem is not None
    assert problem.startswith(f'"{written}" {reason}')
    assert parse_timestamp(written) is None


def test_now_timestamp_writes_local_time_with_offset() -> None:
    now = datetime(2026, 11, 25, 14, 3, 7, 999, tzinfo=timezone(timedelta(hours=-5)))
    assert now_timestamp(now) == "2026-11-25T14:03:07-05:00"
    assert check_timestamp(now_timestamp(now)) is None


def test_now_timestamp_refuses_a_time_without_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        now_timestamp(datetime(2026, 11, 25, 14, 3, 7))
