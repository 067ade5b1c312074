"""The document the editor window edits: a Draft behind a QUndoStack.

Every change goes through :class:`DraftEdit`, an undoable command holding the draft before
and after. Keystrokes in the same field merge into one step until the user leaves it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from regal_desktop.domain.check import check
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel
from regal_desktop.domain.normalise import now_timestamp
from regal_desktop.services.clock import local_now
from regal_desktop.services.consent_texts import ConsentTemplate
from regal_desktop.store.requests import ChangeNote
from regal_desktop.ui.editor.draft import (
    Consent,
    Draft,
    EmailRow,
    PhoneRow,
    TypedRow,
    from_body,
    to_raw,
)
from regal_desktop.ui.editor.evidence import change_notes, with_evidence
from regal_desktop.ui.editor.known import (
    KNOWN_SOURCE,
    known_consent,
    known_point,
    point_key,
    same_consent,
)

#: The row tables of a draft.
Table = Literal["phones", "emails", "traits", "properties"]

_NEW_ROW: dict[str, Callable[[], Any]] = {
    "phones": PhoneRow,
    "emails": EmailRow,
    "traits": TypedRow,
    "properties": TypedRow,
}

_WHAT = {"phones": "phone", "emails": "e-mail", "traits": "custom trait", "properties": "property"}


def _replaced(draft: Draft, name: str, value: Any) -> Draft:
    """The draft with one attribute, chosen at run time, replaced."""
    changes: dict[str, Any] = {name: value}
    return dataclasses.replace(draft, **changes)


class DraftEdit(QUndoCommand):
    """One undoable change of the draft: the draft before and after it."""

    _MERGE_ID = 1

    def __init__(
        self,
        document: ContactDocument,
        text: str,
        before: Draft,
        after: Draft,
        merge_key: str | None,
    ) -> None:
        super().__init__(text)
        self._document = document
        self.before = before
        self.after = after
        self.merge_key = merge_key

    def id(self) -> int:
        return self._MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, DraftEdit) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        # Typing a character and deleting it again leaves nothing to undo.
        self.setObsolete(self.after == self.before)
        return True

    def redo(self) -> None:
        self._document._show(self.after)

    def undo(self) -> None:
        self._document._show(self.before)


class ContactDocument(QObject):
    """The contact being edited, its undo history, and whether it differs from the file.

    Views read :attr:`draft` and call the editing methods; they never change a draft
    themselves. ``changed`` fires after every edit, undo and load.
    """

    changed = Signal()
    modifiedChanged = Signal(bool)
    #: The known state the draft is edited against changed (another contact, a delivery).
    baselineChanged = Signal()

    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], datetime] = local_now
    ) -> None:
        super().__init__(parent)
        self._draft = Draft()
        self._clock = clock
        # Bumped when the user leaves a field, so typing there again is a new undo step.
        self._typing_generation = 0
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._baseline: dict[str, Any] | None = None
        self._sources: dict[tuple[str, str], str] = {}
        #: Where numbers without a country code are, as the last load was told.
        self.region = "US"

    @property
    def baseline(self) -> dict[str, Any] | None:
        """The profile Regal holds as far as this desk knows (payload-shaped, explicit
        ``isPrimary``; None for a contact nobody knows): what edits are marked against."""
        return self._baseline

    def set_baseline(
        self,
        known: dict[str, Any] | None,
        sources: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        """Edit against ``known`` from now on; ``sources`` names where a consent is known
        from, keyed ``(point, channel)``, where it is not this desk ("Regal (...)").
        ``baselineChanged`` fires when either differs."""
        sources = dict(sources or {})
        if known != self._baseline or sources != self._sources:
            self._baseline, self._sources = known, sources
            self.baselineChanged.emit()

    def known_source(self, table: Literal["phones", "emails"], row: int, channel: Channel) -> str:
        """Where the known consent of one channel of a row's point comes from."""
        key = point_key(self.rows(table)[row], self.region)
        return self._sources.get((key or "", channel.value), KNOWN_SOURCE)

    @property
    def draft(self) -> Draft:
        """The draft as it is now."""
        return self._draft

    @property
    def is_modified(self) -> bool:
        """True when there are edits since the last load or save."""
        return not self.undo_stack.isClean()

    def to_raw(self) -> dict[str, Any]:
        """The raw payload for the current draft (before the domain checks it)."""
        return to_raw(self._draft)

    def load(self, draft: Draft, modified: bool = False) -> None:
        """Show a new draft (opened, restored or blank), forgetting the undo history.

        ``modified`` marks a restored draft as unsaved, so closing still asks.
        """
        self.undo_stack.clear()
        self._show(draft)
        self.undo_stack.setClean()
        if modified:
            self.undo_stack.resetClean()

    def from_raw(self, raw: dict[str, Any], region: str = "US", modified: bool = False) -> None:
        """Load a payload as parsed from a file: checked first, so the legacy shape
        (``traits.phone``/``email``/``optIn``) arrives as phones and e-mails."""
        self.region = region
        self.load(from_body(check(raw, region=region).body), modified=modified)

    def mark_saved(self) -> None:
        """Remember that the draft as it is now has been saved."""
        self.undo_stack.setClean()

    def end_typing(self) -> None:
        """The user left a field: the next keystroke starts a new undo step."""
        self._typing_generation += 1

    # -- single fields ---------------------------------------------------------------

    def set_field(self, name: str, value: str) -> None:
        """Set one single-line field (``user_id``, ``city``, ``event_name``...)."""
        if getattr(self._draft, name) == value:
            return
        label = name.replace("_", " ")
        self._edit(f"Edit {label}", _replaced(self._draft, name, value), merge=name)

    # -- rows --------------------------------------------------------------------------

    def rows(self, table: Table) -> tuple[Any, ...]:
        """The rows of one table."""
        rows: tuple[Any, ...] = getattr(self._draft, table)
        return rows

    def update_row(self, table: Table, row: int, **changes: Any) -> None:
        """Change fields of one row (``number``, ``label``, ``name``, ``value``...)."""
        old = self.rows(table)[row]
        new = dataclasses.replace(old, **changes)
        if new == old:
            return
        field_names = "/".join(sorted(changes))
        self._set_rows(
            table,
            self._with(table, row, new),
            f"Edit {_WHAT[table]} {field_names}",
            merge=f"{table}:{row}:{field_names}",
        )

    def add_row(self, table: Table, row_value: Any = None) -> int:
        """Append a row (blank unless given) and return its index."""
        rows = (*self.rows(table), row_value if row_value is not None else _NEW_ROW[table]())
        self._set_rows(table, rows, f"Add {_WHAT[table]}")
        return len(rows) - 1

    def remove_rows(self, table: Table, indexes: list[int]) -> None:
        """Remove rows by index (in any order)."""
        drop = set(indexes)
        if not drop:
            return
        rows = tuple(r for i, r in enumerate(self.rows(table)) if i not in drop)
        what = _WHAT[table] if len(drop) == 1 else f"{len(drop)} {_WHAT[table]} rows"
        self._set_rows(table, rows, f"Remove {what}")

    def move_row(self, table: Table, row: int, delta: int) -> int:
        """Move a row up (-1) or down (+1); return where it is now."""
        rows = list(self.rows(table))
        target = row + delta
        if not 0 <= target < len(rows) or row == target:
            return row
        rows[row], rows[target] = rows[target], rows[row]
        self._set_rows(table, tuple(rows), f"Move {_WHAT[table]}")
        return target

    def set_primary(self, table: Literal["phones", "emails"], row: int, primary: bool) -> None:
        """Make one phone or e-mail the primary (clearing the others), or unmark it."""
        rows = self.rows(table)
        wanted = [i == row and primary for i in range(len(rows))]
        new = tuple(
            r if r.primary == want else dataclasses.replace(r, primary=want)
            for r, want in zip(rows, wanted, strict=True)
        )
        if new != rows:
            verb = "Make" if primary else "Unmark"
            self._set_rows(table, new, f"{verb} primary {_WHAT[table]}")

    # -- consent -------------------------------------------------------------------------

    def consent(self, table: Literal["phones", "emails"], row: int, channel: Channel) -> Consent:
        """One channel's consent of one phone or e-mail row."""
        consent: Consent = getattr(self.rows(table)[row], channel.value)
        return consent

    def set_consent(
        self, table: Literal["phones", "emails"], row: int, channel: Channel, **changes: Any
    ) -> None:
        """Change a consent's state, audit or evidence fields.

        Choosing a state never fills the time: consent given earlier must not be recorded
        as given now, and a missing time is a finding. "Now" fills it, visibly.
        """
        old = self.consent(table, row, channel)
        new = dataclasses.replace(old, **changes)
        if new == old:
            return
        point = dataclasses.replace(self.rows(table)[row], **{channel.value: new})
        field_names = "/".join(sorted(changes))
        self._set_rows(
            table,
            self._with(table, row, point),
            f"Edit {channel.label} consent {field_names}",
            merge=None if "state" in changes else f"{table}:{row}:{channel}:{field_names}",
        )

    def fill_timestamp_now(
        self, table: Literal["phones", "emails"], row: int, channel: Channel
    ) -> None:
        """Set a consent's timestamp to the local time with its offset."""
        self.end_typing()
        self.set_consent(table, row, channel, timestamp=now_timestamp(self._clock()))
        self.end_typing()

    def fill_received_now(
        self, table: Literal["phones", "emails"], row: int, channel: Channel
    ) -> None:
        """Set when an opt-out was received to the local time with its offset."""
        self.end_typing()
        self.set_consent(table, row, channel, received_at=now_timestamp(self._clock()))
        self.end_typing()

    def known_consents(
        self, table: Literal["phones", "emails"], row: int
    ) -> dict[Channel, Consent] | None:
        """The baseline's consent of each channel of one row's point (No status for a
        channel it does not hold); None when the baseline does not know the point."""
        point = self.rows(table)[row]
        if known_point(self._baseline, point, self.region) is None:
            return None
        channels = PHONE_CHANNELS if table == "phones" else EMAIL_CHANNELS
        return {
            channel: known_consent(self._baseline, point, channel, self.region) or Consent()
            for channel in channels
        }

    def differs_from_known(self, table: Literal["phones", "emails"], row: int) -> bool:
        """Whether any channel of the row sends something other than what is known (False
        when nothing is known of the point)."""
        known = self.known_consents(table, row)
        return known is not None and any(
            not same_consent(self.consent(table, row, channel), consent)
            for channel, consent in known.items()
        )

    def revert_to_known(self, table: Literal["phones", "emails"], row: int) -> None:
        """Put every channel of the row back to the known consent, as one undo step
        (nothing happens when nothing is known of the point or nothing differs)."""
        known = self.known_consents(table, row)
        if known is None or not self.differs_from_known(table, row):
            return
        point = dataclasses.replace(
            self.rows(table)[row], **{channel.value: c for channel, c in known.items()}
        )
        self.end_typing()
        self._set_rows(table, self._with(table, row, point), f"Revert {_WHAT[table]} to known")

    def change_notes(
        self, templates: Iterable[ConsentTemplate] = ()
    ) -> dict[tuple[str, str], ChangeNote]:
        """Evidence per consent for the history (opt-out method and time, wording and
        version: one of ``templates`` when the words are its words and none was chosen),
        keyed ``(E.164 or lower-cased e-mail, channel)``; never sent."""
        return change_notes(self._draft, self.region, templates)

    def restore_evidence(self, saved: Any) -> None:
        """Put back the evidence of an autosaved draft just loaded (no undo step: it is
        part of the load)."""
        restored = with_evidence(self._draft, saved)
        if restored != self._draft:
            self._show(restored)

    def replace_point(
        self, table: Literal["phones", "emails"], row: int, new: str, primary: bool, source: str
    ) -> int:
        """Put the number or address ``new`` in place of row ``row``, as one undo step:
        the new point comes right after it with its label (primary when ``primary``), and
        the old one is retired: unsubscribed on every channel at now, from ``source``
        (Regal cannot delete a point). Returns the new point's row."""
        from regal_desktop.domain.model import ConsentState

        old = self.rows(table)[row]
        stamp = now_timestamp(self._clock())
        channels = PHONE_CHANNELS if table == "phones" else EMAIL_CHANNELS
        off = Consent(state=ConsentState.UNSUBSCRIBED, timestamp=stamp, source=source)
        retired = dataclasses.replace(
            old, primary=False, retired=True, **{channel.value: off for channel in channels}
        )
        field_name = "number" if table == "phones" else "address"
        added = dataclasses.replace(
            _NEW_ROW[table](), **{field_name: new, "label": old.label, "primary": primary}
        )
        rows = self.rows(table)
        self.end_typing()
        self._set_rows(
            table, (*rows[:row], retired, added, *rows[row + 1 :]), f"Replace {_WHAT[table]}"
        )
        return row + 1

    # -- internals -------------------------------------------------------------------------

    def _with(self, table: Table, row: int, value: Any) -> tuple[Any, ...]:
        rows = self.rows(table)
        return (*rows[:row], value, *rows[row + 1 :])

    def _set_rows(
        self, table: Table, rows: tuple[Any, ...], text: str, merge: str | None = None
    ) -> None:
        self._edit(text, _replaced(self._draft, table, rows), merge)

    def _edit(self, text: str, after: Draft, merge: str | None) -> None:
        key = f"{self._typing_generation}:{merge}" if merge else None
        self.undo_stack.push(DraftEdit(self, text, self._draft, after, key))

    def _clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(not clean)

    def _show(self, draft: Draft) -> None:
        self._draft = draft
        self.changed.emit()
