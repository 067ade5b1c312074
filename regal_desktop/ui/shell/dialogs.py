"""Questions the window asks the user, behind a facade tests replace.

The window never calls QMessageBox or QFileDialog itself: it asks its :class:`Prompts`.
The application installs :class:`DialogPrompts`; tests pass an object that answers from a
script, so every path (save, discard, cancel, an error shown) runs headless.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

#: The filter used by the open and save dialogs.
JSON_FILTER = "Payload files (*.json *.jsonc);;All files (*)"


class SaveChoice(Enum):
    """The answer to "save your changes?"."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Prompts:
    """The questions the editor asks; every method has a dialog version in DialogPrompts."""

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

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        """Tell the user something failed, in plain words."""
        raise NotImplementedError

    def show_warning(self, parent: QWidget, title: str, message: str) -> None:
        """Tell the user something worth knowing that did not stop the action."""
        raise NotImplementedError


class DialogPrompts(Prompts):
    """The real dialogs."""

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
        answer = QMessageBox.question(
            parent,
            "Restore unsaved contact?",
            f"Regal Desktop closed without saving a contact you were editing (autosaved "
            f"{saved_at}). Restore it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.critical(parent, title, message)

    def show_warning(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.warning(parent, title, message)
