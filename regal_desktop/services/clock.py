"""The computer's local time: "now" with its offset, and stored times as people read them.

The store keeps UTC (``store.db.utc_now``); everything shown to a person, and every
"Now" filled into a consent, is in the computer's local time zone. The window and the
command line both use these, so a time reads the same in both.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


def local_now() -> datetime:
    """The local time with its offset (what "Now" fills in)."""
    return datetime.now().astimezone()


def local_time(stored: str | None) -> str:
    """``2026-11-25T19:03:07.123Z`` as ``2026-11-25 14:03:07`` in local time ("" for None)."""
    if not stored:
        return ""
    try:
        moment = datetime.fromisoformat(stored)
    except ValueError:
        return stored  # shown as stored rather than hidden
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def clock_time(moment: datetime | None = None) -> str:
    """The local time of day, ``14:03:07`` (now when ``moment`` is None)."""
    return (moment or local_now()).astimezone().strftime("%H:%M:%S")


def start_of_day(day: date) -> str:
    """The first instant of ``day`` in local time, as ISO 8601 with its offset."""
    return datetime.combine(day, time.min).astimezone().isoformat()


def end_of_day(day: date) -> str:
    """The last instant of ``day`` in local time, as ISO 8601 with its offset."""
    following = datetime.combine(day + timedelta(days=1), time.min).astimezone()
    return (following - timedelta(microseconds=1)).isoformat()


__all__ = ["clock_time", "end_of_day", "local_now", "local_time", "start_of_day"]
