"""Replace… a number or address Regal holds, and what the send says about it.

Regal cannot delete a phone or an e-mail from a profile, so retyping one it holds would
only add a second point. Replace… adds the new point (primary where the old one was) and
retires the old one (unsubscribed on every channel, ``RETIRED_SOURCE``), in one undo
step. The evidence of the send names the replacement; the retired points are recorded
so Contacts can show them as retired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

from PySide6.QtWidgets import QWidget

from regal_desktop.domain.consent import format_point
from regal_desktop.services.retire import RETIRED_SOURCE
from regal_desktop.store.requests import ChangeNote
from regal_desktop.ui.editor.baseline import CHANNELS, known_points, point_key
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.rows_editor import RowsEditor
from regal_desktop.ui.shell.dialogs import Dialogs

PointTable = Literal["phones", "emails"]


class Replacements:
    """The points replaced in the contact being edited: (table, old key) -> the new one."""

    def __init__(self, document: ContactDocument) -> None:
        self._document = document
        self._new: dict[tuple[str, str], str] = {}

    def clear(self) -> None:
        """Another contact was loaded."""
        self._new.clear()

    def _retired(self) -> list[tuple[PointTable, str, str | None]]:
        """(table, key, the point that replaced it) of every retired row."""
        found: list[tuple[PointTable, str, str | None]] = []
        tables: tuple[PointTable, ...] = ("phones", "emails")
        for table in tables:
            for row in self._document.rows(table):
                if getattr(row, "retired", False):
                    key = point_key(row.number if table == "phones" else row.address, table)
                    found.append((table, key, self._new.get((table, key))))
        return found

    def notes(
        self, notes: Mapping[tuple[str, str], ChangeNote]
    ) -> dict[tuple[str, str], ChangeNote]:
        """``notes`` with a reason (and method "agent") on every channel of each retired
        point, where the consent panel gave none."""
        merged = dict(notes)
        for table, key, new in self._retired():
            reason = f"Retired: replaced by {format_point(new)}" if new else "Retired"
            for channel in CHANNELS[table]:
                note = merged.get((key, channel.value), ChangeNote())
                merged[(key, channel.value)] = replace(
                    note, reason=note.reason or reason, method=note.method or "agent"
                )
        return merged

    def retired_points(self) -> dict[str, str]:
        """The retired points by directory key (``phone:+1…``, ``email:…``), with why."""
        return {
            f"{'phone' if table == 'phones' else 'email'}:{key}": (
                f"Replaced by {format_point(new)}" if new else "Replaced"
            )
            for table, key, new in self._retired()
        }

    def ask(
        self, parent: QWidget, dialogs: Dialogs, rows: RowsEditor, row: int, region: str
    ) -> tuple[str, int | None]:
        """Replace… row ``row`` of ``rows`` (phones or e-mails): ask the new point, check
        it, replace. Returns what to tell the user ("" when the user cancelled or was
        told in a dialog) and the new point's row (None when nothing was replaced)."""
        table: PointTable = "phones" if rows.model.table == "phones" else "emails"
        model: Any = rows.model
        held = model.held(row) if 0 <= row < model.rowCount() else None
        if held is None:
            return "Only a number or address Regal holds needs Replace…", None
        what = "number" if table == "phones" else "address"
        typed = dialogs.ask_replacement(parent, what, format_point(held))
        if typed is None:
            return "", None
        key = point_key(typed, table, region)
        normalised, problem = model.point_check(typed.strip())[:2]
        if problem is None and key == held:
            problem = f"{format_point(key)} is the {what} being replaced"
        elif problem is None and model.row_for_key(key) is not None:
            problem = f"{format_point(key)} is already listed"
        if problem is not None:
            dialogs.show_error(parent, f"Cannot replace {format_point(held)}", problem)
            return "", None
        document = self._document
        old = model.row_value(row)
        marked = any(r.primary for r in document.rows(table))
        known = known_points(document.baseline, table).get(held) or {}
        primary = old.primary or (
            not marked and (model.implied_primary() == row or known.get("isPrimary") is True)
        )
        self._new[(table, held)] = normalised or key
        new_row = document.replace_point(table, row, typed.strip(), primary, RETIRED_SOURCE)
        said = (
            f"{format_point(key)} replaces {format_point(held)}, which is retired: "
            "unsubscribed on every channel when sent (Undo puts it back)"
        )
        return said, new_row
