"""A table of document rows with Add, Remove, Move up and Move down buttons."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.ui.editor.delegates import CurrentCellDelegate
from regal_desktop.ui.editor.rows_model import DocumentRowsModel, is_checked

#: A focused table is framed in the highlight colour, so the keyboard's place shows.
_FOCUS_FRAME = (
    "QTableView { border: 1px solid palette(mid); padding: 1px; }"
    " QTableView:focus { border: 2px solid palette(highlight); padding: 0px; }"
)


class RowsEditor(QWidget):
    """A :class:`DocumentRowsModel` in a table, with the buttons that add and order rows."""

    #: Replace… was chosen for a row (its index): phones and e-mails only.
    replaceRequested = Signal(int)

    def __init__(
        self,
        model: DocumentRowsModel,
        view_name: str,
        stem: str,
        what: str,
        movable: bool = True,
        stretch_column: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        """``view_name`` names the table (``phonesView``), ``stem`` the buttons
        (``addPhoneButton``), ``what`` is the user's word for one row (``phone``)."""
        super().__init__(parent)
        self.model = model
        self._document = model.document
        self.view = QTableView()
        self.view.setObjectName(view_name)
        self.view.setAccessibleName(f"{what.capitalize()} list")
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setTabKeyNavigation(False)
        self.view.setItemDelegate(CurrentCellDelegate(self.view))
        self.view.setStyleSheet(_FOCUS_FRAME)
        #: The check box column Space toggles from any cell of the row (None: Qt's own).
        self.space_column: int | None = None
        self.view.installEventFilter(self)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Size columns from the rows on screen, not from the first 1000 rows on every
        # keystroke (Qt's default), which made a 500-phone contact lag.
        header.setResizeContentsPrecision(0)
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(72)

        self.add_button = QPushButton(f"Add {what}")
        self.add_button.setObjectName(f"add{stem}Button")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName(f"remove{stem}Button")
        self.remove_button.setAccessibleName(f"Remove selected {what}")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        self.up_button = self.down_button = None
        if movable:
            self.up_button = QPushButton("Move up")
            self.up_button.setAccessibleName(f"Move {what} up")
            self.up_button.clicked.connect(lambda: self.move_selected(-1))
            self.down_button = QPushButton("Move down")
            self.down_button.setAccessibleName(f"Move {what} down")
            self.down_button.clicked.connect(lambda: self.move_selected(1))
            buttons.addWidget(self.up_button)
            buttons.addWidget(self.down_button)
        self._buttons = buttons
        self._what = what
        self._stem = stem
        self.replace_button: QPushButton | None = None
        buttons.addStretch()
        #: A sentence about the last refused edit ("use Replace…"), until the next edit.
        self.note = QLabel()
        self.note.setObjectName(f"{view_name.removesuffix('View')}Note")
        self.note.setWordWrap(True)
        self.note.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self._document.changed.connect(lambda: self.show_note(""))
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._update_buttons)
            signal.connect(self._fit_height)
        self._update_buttons()
        self._fit_height()

    def focus_chain(self) -> list[QWidget]:
        """The table and its buttons, in tab order."""
        buttons = [
            self.add_button,
            self.remove_button,
            self.up_button,
            self.down_button,
            self.replace_button,
        ]
        return [self.view, *(button for button in buttons if button is not None)]

    def offer_replace(self) -> None:
        """Add "Replace…" (a button and the table's context menu) for numbers or addresses
        Regal holds: they cannot be renamed, only replaced by another and retired."""
        self.replace_button = QPushButton("Replace…")
        self.replace_button.setObjectName(f"replace{self._stem}Button")
        self.replace_button.setAccessibleName(f"Replace selected {self._what}")
        self.replace_button.setToolTip(
            f"Add a new {self._what} in its place and retire this one (unsubscribed on every "
            "channel): Regal cannot delete it"
        )
        self.replace_button.clicked.connect(self._replace_current)
        self._buttons.insertWidget(self._buttons.count() - 1, self.replace_button)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.model.dataChanged.connect(self._update_buttons)
        self._update_buttons()

    def can_replace(self, row: int) -> bool:
        """Whether row ``row`` is a number or address Regal holds, not already retired."""
        held = getattr(self.model, "held", None)
        if row < 0 or held is None or row >= self.model.rowCount():
            return False
        return held(row) is not None and not getattr(self.model.row_value(row), "retired", False)

    def _replace_current(self) -> None:
        row = self.current_row()
        if self.can_replace(row):
            self.replaceRequested.emit(row)

    def _context_menu(self, position: QPoint) -> None:
        row = self.view.indexAt(position).row()
        if row < 0:
            return
        self.select_row(row)
        menu = QMenu(self.view)
        action = menu.addAction("Replace…")
        action.setEnabled(self.can_replace(row))
        action.triggered.connect(lambda: self.replaceRequested.emit(row))
        menu.exec(self.view.viewport().mapToGlobal(position))

    def show_note(self, text: str) -> None:
        """Show a sentence under the table (hidden again by the next edit or ``""``)."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space on any cell toggles the row's ``space_column`` (Primary), unless a cell
        editor is open: then the key goes to the editor, which has the focus."""
        if (
            watched is self.view
            and self.space_column is not None
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and self.view.state() != QAbstractItemView.State.EditingState
        ):
            row = self.view.currentIndex().row()
            if row >= 0:
                index = self.model.index(row, self.space_column)
                on = is_checked(index.data(Qt.ItemDataRole.CheckStateRole))
                off_or_on = Qt.CheckState.Unchecked if on else Qt.CheckState.Checked
                self.model.setData(index, off_or_on, Qt.ItemDataRole.CheckStateRole)
                return True
        return super().eventFilter(watched, event)

    def current_row(self) -> int:
        """The selected row, or -1."""
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def select_row(self, row: int, column: int = 0, focus: bool = True) -> None:
        """Select a row, scroll to it and (unless ``focus`` is False) focus the table."""
        index = self.model.index(row, column)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)
        if focus:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_row(self) -> None:
        """Append a blank row and start editing its first cell."""
        row = self._document.add_row(self.model.table)
        self.select_row(row)
        self.view.edit(self.model.index(row, 0))

    def remove_selected(self) -> None:
        """Remove the selected rows and select the one that took their place."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        if rows:
            self._document.remove_rows(self.model.table, rows)
            if self.model.rowCount():
                self.select_row(min(rows[0], self.model.rowCount() - 1))

    def move_selected(self, delta: int) -> None:
        """Move the selected row up (-1) or down (+1), keeping it selected."""
        row = self.current_row()
        if row >= 0:
            self.select_row(self._document.move_row(self.model.table, row, delta))

    def _fit_height(self) -> None:
        # Tall enough for the rows (2 to 8 of them); more rows scroll inside the table.
        rows = min(max(self.model.rowCount(), 2), 8)
        height = (
            self.view.horizontalHeader().sizeHint().height()
            + rows * self.view.verticalHeader().defaultSectionSize()
            + 2 * self.view.frameWidth()
        )
        self.view.setFixedHeight(height)

    def _update_buttons(self) -> None:
        row = self.current_row()
        self.remove_button.setEnabled(row >= 0)
        if self.replace_button is not None:
            self.replace_button.setEnabled(self.can_replace(row))
        if self.up_button is not None and self.down_button is not None:
            self.up_button.setEnabled(row > 0)
            self.down_button.setEnabled(0 <= row < self.model.rowCount() - 1)
