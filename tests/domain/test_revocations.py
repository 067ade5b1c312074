"""Business days and the 10-business-day deadline of an opt-out, counted in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from regal_desktop.domain.revocations import (
    add_business_days,
    business_days_between,
    business_days_used,
    deadline,
    is_late,
    is_overdue,
    parse_moment,
)

FRIDAY_EVENING = datetime(2026, 11, 6, 21, 30, tzinfo=UTC)  # Friday 6 November 2026


def at(day: str, clock: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}:00+00:00")


def test_the_day_of_receipt_does_not_count() -> None:
    received = at("2026-11-04", "09:00")  # a Wednesday
    assert business_days_used(received, at("2026-11-04", "23:59")) == 0
    assert business_days_used(received, at("2026-11-05", "00:00")) == 1


def test_weekends_are_not_business_days() -> None:
    # Friday evening to Monday morning: Saturday and Sunday do not count, Monday does.
    assert business_days_used(FRIDAY_EVENING, at("2026-11-07")) == 0
    assert business_days_used(FRIDAY_EVENING, at("2026-11-08")) == 0
    assert business_days_used(FRIDAY_EVENING, at("2026-11-09", "00:01")) == 1
    # Two whole weeks: ten business days.
    assert business_days_used(FRIDAY_EVENING, at("2026-11-20")) == 10


def test_a_friday_opt_out_is_due_by_the_end_of_friday_two_weeks_later() -> None:
    due = deadline(FRIDAY_EVENING)
    assert due == datetime(2026, 11, 21, tzinfo=UTC)  # the start of Saturday 21 November
    last_moment = due - timedelta(microseconds=1)
    assert not is_overdue(FRIDAY_EVENING, None, last_moment)
    assert is_overdue(FRIDAY_EVENING, None, due)
    # On the weekend after the 10th day the count still reads 10, and it is overdue.
    assert business_days_used(FRIDAY_EVENING, at("2026-11-22")) == 10
    assert is_overdue(FRIDAY_EVENING, None, at("2026-11-22"))


def test_exactly_ten_business_days_is_not_yet_overdue() -> None:
    received = at("2026-11-02", "15:00")  # a Monday
    tenth = at("2026-11-16", "23:59")  # Monday two weeks later: the 10th business day
    assert business_days_used(received, tenth) == 10
    assert not is_overdue(received, None, tenth)
    eleventh = at("2026-11-17", "00:00")
    assert business_days_used(received, eleventh) == 11
    assert is_overdue(received, None, eleventh)


def test_a_weekend_opt_out_counts_from_monday() -> None:
    saturday = at("2026-11-07", "10:00")
    sunday = at("2026-11-08", "10:00")
    assert deadline(saturday) == deadline(sunday) == datetime(2026, 11, 21, tzinfo=UTC)
    assert business_days_used(saturday, at("2026-11-09")) == 1


def test_an_accepted_opt_out_is_never_overdue_but_can_be_late() -> None:
    received = at("2026-11-02")
    long_after = at("2027-01-01")
    assert not is_overdue(received, at("2026-11-03"), long_after)
    assert not is_late(received, at("2026-11-16", "23:59"))
    assert is_late(received, at("2026-11-17", "00:00"))
    assert not is_late(received, None)


def test_days_are_utc_days_whatever_the_offset() -> None:
    # 20:00 on Friday in New York is 01:00 on Saturday in UTC: it counts from Monday.
    new_york = timezone(timedelta(hours=-5))
    friday_night = datetime(2026, 11, 6, 20, 0, tzinfo=new_york)
    assert deadline(friday_night) == deadline(at("2026-11-07"))
    # A naive time is taken as UTC.
    assert deadline(datetime(2026, 11, 6, 20, 0)) == deadline(FRIDAY_EVENING)


def test_counting_matches_walking_day_by_day() -> None:
    start = date(2026, 1, 1)
    for offset in range(0, 40):
        first = start + timedelta(days=offset)
        for length in range(0, 30):
            last = first + timedelta(days=length)
            walked = sum(
                1 for n in range(1, length + 1) if (first + timedelta(days=n)).weekday() < 5
            )
            assert business_days_between(first, last) == walked
    assert business_days_between(date(2026, 11, 10), date(2026, 11, 1)) == 0
    assert add_business_days(date(2026, 11, 6), 1) == date(2026, 11, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25T19:03:07.123Z", datetime(2026, 11, 25, 19, 3, 7, 123000, tzinfo=UTC)),
        ("2000-08-20 09:12:28 -04:00", datetime(2000, 8, 20, 13, 12, 28, tzinfo=UTC)),
        ("2026-11-25 10:00", datetime(2026, 11, 25, 10, 0, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_stored_and_written_times_are_read_as_utc(
    text: str | None, expected: datetime | None
) -> None:
    assert parse_moment(text) == expected
