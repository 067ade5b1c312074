"""The one scripted stand-in for every dialog: answers from attributes, records questions.

Set an answer before the action (``dialogs.confirm_answer = True``), then read what was
asked (``dialogs.asked``, ``dialogs.confirmations``, ``dialogs.errors``). Defaults are
the cautious answers: discard nothing is saved, cancel a production send, no key.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from regal_desktop.services.confirmation import Confirmation
from regal_desktop.store.outbox import RequestRow
from regal_desktop.ui.shell.dialogs import Dialogs, SaveChoice


class ScriptedDialogs(Dialogs):
    """Every question of :class:`Dialogs`, answered by script."""

    def __init__(self) -> None:
        # The contact being edited
        self.save_choice = SaveChoice.DISCARD
        self.open_answer: Path | None = None
        self.save_answer: Path | None = None
        self.restore_answer = False
        self.replacement_answer: str | None = None
        # Sending
        self.confirm_answer = False
        self.restate_answer = True
        self.key_answers: list[str | None] = []
        self.drop_answer = True
        # History, contacts, the import
        self.export_path: Path | None = None
        self.import_path: Path | None = None
        self.rejected_path: Path | None = None
        self.events_path: Path | None = None
        self.mapping_name: str | None = None
        self.cancel_answer = True
        # What was asked and shown
        self.asked: list[str] = []
        self.confirmations: list[Confirmation] = []
        self.key_requests: list[tuple[str, str, bool]] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []

    @property
    def messages(self) -> list[str]:
        """Errors and warnings, in the order shown."""
        return [*self.errors, *self.warnings]

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        self.errors.append(message)

    def show_warning(self, parent: QWidget, title: str, message: str) -> None:
        self.warnings.append(message)

    def ask_save_changes(self, parent: QWidget, document_name: str) -> SaveChoice:
        self.asked.append(f"save {document_name}")
        return self.save_choice

    def ask_open_path(self, parent: QWidget, folder: Path) -> Path | None:
        self.asked.append("open")
        return self.open_answer

    def ask_save_path(self, parent: QWidget, suggested: Path) -> Path | None:
        self.asked.append("save as")
        return self.save_answer

    def ask_restore_autosave(self, parent: QWidget, saved_at: str) -> bool:
        self.asked.append("restore")
        return self.restore_answer

    def ask_replacement(self, parent: QWidget, what: str, old: str) -> str | None:
        self.asked.append(f"replace {old}")
        return self.replacement_answer

    def confirm_restate(self, parent: QWidget, count: int) -> bool:
        self.asked.append(f"restate {count}")
        return self.restate_answer

    def confirm_send(self, parent: QWidget, confirmation: Confirmation) -> bool:
        self.confirmations.append(confirmation)
        return self.confirm_answer

    def ask_key(self, parent: QWidget, account: str, reason: str, can_save: bool) -> str | None:
        self.asked.append(reason)
        self.key_requests.append((account, reason, can_save))
        return self.key_answers.pop(0) if self.key_answers else None

    def ask_drop(self, parent: QWidget, request: RequestRow) -> bool:
        self.asked.append(f"drop {request.id}")
        return self.drop_answer

    def ask_export_path(self, parent: QWidget, suggested: Path) -> Path | None:
        return self.export_path

    def ask_import_path(self, parent: QWidget, folder: Path) -> Path | None:
        return self.import_path

    def ask_rejected_path(self, parent: QWidget, suggested: Path) -> Path | None:
        return self.rejected_path

    def ask_events_path(self, parent: QWidget, folder: Path) -> Path | None:
        self.asked.append("events file")
        return self.events_path

    def ask_mapping_name(self, parent: QWidget, suggested: str) -> str | None:
        return self.mapping_name

    def confirm_cancel_import(self, parent: QWidget, unsent: int) -> bool:
        return self.cancel_answer
