"""Cell painting and editors: the current cell framed while its table has the focus, cell
editors named after their column, and a combo box with suggestions (labels) or fixed
choices (value types)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)


def column_name(index: QModelIndex | QPersistentModelIndex) -> str:
    """The header of ``index``'s column ("Number", "Label"): what its editor is called."""
    header = index.model().headerData(
        index.column(), Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
    )
    return str(header or "")


class CurrentCellDelegate(QStyledItemDelegate):
    """Frames the current cell while the table has the keyboard focus (the style draws its
    focus rectangle only sometimes, and not at all on a selected row), and names each
    cell editor after its column so a screen reader says what is being typed."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        if not option.state & QStyle.StateFlag.State_HasFocus:
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
        painter.save()
        painter.setPen(QPen(option.palette.color(role), 2))
        painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
        painter.restore()

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if editor is not None:
            editor.setAccessibleName(column_name(index))
        return editor


class ChoiceDelegate(CurrentCellDelegate):
    """Edits a cell with a combo box; ``free_text`` allows words not in the list."""

    def __init__(
        self, choices: tuple[str, ...], free_text: bool, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._choices = choices
        self._free_text = free_text

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setEditable(self._free_text)
        combo.addItems(list(self._choices))
        combo.setAccessibleName(column_name(index))
        if self._free_text:
            # Typing "mo" should offer "Mobile" rather than insert a new item.
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if self._free_text:
            editor.setCurrentText(text)
        else:
            editor.setCurrentIndex(max(0, editor.findText(text)))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
