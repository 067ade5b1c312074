"""Regal's own consent events as rows of the consent timeline, marked "Regal".

The timeline (``ui/contacts/timeline.py``) lists what this desk sent; these rows put
what Regal reported (a STOP reply, an agent's change, Regal echoing a change) on the same
line of time, so "did the opt-in take, and did the person opt out since?" reads in one
table. A row's time is the event's consent time (or when this desk stored it).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt

from regal_desktop.domain.consent import change_word
from regal_desktop.domain.model import Channel
from regal_desktop.domain.reconcile import consent_moment
from regal_desktop.domain.visible import visible
from regal_desktop.services.clock import local_time
from regal_desktop.store import Store
from regal_desktop.store.history import TimelineEntry
from regal_desktop.ui.shell.style import error_color, good_color

#: What marks a row as Regal's, in the Operator column and the detail pane.
REGAL = "Regal"


@dataclass(frozen=True)
class RegalEntry:
    """One consent event Regal reported about a point."""

    at: str  # consent time, else when this desk stored it (stored UTC)
    channel: Channel
    subscribed: bool
    event: str
    text: str | None
    ip: str | None
    timestamp: str | None
    source: str | None
    origin: str  # 'FILE:LINE' or 'listen'
    stored_at: str


def regal_entries(store: Store, point: str, channel: str | None = None) -> list[RegalEntry]:
    """The consent events Regal reported about ``point`` (on ``channel``, or all)."""
    found = []
    for row in store.events.for_point(point):
        if row.subscribed is None or row.channel is None:
            continue
        if channel is not None and row.channel != channel:
            continue
        found.append(
            RegalEntry(
                at=row.timestamp or row.stored_at,
                channel=Channel(row.channel),
                subscribed=row.subscribed,
                event=row.event,
                text=row.text,
                ip=row.ip,
                timestamp=row.timestamp,
                source=row.source,
                origin=row.origin,
                stored_at=row.stored_at,
            )
        )
    return found


def timeline_rows(
    store: Store, point: str, channel: str | None = None
) -> list[TimelineEntry | RegalEntry]:
    """What this desk sent about ``point`` (in the history's order) and what Regal
    reported, merged by consent time (a change sent without one, by when it was queued)."""
    ours = store.history.consent_timeline(point, channel)
    regal = regal_entries(store, point, channel)
    if not regal:
        return [*ours]

    def when(row: object) -> str:
        if isinstance(row, RegalEntry):
            return row.at
        assert isinstance(row, TimelineEntry)
        return consent_moment(row.timestamp) or row.queued_at

    merged: list[TimelineEntry | RegalEntry] = list(
        heapq.merge(ours, sorted(regal, key=when), key=when)
    )
    return merged


def regal_text(entry: RegalEntry, column: int) -> str:
    """The timeline's cells for a Regal row: Recorded (when this desk stored it), Channel,
    Change, Consent text, IP, Consent time, Source, Operator ("Regal"), Status."""
    values = (
        local_time(entry.stored_at),  # recorded here: when this desk stored it
        entry.channel.label,
        f"{change_word(entry.subscribed).capitalize()} (Regal)",
        visible(entry.text or ""),
        visible(entry.ip or ""),
        local_time(entry.timestamp) if entry.timestamp else "",
        visible(entry.source or ""),
        REGAL,
        f"Reported by Regal ({visible(entry.event)})",
    )
    return values[column] if 0 <= column < len(values) else ""


def regal_cell(entry: RegalEntry, column: int, role: int) -> Any:
    """What a Regal row shows for ``role`` (the timeline's own rows decide theirs)."""
    if role == Qt.ItemDataRole.DisplayRole:
        return regal_text(entry, column)
    if role == Qt.ItemDataRole.ToolTipRole:
        return f"Reported by Regal, stored from {visible(entry.origin)}"
    if role == Qt.ItemDataRole.ForegroundRole and column == 2:
        return good_color() if entry.subscribed else error_color()
    return None


def regal_details(entry: RegalEntry) -> str:
    """The whole of one Regal event, a line per field, for the detail pane."""
    lines = (
        ("Change", f"{change_word(entry.subscribed).capitalize()}, reported by Regal"),
        ("Event", visible(entry.event)),
        ("Consent text", visible(entry.text or "—")),
        ("IP", visible(entry.ip or "—")),
        ("Consent time", local_time(entry.timestamp) if entry.timestamp else "—"),
        ("Source", visible(entry.source or "—")),
        ("Stored", f"{local_time(entry.stored_at)} from {visible(entry.origin)}"),
    )
    return "\n".join(f"{label}: {value}" for label, value in lines)


def regal_count(rows: list[Any]) -> str:
    """``, and 2 events reported by Regal`` for the summary (empty without any)."""
    count = sum(isinstance(row, RegalEntry) for row in rows)
    if not count:
        return ""
    return f", and {count} event{'' if count == 1 else 's'} reported by Regal"


__all__ = [
    "REGAL",
    "RegalEntry",
    "regal_cell",
    "regal_count",
    "regal_details",
    "regal_entries",
    "regal_text",
    "timeline_rows",
]
