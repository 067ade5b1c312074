"""Planning an import away from the window's thread, with a store connection of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from regal_desktop.domain.import_rows import ColumnMapping
from regal_desktop.services.bulk_import import ImportPlan, plan_file
from regal_desktop.services.known import known_lookup
from regal_desktop.store import Location, open_store


def plan_with_directory(
    database: Location,
    region: str,
    path: Path,
    mapping: ColumnMapping,
    on_progress: Callable[[int, int], None] | None = None,
    route: str = "regal",
) -> ImportPlan:
    """``plan_file`` with the directory's profiles, so the warnings match a single send's,
    and the checks of the ``route`` the rows go by (``services.routes.route_of`` of the
    chosen account), so a row a Segment account cannot carry is rejected with why.

    Opens its own connection to ``database`` (SQLite connections belong to one thread).
    Raises ImportFileError or StoreError as ``plan_file`` and ``open_store`` do.
    """
    with open_store(database) as store:
        return plan_file(
            path,
            mapping,
            region=region,
            lookup=known_lookup(store),
            on_progress=on_progress,
            route=route,
        )
