"""The editor's file actions: new, open (and open recent), save, save as, the autosaved
copy, and the name the window's title shows.

``FileActions`` is a mixin of ``editor.Editor``: it reads the editor's document, context,
file path, autosave and recent files, and says what happened through the editor's
``message`` and ``title_changed`` signals.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QMenu, QWidget

from regal_desktop.domain.check import check
from regal_desktop.domain.consent import format_point
from regal_desktop.domain.model import body_text
from regal_desktop.services.payload_files import PayloadFileError, iter_payloads
from regal_desktop.store.settings import DEFAULT_EVENT_SOURCE
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.draft import Draft, left_out
from regal_desktop.ui.editor.draft_files import (
    Autosave,
    DraftFileError,
    RecentFiles,
    write_atomically,
)
from regal_desktop.ui.editor.evidence import draft_evidence
from regal_desktop.ui.shell.context import WindowContext
from regal_desktop.ui.shell.dialogs import SaveChoice


def contact_name(draft: Draft) -> str:
    """How the title names a contact without a file: its name, else its primary (else
    first) phone, e-mail or userId as people read it; "" for a blank one. Read from the
    draft, not its body: the title follows every keystroke."""
    name = " ".join(part for part in (draft.first_name.strip(), draft.last_name.strip()) if part)
    if name:
        return name
    for rows in (draft.phones, draft.emails):
        keys = [(row.primary, _typed_key(row)) for row in rows if _typed_key(row)]
        if keys:
            primary = next((key for is_primary, key in keys if is_primary), keys[0][1])
            return format_point(primary)
    return format_point(draft.user_id.strip()) if draft.user_id.strip() else ""


def _typed_key(row: Any) -> str:
    """A phone's number or an e-mail's address as typed, without spaces around it."""
    return str(getattr(row, "number", None) or getattr(row, "address", "")).strip()


class FileActions:
    """New, Open…, Open recent, Save, Save as…, the autosave and the title's name."""

    context: WindowContext
    document: ContactDocument
    #: The file the contact was opened from or saved to (None: not saved yet).
    path: Path | None
    autosave: Autosave
    recent: RecentFiles
    recent_menu: QMenu
    message: SignalInstance
    title_changed: SignalInstance

    if TYPE_CHECKING:

        def show_payload(
            self, raw: dict[str, Any], path: Path | None, modified: bool = False
        ) -> bool: ...

        def focus_first_field(self) -> None: ...

    def _parent(self) -> QWidget:
        """The widget dialogs open over (the editor)."""
        assert isinstance(self, QWidget)
        return self

    # -- the title ---------------------------------------------------------------------

    @property
    def document_name(self) -> str:
        """The file name; without a file, the contact's name, else its primary phone,
        e-mail or userId; "Untitled contact" for a blank one."""
        if self.path:
            return self.path.name
        return contact_name(self.document.draft) or "Untitled contact"

    def _emit_title(self) -> None:
        self.title_changed.emit(self.document_name, self.document.is_modified)

    @property
    def origin(self) -> str:
        """Where the contact came from, for the outbox: its file, or "editor"."""
        return str(self.path) if self.path else "editor"

    # -- new, open -----------------------------------------------------------------------

    def maybe_save(self) -> bool:
        """Ask to save a modified contact; False when the user cancels."""
        if not self.document.is_modified:
            return True
        choice = self.context.dialogs.ask_save_changes(self._parent(), self.document_name)
        if choice is SaveChoice.SAVE:
            return self.save()
        return choice is SaveChoice.DISCARD

    def blank_payload(self) -> dict[str, Any]:
        """A new contact: empty but for the default event source from the settings."""
        source = self.context.app.store.settings.read(DEFAULT_EVENT_SOURCE)
        return {"eventSource": source} if source else {}

    def new_contact(self) -> None:
        """Start a blank contact (asking to save the current one first)."""
        if self.maybe_save():
            self.show_payload(self.blank_payload(), None)
            self.focus_first_field()
            self.message.emit("New contact", 3000)

    def open_dialog(self) -> None:
        """Ask for a payload file and open it."""
        if not self.maybe_save():
            return
        folder = self.path.parent if self.path else Path.home()
        path = self.context.dialogs.ask_open_path(self._parent(), folder)
        if path is not None:
            self.open_path(path)

    def open_path_asking(self, path: Path) -> None:
        """Open ``path`` after asking to save the current contact."""
        if self.maybe_save():
            self.open_path(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        for path in paths:
            action = self.recent_menu.addAction(path.name)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, path=path: self.open_path_asking(path))
        if not paths:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    def open_path(self, path: Path) -> bool:
        """Load a payload file into the form; errors are shown, never raised."""
        dialogs, parent = self.context.dialogs, self._parent()
        try:
            # The first payload, read alone: a big JSON-lines file is not read through.
            first = next(iter_payloads(path), None)
        except PayloadFileError as exc:
            dialogs.show_error(parent, "Cannot open file", str(exc))
            return False
        if first is None:
            dialogs.show_error(parent, "Cannot open file", f"{path}: has no payload.")
            return False
        raw = first.raw
        if not isinstance(raw, dict):
            message = f"{path}: a payload must be a JSON object {{...}}."
            dialogs.show_error(parent, "Cannot open file", message)
            return False
        if not self.show_payload(raw, path):
            return False
        original = check(raw, region=self.context.region)
        self.recent.add(path)
        kept = check(self.document.to_raw(), region=self.context.region)
        if kept.text != original.text:
            parts = left_out(original.body, kept.body)
            listed = "\n".join(f"• {part}" for part in parts[:8])
            more = f"\n… and {len(parts) - 8} more" if len(parts) > 8 else ""
            dialogs.show_warning(
                parent,
                "Some parts were left out",
                f"{path.name} has parts the form cannot hold; they were left out. Compare "
                f"the preview with the file before saving.\n\n{listed}{more}".rstrip(),
            )
        self.message.emit(f"Opened {path}", 5000)
        return True

    # -- save ----------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the draft to its file (asking where if it has none); True when saved."""
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        """Ask where to save the draft and save it there."""
        suggested = self.path or Path.home() / "contact.json"
        path = self.context.dialogs.ask_save_path(self._parent(), suggested)
        return path is not None and self._write(path)

    def _write(self, path: Path) -> bool:
        try:
            write_atomically(path, body_text(self.document.to_raw()) + "\n")
        except DraftFileError as exc:
            self.context.dialogs.show_error(self._parent(), "Cannot save draft", str(exc))
            return False
        self.path = path
        self.document.mark_saved()
        self.autosave.clear()
        self.recent.add(path)
        self._emit_title()
        self.message.emit(f"Saved {path}", 5000)
        return True

    # -- autosave ------------------------------------------------------------------------

    def autosave_now(self) -> None:
        """Keep a copy of a modified contact so a crash loses at most a few seconds."""
        if not self.document.is_modified:
            return
        try:
            evidence = draft_evidence(self.document.draft)
            self.autosave.save(self.document.to_raw(), self.path, self.context.clock(), evidence)
        except DraftFileError as exc:
            self.message.emit(f"Autosave failed: {exc}", 10000)

    def offer_autosave(self) -> None:
        """If a contact was left unsaved last time, offer to restore it."""
        saved = self.autosave.load()
        if saved is None:
            return
        raw, source, when = saved
        if self.context.dialogs.ask_restore_autosave(self._parent(), when):
            self.show_payload(raw, source, modified=True)
            self.document.restore_evidence(self.autosave.evidence())
            self.message.emit("Restored the autosaved contact", 5000)
        else:
            self.autosave.clear()


__all__ = ["FileActions", "contact_name"]
