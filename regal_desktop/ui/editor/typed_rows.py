"""Table models of custom traits and event properties: name, type, value."""

from __future__ import annotations

from typing import Any, Literal

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication

from regal_desktop.domain.findings import Level
from regal_desktop.ui.editor.baseline import trait_mark
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.draft import TypedRow, ValueType, typed_value
from regal_desktop.ui.editor.marks import changed_font, changed_icon
from regal_desktop.ui.editor.rows_model import DocumentRowsModel
from regal_desktop.ui.shell.icons import level_icon

NAME, TYPE, VALUE = 0, 1, 2

#: The type choices, in the words the form shows.
TYPE_CHOICES = tuple(t.value for t in ValueType)


class TypedRowsModel(DocumentRowsModel):
    """Rows of name, type (text, number, true/false) and value; every cell is editable."""

    table: Literal["traits", "properties"]
    headers = ("Name", "Type", "Value")

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row: TypedRow = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (row.name, row.type.value, row.value)[index.column()]
        fits = typed_value(row) is not None
        if index.column() == VALUE and not fits:
            if role == Qt.ItemDataRole.ToolTipRole:
                expected = "a number" if row.type is ValueType.NUMBER else "true or false"
                return f"{row.value!r} is not {expected}."
            if role == Qt.ItemDataRole.DecorationRole:
                return level_icon(Level.ERROR)
        if self.table == "traits" and index.column() != TYPE:
            return self._changed_data(row, index.column(), role)
        return None

    def _changed_data(self, row: TypedRow, column: int, role: int) -> Any:
        """A custom trait typed differently from the one Regal holds: a dot, italics and
        what is known in the tooltip."""
        note = trait_mark(row, self.document.baseline)
        if note is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return note
        if role == Qt.ItemDataRole.FontRole:
            return changed_font(QApplication.font())
        if role == Qt.ItemDataRole.DecorationRole and column == NAME:
            return changed_icon(QApplication.palette())
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        text = str(value)
        if index.column() == TYPE:
            if text not in TYPE_CHOICES:
                return False
            self.document.update_row(self.table, index.row(), type=ValueType(text))
        else:
            name = "name" if index.column() == NAME else "value"
            self.document.update_row(self.table, index.row(), **{name: text})
        return True

    def row_for_name(self, name: str) -> int | None:
        """The row of the trait or property called ``name`` (from a finding's path)."""
        for number, row in enumerate(self._rows):
            if row.name.strip() == name:
                return number
        return None


class CustomTraitsModel(TypedRowsModel):
    """The contact's custom traits, marked where they differ from what Regal holds."""

    table = "traits"

    def __init__(self, document: ContactDocument, parent: QObject | None = None) -> None:
        super().__init__(document, parent)
        document.baselineChanged.connect(self._baseline_changed)

    def _baseline_changed(self) -> None:
        if self._rows:
            last = self.index(len(self._rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)


class EventPropertiesModel(TypedRowsModel):
    """The event's properties."""

    table = "properties"
