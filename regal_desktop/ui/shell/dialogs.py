"""Every question the application asks the user, behind one facade tests replace.

No view calls QMessageBox, QFileDialog or QInputDialog itself: it asks the window's
:class:`Dialogs`. The application installs :class:`ScreenDialogs`; tests pass one object
that answers from a script (``tests/helpers/dialogs.py``), so every path (save, discard,
cancel, a refused key, a production confirmation) runs headless.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

if TYPE_CHECKING:
    from regal_desktop.services.confirmation import Confirmation
    from regal_desktop.store.outbox import RequestRow

#: The filter used by the open and save dialogs of payload files.
JSON_FILTER = "Payload files (*.json *.jsonc);;All files (*)"
#: File filters of the evidence export; the suffix picks the format.
EVIDENCE_FILTER = "CSV (*.csv);;JSON lines (*.jsonl)"
#: Files the import reads, and where its rejected rows are saved.
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"
#: Files of Regal's contact events: JSON, JSON lines, a CSV warehouse export.
EVENTS_FILTER = "Regal events (*.json *.jsonl *.ndjson *.csv);;All files (*)"


class SaveChoice(Enum):
    """The answer to "save your changes?"."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Dialogs:
    """The questions and messages; every method has an on-screen version in ScreenDialogs."""

    # -- messages -------------------------------------------------------------------------

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        """Tell the user something failed, in plain words."""
        raise NotImplementedError

    def show_warning(self, parent: QWidget, title: str, message: str) -> None:
        """Tell the user something worth knowing that did not stop the action."""
        raise NotImplementedError

    # -- the contact being edited -----------------------------------------------------------

    def ask_save_changes(self, parent: QWidget, document_name: str) -> SaveChoice:
        """Save, discard or cancel before closing or replacing a modified contact."""
        raise NotImplementedError

    def ask_open_path(self, parent: QWidget, folder: Path) -> Path | None:
        """A payload file to open, or None."""
        raise NotImplementedError

    def ask_save_path(self, parent: QWidget, suggested: Path) -> Path | None:
        """Where to save the draft, or None."""
        raise NotImplementedError

    def ask_restore_autosave(self, parent: QWidget, saved_at: str) -> bool:
        """Whether to restore the draft autosaved before the window last closed abnormally."""
        raise NotImplementedError

    def ask_replacement(self, parent: QWidget, what: str, old: str) -> str | None:
        """The number or address (``what``) that replaces ``old``, or None to cancel."""
        raise NotImplementedError

    # -- sending ----------------------------------------------------------------------------

    def confirm_send(self, parent: QWidget, confirmation: Confirmation) -> bool:
        """Whether to send to a real Regal account."""
        raise NotImplementedError

    def confirm_restate(self, parent: QWidget, count: int) -> bool:
        """Whether to send ``count`` consent objects equal to what Regal holds again, as
        restatements (recorded as such, not as changes)."""
        raise NotImplementedError

    def ask_key(self, parent: QWidget, account: str, reason: str, can_save: bool) -> str | None:
        """The API key for ``account``, or None to cancel; ``can_save`` is False without a
        keychain (the key then lasts for this session only)."""
        raise NotImplementedError

    def ask_drop(self, parent: QWidget, request: RequestRow) -> bool:
        """Whether to give up on a request."""
        raise NotImplementedError

    # -- history, contacts and the import ----------------------------------------------------

    def ask_export_path(self, parent: QWidget, suggested: Path) -> Path | None:
        """Where to write consent evidence (.csv or .jsonl), or None."""
        raise NotImplementedError

    def ask_import_path(self, parent: QWidget, folder: Path) -> Path | None:
        """A CSV file to import, or None."""
        raise NotImplementedError

    def ask_rejected_path(self, parent: QWidget, suggested: Path) -> Path | None:
        """Where to save the rejected rows of an import, or None."""
        raise NotImplementedError

    def ask_events_path(self, parent: QWidget, folder: Path) -> Path | None:
        """A file of Regal's events to import (JSON, JSON lines, CSV), or None."""
        raise NotImplementedError

    def ask_mapping_name(self, parent: QWidget, suggested: str) -> str | None:
        """A name to save the column mapping under, or None."""
        raise NotImplementedError

    def confirm_cancel_import(self, parent: QWidget, unsent: int) -> bool:
        """Whether to stop an import and drop its ``unsent`` rows from the outbox."""
        raise NotImplementedError


def _yes(parent: QWidget, title: str, text: str, default_yes: bool) -> bool:
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, title, text, yes | no, yes if default_yes else no)
    return answer == yes


def _with_suffix(name: str, chosen_filter: str) -> Path:
    """The path typed, with the chosen filter's suffix when the user typed none."""
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(".jsonl" if "jsonl" in chosen_filter else ".csv")
    return path


def ask_confirmation(parent: QWidget, confirmation: Confirmation) -> bool:
    """Show the send question in a dialog; True only when the user chose to send."""
    box = QMessageBox(parent)
    box.setObjectName("confirmSendBox")
    box.setIcon(QMessageBox.Icon.Warning if confirmation.production else QMessageBox.Icon.Question)
    box.setWindowTitle(confirmation.title)
    box.setText(confirmation.question)
    box.setInformativeText(confirmation.details)
    send = box.addButton(
        "Send to production" if confirmation.production else "Send",
        QMessageBox.ButtonRole.AcceptRole,
    )
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    # Enter must not send to production by accident: Cancel is the default there.
    box.setDefaultButton(cancel if confirmation.production else send)
    box.exec()
    return box.clickedButton() is send


class ScreenDialogs(Dialogs):
    """The real dialogs."""

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.critical(parent, title, message)

    def show_warning(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.warning(parent, title, message)

    def ask_save_changes(self, parent: QWidget, document_name: str) -> SaveChoice:
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = QMessageBox.question(
            parent,
            "Save changes?",
            f"{document_name} has changes that are not saved. Save them as a draft?",
            buttons,
            QMessageBox.StandardButton.Save,
        )
        return {
            QMessageBox.StandardButton.Save: SaveChoice.SAVE,
            QMessageBox.StandardButton.Discard: SaveChoice.DISCARD,
        }.get(answer, SaveChoice.CANCEL)

    def ask_open_path(self, parent: QWidget, folder: Path) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, "Open payload", str(folder), JSON_FILTER)
        return Path(name) if name else None

    def ask_save_path(self, parent: QWidget, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, "Save draft as", str(suggested), JSON_FILTER)
        return Path(name) if name else None

    def ask_restore_autosave(self, parent: QWidget, saved_at: str) -> bool:
        return _yes(
            parent,
            "Restore unsaved contact?",
            f"Regal Desktop closed without saving a contact you were editing (autosaved "
            f"{saved_at}). Restore it?",
            default_yes=True,
        )

    def ask_replacement(self, parent: QWidget, what: str, old: str) -> str | None:
        text, ok = QInputDialog.getText(
            parent,
            f"Replace {old}",
            f"Regal cannot delete {old}. Type the new {what}: it is added (primary where "
            f"{old} was), and {old} is retired: unsubscribed on every channel.\n\n"
            f"New {what}:",
        )
        return text.strip() or None if ok else None

    def confirm_send(self, parent: QWidget, confirmation: Confirmation) -> bool:
        return ask_confirmation(parent, confirmation)

    def confirm_restate(self, parent: QWidget, count: int) -> bool:
        objects = f"{count} consent object{'s' * (count != 1)}" if count else "the consent"
        return _yes(
            parent,
            "Restate consent?",
            f"Send {objects} as written, although Regal already holds the same? They are "
            "recorded in the history as restatements, not as changes.",
            default_yes=False,
        )

    def ask_key(self, parent: QWidget, account: str, reason: str, can_save: bool) -> str | None:
        where = (
            "It is saved in this computer's keychain."
            if can_save
            else "No keychain on this computer: the key is kept for this session only and "
            "never saved."
        )
        key, ok = QInputDialog.getText(
            parent,
            f"API key for {account}",
            f"{reason}\n\n{where}\n\nAPI key:",
            QLineEdit.EchoMode.Password,
        )
        return key if ok else None

    def ask_drop(self, parent: QWidget, request: RequestRow) -> bool:
        answer = QMessageBox.question(
            parent,
            "Drop request?",
            f"Drop request {request.id} ({request.contact or 'no contact'})? It will not be "
            "sent; it stays in the history as dropped.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_export_path(self, parent: QWidget, suggested: Path) -> Path | None:
        name, chosen = QFileDialog.getSaveFileName(
            parent, "Export consent evidence", str(suggested), EVIDENCE_FILTER
        )
        return _with_suffix(name, chosen) if name else None

    def ask_import_path(self, parent: QWidget, folder: Path) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, "Import CSV", str(folder), CSV_FILTER)
        return Path(name) if name else None

    def ask_events_path(self, parent: QWidget, folder: Path) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            parent, "Import Regal events", str(folder), EVENTS_FILTER
        )
        return Path(name) if name else None

    def ask_rejected_path(self, parent: QWidget, suggested: Path) -> Path | None:
        name, chosen = QFileDialog.getSaveFileName(
            parent, "Save rejected rows", str(suggested), CSV_FILTER
        )
        return _with_suffix(name, chosen) if name else None

    def ask_mapping_name(self, parent: QWidget, suggested: str) -> str | None:
        name, ok = QInputDialog.getText(
            parent, "Save mapping", "Save this column mapping as:", text=suggested
        )
        return name.strip() or None if ok else None

    def confirm_cancel_import(self, parent: QWidget, unsent: int) -> bool:
        return _yes(
            parent,
            "Cancel the import?",
            f"Stop sending and drop the {unsent:,} rows of this import not yet sent? They "
            "stay in the history as dropped.",
            default_yes=False,
        )
