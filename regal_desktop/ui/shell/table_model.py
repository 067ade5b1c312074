"""A read-only Qt table over a list of rows, the shape every list in the window shares,
and the one way such a list is shown (``rows_view``).

Subclasses name their ``columns`` and say what a cell shows (``cell``); this class holds
the rows and answers Qt's counting and header questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel, Generic[T]):
    """Rows of ``T`` under fixed column titles; nothing is editable."""

    #: The column titles, left to right.
    columns: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        """Show ``rows`` instead of what was shown (views keep nothing stale)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        """What is shown, top to bottom."""
        return list(self._rows)

    def row_at(self, row: int) -> T:
        """The item shown in ``row``."""
        return self._rows[row]

    def cell(self, item: T, column: int, role: int) -> Any:
        """What ``item`` shows in ``column`` for ``role`` (None: nothing)."""
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)


def rows_view(
    model: QAbstractItemModel,
    name: str,
    *,
    single: bool = True,
    fit_columns: bool = False,
) -> QTableView:
    """The read-only list every window shows: whole rows selected (one at a time unless
    ``single`` is False), alternating colours, no row numbers, no wrapping, the last
    column stretched; columns fitted to their contents when ``fit_columns``, else
    resizable by hand."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(
        QHeaderView.ResizeMode.ResizeToContents
        if fit_columns
        else QHeaderView.ResizeMode.Interactive
    )
    header.setStretchLastSection(True)
    return view
