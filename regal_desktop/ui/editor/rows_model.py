"""The base of the table models over a document's rows (phones, e-mails, traits, properties)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from regal_desktop.ui.editor.document import ContactDocument, Table

#: What Qt passes as a parent index.
AnyIndex = QModelIndex | QPersistentModelIndex


class DocumentRowsModel(QAbstractTableModel):
    """A table over one row tuple of a :class:`ContactDocument`.

    The model keeps the tuple it last showed; when the document changes it compares the
    new tuple by identity (edits replace only the rows they touch) and reports exactly
    the rows inserted, removed or changed, so selections and editors survive keystrokes
    even with hundreds of rows.
    """

    table: Table
    headers: tuple[str, ...] = ()

    def __init__(self, document: ContactDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._rows: tuple[Any, ...] = document.rows(self.table)
        document.changed.connect(self._sync)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return str(section + 1)

    def row_value(self, row: int) -> Any:
        """The row as the model shows it."""
        return self._rows[row]

    def _sync(self) -> None:
        new = self.document.rows(self.table)
        old = self._rows
        if new is old:
            return
        shortest = min(len(old), len(new))
        start = 0
        while start < shortest and old[start] is new[start]:
            start += 1
        tail = 0
        while tail < shortest - start and old[-1 - tail] is new[-1 - tail]:
            tail += 1
        old_middle, new_middle = len(old) - start - tail, len(new) - start - tail
        replaced = min(old_middle, new_middle)
        if old_middle > new_middle:
            self.beginRemoveRows(QModelIndex(), start + replaced, start + old_middle - 1)
            self._rows = new
            self.endRemoveRows()
        elif new_middle > old_middle:
            self.beginInsertRows(QModelIndex(), start + replaced, start + new_middle - 1)
            self._rows = new
            self.endInsertRows()
        else:
            self._rows = new
        if replaced:
            self.dataChanged.emit(
                self.index(start, 0), self.index(start + replaced - 1, len(self.headers) - 1)
            )


def is_checked(value: Any) -> bool:
    """Whether a CheckStateRole value (an enum or its int, depending on the caller) is on."""
    return value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
