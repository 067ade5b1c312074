"""Local time: "now" with its offset, and stored UTC times as people read them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from regal_desktop.services.clock import (
    clock_time,
    end_of_day,
    local_now,
    local_time,
    start_of_day,
)


@pytest.fixture(autouse=True)
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run in a fixed zone with daylight saving, so offsets are known."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_now_is_aware_and_local() -> None:
    now = local_now()
    assert now.utcoffset() in (timedelta(hours=-5), timedelta(hours=-4))
    assert abs((datetime.now().astimezone() - now).total_seconds()) < 5


def test_a_stored_time_reads_in_local_time() -> None:
    assert local_time("2026-11-25T19:03:07.123Z") == "2026-11-25 14:03:07"
    assert local_time("2026-07-01T12:00:00.000Z") == "2026-07-01 08:00:00"  # summer time
    assert local_time(None) == ""
    assert local_time("not a time") == "not a time"  # shown as stored, not hidden


def test_clock_time_is_the_local_time_of_day() -> None:
    moment = datetime.fromisoformat("2026-11-25T19:03:07+00:00")
    assert clock_time(moment) == "14:03:07"


def test_a_day_covers_its_local_midnights() -> None:
    assert start_of_day(date(2026, 11, 25)) == "2026-11-25T00:00:00-05:00"
    assert end_of_day(date(2026, 11, 25)) == "2026-11-25T23:59:59.999999-05:00"
    # The day summer time ends has 25 hours: its end is in standard time.
    assert start_of_day(date(2026, 11, 1)) == "2026-11-01T00:00:00-04:00"
    assert end_of_day(date(2026, 11, 1)) == "2026-11-01T23:59:59.999999-05:00"
