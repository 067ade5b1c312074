"""Cell editors: a combo box with suggestions (labels) or fixed choices (value types)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget


class ChoiceDelegate(QStyledItemDelegate):
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
        combo.setAccessibleName(
            str(
                index.model().headerData(
                    index.column(), Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
                )
            )
        )
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
