"""Questions the history, directory and import windows ask, behind a facade tests replace.

Like ``ui.prompts``: the views never call QFileDialog or QMessageBox themselves;
``attach_memory`` installs :class:`DialogMemoryPrompts` and tests pass a scripted one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

#: File filters of the save dialogs; the suffix picks the export format.
EVIDENCE_FILTER = "CSV (*.csv);;JSON lines (*.jsonl)"
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


class MemoryPrompts:
    """The questions asked by the memory views; DialogMemoryPrompts shows dialogs."""

    def ask_export_path(self, parent: QWidget, suggested: Path) -> Path | None:
        """Where to write consent evidence (.csv or .jsonl), or None."""
        raise NotImplementedError

    def ask_import_path(self, parent: QWidget, folder: Path) -> Path | None:
        """A CSV file to import, or None."""
        raise NotImplementedError

    def ask_rejected_path(self, parent: QWidget, suggested: Path) -> Path | None:
        """Where to save the rejected rows of an import, or None."""
        raise NotImplementedError

    def ask_mapping_name(self, parent: QWidget, suggested: str) -> str | None:
        """A name to save the column mapping under, or None."""
        raise NotImplementedError

    def confirm_cancel_import(self, parent: QWidget, unsent: int) -> bool:
        """Whether to stop an import and drop its ``unsent`` rows from the outbox."""
        raise NotImplementedError

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        """Tell the user something failed, in plain words."""
        raise NotImplementedError


def _with_suffix(name: str, chosen_filter: str) -> Path:
    """The path typed, with the chosen filter's suffix when the user typed none."""
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(".jsonl" if "jsonl" in chosen_filter else ".csv")
    return path


class DialogMemoryPrompts(MemoryPrompts):
    """The real dialogs."""

    def ask_export_path(self, parent: QWidget, suggested: Path) -> Path | None:
        name, chosen = QFileDialog.getSaveFileName(
            parent, "Export consent evidence", str(suggested), EVIDENCE_FILTER
        )
        return _with_suffix(name, chosen) if name else None

    def ask_import_path(self, parent: QWidget, folder: Path) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, "Import CSV", str(folder), CSV_FILTER)
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
        answer = QMessageBox.question(
            parent,
            "Cancel the import?",
            f"Stop sending and drop the {unsent:,} rows of this import not yet sent? They "
            "stay in the history as dropped.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.critical(parent, title, message)
