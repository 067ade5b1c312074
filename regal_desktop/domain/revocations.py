"""Business days and the deadline for honouring an opt-out (a revocation of consent).

The FCC rule in force since April 2025 requires an opt-out to be honoured within 10
business days of the request. How this desk counts, so an auditor can redo it by hand:

- Every time is taken in **UTC** (a time without an offset is read as UTC). The desk's
  own time zone plays no part, so two desks in different zones count the same.
- A **business day** is a UTC calendar day from Monday to Friday. Public holidays are
  not left out: counting them as business days can only make the deadline earlier.
- The **day of receipt does not count**. The days used are the business days after the
  day of receipt up to and including the day of the end (Regal's acceptance, or now).
  Accepted on the day it was received: 0 days; received Friday, accepted Monday: 1 day.
- The **deadline** is the end of the 10th business day after the day of receipt. An
  opt-out received on a Friday (at any hour) is due by the end of Friday two weeks later;
  one received on a Saturday or Sunday by the end of Friday of the second week after.
- A revocation is **overdue** when Regal has not accepted it and its deadline has passed.
  On the weekend after the 10th business day the count still reads 10, and it is overdue.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from regal_desktop.domain.normalise import parse_timestamp

#: How many business days an opt-out may take to be honoured.
DEADLINE_BUSINESS_DAYS = 10


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_moment(text: str | None) -> datetime | None:
    """A stored or written time (ISO 8601, ``2000-08-20 09:12:28 -04:00``) in UTC, or None
    when there is none or it cannot be read."""
    if not text:
        return None
    parsed = parse_timestamp(text)
    return None if parsed is None else as_utc(parsed)


def _weekdays_before(day: date) -> int:
    """How many Mondays to Fridays come before ``day`` since 0001-01-01 (a Monday)."""
    weeks, rest = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(rest, 5)


def business_days_between(start: date, end: date) -> int:
    """The Mondays to Fridays after ``start`` up to and including ``end`` (0 when ``end``
    is not after ``start``)."""
    if end <= start:
        return 0
    return _weekdays_before(end + timedelta(days=1)) - _weekdays_before(start + timedelta(days=1))


def business_days_used(received: datetime, end: datetime) -> int:
    """Business days from the receipt of an opt-out to ``end`` (acceptance, or now)."""
    return business_days_between(as_utc(received).date(), as_utc(end).date())


def add_business_days(start: date, count: int) -> date:
    """The ``count``-th Monday-to-Friday after ``start`` (``start`` itself not counted)."""
    day = start
    left = count
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def deadline(received: datetime) -> datetime:
    """The moment an opt-out received at ``received`` becomes overdue: the start (UTC) of
    the day after the 10th business day following the day of receipt."""
    last = add_business_days(as_utc(received).date(), DEADLINE_BUSINESS_DAYS)
    return datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC)


def is_overdue(received: datetime, accepted: datetime | None, now: datetime) -> bool:
    """True when Regal has not accepted the opt-out and its deadline has passed by ``now``."""
    return accepted is None and as_utc(now) >= deadline(received)


def is_late(received: datetime, accepted: datetime | None) -> bool:
    """True when Regal accepted the opt-out, but only after its deadline."""
    return accepted is not None and as_utc(accepted) >= deadline(received)


__all__ = [
    "DEADLINE_BUSINESS_DAYS",
    "add_business_days",
    "as_utc",
    "business_days_between",
    "business_days_used",
    "deadline",
    "is_late",
    "is_overdue",
    "parse_moment",
]
