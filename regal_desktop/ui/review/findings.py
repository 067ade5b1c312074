"""The list of errors and warnings; activating one takes the user to the field it names."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from regal_desktop.domain.findings import Finding, Level
from regal_desktop.ui.shell.icons import level_icon

#: One step of a finding's path: ``.name``, ``[3]`` or ``["key"]``.
_STEP = re.compile(r'\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')

_PATH_ROLE = Qt.ItemDataRole.UserRole + 1


def path_parts(path: str) -> list[str | int]:
    """Split a finding's path (``traits.phones["+1954..."].smsOptIn``) into its keys.

    The inverse of :func:`regal_desktop.domain.findings.json_path`; ``$`` is the empty list.
    Anything unreadable ends the list, so a caller still gets the steps it could read.
    """
    parts: list[str | int] = []
    position = 0
    while path != "$" and position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            break
        name, index, quoted = match.groups()
        parts.append(name if name is not None else int(index) if index else json.loads(quoted))
        position = match.end()
    return parts


def finding_text(finding: Finding) -> str:
    """How a finding reads in the list: where, then what."""
    where = "Whole request" if finding.path == "$" else finding.path
    return f"{where}: {finding.message}"


class FindingsView(QListWidget):
    """Errors first, then warnings, each with the style's icon."""

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
        ordered = tuple(sorted(findings, key=lambda f: f.level is not Level.ERROR))
        if ordered == self._shown:
            return
        self._shown = ordered
        self.clear()
        for finding in ordered:
            item = QListWidgetItem(level_icon(finding.level), finding_text(finding))
            item.setData(_PATH_ROLE, finding.path)
            item.setToolTip(f"{finding.level.value.title()} at {finding.path}")
            self.addItem(item)
        if not ordered:
            placeholder = QListWidgetItem("No errors or warnings.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(placeholder)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings shown, errors first."""
        return self._shown
