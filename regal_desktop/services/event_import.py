"""Importing a file of Regal's events from the window, on a connection of its own.

The file is read with ``services.regal_events.read_events`` (JSON, JSON lines, a CSV
warehouse export); good events are stored with ``Store.events`` (once each), bad ones
come back as ``FILE:LINE: reason``, the words ``regal-desktop events import`` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from regal_desktop.domain.regal_events import EventError, RegalEvent
from regal_desktop.domain.visible import visible
from regal_desktop.services.regal_events import EventFileError, read_events
from regal_desktop.store import Location, open_store

#: Events written per transaction (a running ``listen`` keeps answering between them).
CHUNK = 5000

__all__ = ["CHUNK", "EventFileError", "EventsImported", "import_event_file"]


@dataclass
class EventsImported:
    """What one import did."""

    file: Path
    read: int = 0  # good events read
    stored: int = 0  # new ones stored (the others were already known)
    rejected: list[str] = field(default_factory=list)  # ``FILE:LINE: reason``

    @property
    def summary(self) -> str:
        """One sentence: ``events.jsonl: 12 events stored, 3 already known, 1 rejected``."""
        known = self.read - self.stored
        return (
            f"{self.file.name}: {self.stored:,} event{'' if self.stored == 1 else 's'} stored, "
            f"{known:,} already known, {len(self.rejected):,} rejected"
        )


def import_event_file(
    database: Location,
    path: Path,
    region: str = "US",
    on_progress: Callable[[int], None] | None = None,
) -> EventsImported:
    """Store the good events of ``path``; collect the rejections. Opens its own connection
    to ``database``. Raises EventFileError when the file cannot be read (the chunks stored
    before the break stay; importing again stores only what is missing), StoreError when
    the database cannot be used."""
    result = EventsImported(path)

    def good() -> Iterator[tuple[RegalEvent, str]]:
        for line, read in read_events(path, region):
            if isinstance(read, EventError):
                result.rejected.append(visible(f"{path}:{line}: {read.reason}"))
                continue
            result.read += 1
            yield read, f"{path}:{line}"

    events = good()
    with open_store(database) as store:
        while chunk := list(islice(events, CHUNK)):
            result.stored += store.events.add_from(chunk)
            if on_progress is not None:
                on_progress(result.read)
    return result
