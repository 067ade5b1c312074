"""Times as people read them: the store's UTC strings in the computer's local time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


def local_time(stored: str | None) -> str:
    """``2026-11-25T19:03:07.123Z`` as ``2026-11-25 14:03:07`` in local time ("" for None)."""
    if not stored:
        return ""
    try:
        moment = datetime.fromisoformat(stored)
    except ValueError:
        return stored  # shown as stored rather than hidden
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def start_of_day(day: date) -> str:
    """The first instant of ``day`` in local time, as ISO 8601 with its offset."""
    return datetime.combine(day, time.min).astimezone().isoformat()


def end_of_day(day: date) -> str:
    """The last instant of ``day`` in local time, as ISO 8601 with its offset."""
    following = datetime.combine(day + timedelta(days=1), time.min).astimezone()
    return (following - timedelta(microseconds=1)).isoformat()
