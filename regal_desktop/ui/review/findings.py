"""The list of errors and warnings; activating one takes the user to the field it names."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from regal_desktop.domain.finding_words import finding_words, path_parts
from regal_desktop.domain.findings import Finding, Level
from regal_desktop.ui.shell.icons import level_icon

_PATH_ROLE = Qt.ItemDataRole.UserRole + 1
_LEVEL_WORDS = {Level.ERROR: "Error", Level.WARNING: "Warning", Level.INFO: "Information"}


def finding_text(finding: Finding) -> str:
    """How a finding reads in the list: in the user's words, the place named as people
    name it (``Mobile +1 954-555-2399, SMS consent: time is missing``); the JSON path is
    in the tooltip."""
    return finding_words(finding)


#: Errors first, then warnings, then information.
_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}


class FindingsView(QListWidget):
    """Errors first, then warnings, then information, each with the style's icon."""

    #: The path of the finding the user activated (double-click or Enter).
    findingActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsView")
        self.setAccessibleName("Errors and warnings")
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setAlternatingRowColors(True)
        self._shown: tuple[Finding, ...] = ()
        self.itemActivated.connect(lambda item: self.findingActivated.emit(item.data(_PATH_ROLE)))

    def show_findings(self, findings: Sequence[Finding]) -> None:
        """Show these findings (errors first); unchanged lists are not rebuilt."""
        ordered = tuple(sorted(findings, key=lambda f: _ORDER[f.level]))
        if ordered == self._shown:
            return
        self._shown = ordered
        self.clear()
        for finding in ordered:
            item = QListWidgetItem(level_icon(finding.level), finding_text(finding))
            item.setData(_PATH_ROLE, finding.path)
            item.setToolTip(f"{_LEVEL_WORDS[finding.level]} at {finding.path}")
            self.addItem(item)
        if not ordered:
            placeholder = QListWidgetItem("No errors or warnings.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(placeholder)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings shown, errors first."""
        return self._shown


__all__ = ["FindingsView", "finding_text", "path_parts"]  # path_parts: the editor's import
