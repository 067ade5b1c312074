"""Importing files of Regal's events: the one loop ``regal-desktop events import`` and the
window's File → Import Regal events… both run.

A file is read with ``services.regal_events.read_events`` (JSON, JSON lines, a CSV
warehouse export); good events are stored with ``Store.events`` (once each) a chunk per
transaction, bad ones come back as ``FILE:LINE: reason``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from regal_desktop.domain.regal_events import EventError, RegalEvent
from regal_desktop.domain.visible import visible
from regal_desktop.services.regal_events import EventFileError, read_events
from regal_desktop.store import Location, Store, open_store

#: Events written per transaction (a running ``listen`` keeps answering between them).
CHUNK = 5000

__all__ = ["CHUNK", "EventFileError", "EventsImported", "import_event_file", "import_events"]


@dataclass
class EventsImported:
    """What one import did."""

    file: Path
    read: int = 0  # good events read
    stored: int = 0  # new ones stored (the others were already known)
    rejected: list[str] = field(default_factory=list)  # ``FILE:LINE: reason``
    unreadable: str | None = None  # why the file (or its rest) could not be read

    @property
    def summary(self) -> str:
        """One sentence: ``events.jsonl: 12 events stored, 3 already known, 1 rejected``."""
        known = self.read - self.stored
        return (
            f"{self.file.name}: {self.stored:,} event{'' if self.stored == 1 else 's'} stored, "
            f"{known:,} already known, {len(self.rejected):,} rejected"
        )


def import_events(
    store: Store,
    path: Path,
    region: str = "US",
    on_rejected: Callable[[str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> EventsImported:
    """Store the good events of ``path`` in ``store``, a chunk per transaction (the write
    lock is held for milliseconds, so a running ``listen`` keeps answering); each
    rejection (``FILE:LINE: reason``) goes to ``on_rejected`` as it is met and into the
    result. A file that breaks part way keeps the events read before the break and says
    why in ``unreadable`` (importing it again stores only what is missing)."""
    result = EventsImported(path)

    def good() -> Iterator[tuple[RegalEvent, str]]:
        try:
            for line, read in read_events(path, region):
                if isinstance(read, EventError):
                    rejection = visible(f"{path}:{line}: {read.reason}")
                    result.rejected.append(rejection)
                    if on_rejected is not None:
                        on_rejected(rejection)
                    continue
                result.read += 1
                yield read, f"{path}:{line}"
        except EventFileError as exc:
            result.unreadable = visible(str(exc))

    events = good()
    while chunk := list(islice(events, CHUNK)):
        result.stored += store.events.add_from(chunk)
        if on_progress is not None:
            on_progress(result.read)
    return result


def import_event_file(
    database: Location,
    path: Path,
    region: str = "US",
    on_progress: Callable[[int], None] | None = None,
) -> EventsImported:
    """``import_events`` on a connection of its own to ``database`` (for a worker
    thread). Raises EventFileError when the file cannot be read (the chunks read before
    the break stay stored), StoreError when the database cannot be used."""
    with open_store(database) as store:
        result = import_events(store, path, region, on_progress=on_progress)
    if result.unreadable is not None:
        raise EventFileError(result.unreadable)
    return result
