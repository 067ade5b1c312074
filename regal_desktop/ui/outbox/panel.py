"""The outbox panel: requests not yet delivered, and what to do about each one.

Every request is written to the outbox before it is sent, so this list is the truth about
what is waiting, being sent, refused (a wrong key holds it) or rejected by Regal. A
rejected one can be opened in the editor, fixed and sent again; any can be dropped (it
stays in the history as evidence).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.delivery.report import regal_answer
from regal_desktop.domain.consent import format_point
from regal_desktop.store import Store
from regal_desktop.store.outbox import RequestRow
from regal_desktop.ui.shell.table_model import RowsModel, rows_view

#: Qt's "no maximum" for a widget's size (QWIDGETSIZE_MAX, which PySide6 does not export).
_NO_MAXIMUM = (1 << 24) - 1

COLUMNS = ("#", "State", "Attempts", "Contact", "Account", "Regal's answer")


class OutboxModel(RowsModel[RequestRow]):
    """The pending requests of the store's outbox (every account), oldest first."""

    columns = COLUMNS

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store

    def refresh(self) -> None:
        """Read the outbox again; a rejected request that was fixed and resent is left out
        (it stays in the history, as evidence, next to its fix)."""
        rows = self._store.outbox.pending()
        if rows != self._rows:
            self.set_rows(rows)

    def row_of(self, request_id: int) -> int | None:
        """Where request ``request_id`` is shown, or None."""
        for number, request in enumerate(self._rows):
            if request.id == request_id:
                return number
        return None

    def cell(self, item: RequestRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1:
                return item.help
            if column == 5:
                return regal_answer(item.last_status, item.last_answer) or None
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(request: RequestRow, column: int) -> str:
        values = (
            str(request.id),
            request.status,
            str(request.attempts),
            format_point(request.contact),
            request.profile,
            regal_answer(request.last_status, request.last_answer),
        )
        return values[column] if 0 <= column < len(values) else ""


class OutboxPanel(QWidget):
    """The outbox list with Retry, Drop, Open in editor and Send queued."""

    retryRequested = Signal(int)
    dropRequested = Signal(int)
    openRequested = Signal(int)
    sendQueuedRequested = Signal()
    #: The outbox became empty (True) or got a request (False).
    emptyChanged = Signal(bool)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxPanel")
        self.model = OutboxModel(store, self)
        self.view = rows_view(self.model, "outboxView", fit_columns=True)
        self.view.setAccessibleName("Requests waiting or failed")
        self.view.doubleClicked.connect(lambda _: self._emit_for_selected(self.openRequested))

        self.summary = QLabel()
        self.summary.setObjectName("outboxSummary")
        self.retry_button = self._button("Retry", "outboxRetryButton", self.retryRequested)
        self.drop_button = self._button("Drop…", "outboxDropButton", self.dropRequested)
        self.open_button = self._button("Open in editor", "outboxOpenButton", self.openRequested)
        self.send_button = QPushButton("Send queued")
        self.send_button.setObjectName("outboxSendQueuedButton")
        self.send_button.setToolTip("Deliver every queued request now")
        self.send_button.clicked.connect(self.sendQueuedRequested)
        self.retry_button.setToolTip("Queue a rejected or held request again")
        self.drop_button.setToolTip("Give up on this request; it stays in the history")
        self.open_button.setToolTip("Load this request into the editor to fix and resend it")

        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.open_button, self.retry_button, self.drop_button, self.send_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._empty: bool | None = None
        self.refresh()

    def _button(self, text: str, name: str, signal: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda: self._emit_for_selected(signal))
        return button

    def selected(self) -> RequestRow | None:
        """The request selected in the list, or None."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select(self, request_id: int) -> bool:
        """Select request ``request_id``; False if it is not in the list."""
        row = self.model.row_of(request_id)
        if row is None:
            return False
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().select(self.model.index(row, 0), flags)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def refresh(self) -> None:
        """Read the outbox again, keeping the selected request selected."""
        chosen = self.selected()
        self.model.refresh()
        if chosen is not None:
            self.select(chosen.id)
        self._update_buttons()

    def _emit_for_selected(self, signal: Any) -> None:
        request = self.selected()
        if request is not None:
            signal.emit(request.id)

    def _update_buttons(self) -> None:
        request = self.selected()
        state = request.state if request else None
        self.retry_button.setEnabled(state is not None and state.can_retry)
        self.drop_button.setEnabled(state is not None and state.can_drop)
        self.open_button.setEnabled(state is not None and state.can_fix)
        rows = [self.model.row_at(n) for n in range(self.model.rowCount())]
        queued = sum(r.state.waiting for r in rows)
        stuck = sum(r.state.needs_attention for r in rows)
        self.send_button.setEnabled(queued > 0)
        if not rows:
            self.summary.setText("The outbox is empty: nothing is waiting to be sent.")
        else:
            self.summary.setText(f"{queued} waiting or sending, {stuck} need attention")
        self._show_empty(not rows)

    def _show_empty(self, empty: bool) -> None:
        # An empty list says so in one line: on a laptop screen the form needs the room.
        if empty == self._empty:
            return
        self._empty = empty
        self.view.setVisible(not empty)
        self.setMaximumHeight(self.sizeHint().height() if empty else _NO_MAXIMUM)
        self.emptyChanged.emit(empty)
