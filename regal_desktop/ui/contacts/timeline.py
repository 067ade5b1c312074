"""The consent timeline of one phone number or e-mail address, per channel.

Answers "when did +1 954-558-2399 agree to SMS, to what words, from where, who recorded
it, and did Regal accept it?" from ``History.consent_timeline`` (oldest first).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.domain.consent import OPT_OUT_METHODS, change_word, count_words, format_point
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel
from regal_desktop.services.clock import local_time
from regal_desktop.store import Store
from regal_desktop.store.history import TimelineEntry
from regal_desktop.ui.reconcile.timeline_rows import (
    RegalEntry,
    regal_cell,
    regal_count,
    regal_details,
    timeline_rows,
)
from regal_desktop.ui.shell.style import error_color, good_color
from regal_desktop.ui.shell.table_model import RowsModel, rows_view

COLUMNS = (
    "Recorded",
    "Channel",
    "Change",
    "Consent text",
    "IP",
    "Consent time",
    "Source",
    "Operator",
    "Status",
)
_TEXT_COLUMN = 3
#: The widest the wording column grows: longer wording is elided (whole in its tooltip
#: and the detail pane), so IP, time, source, operator and status stay in view.
TEXT_COLUMN_MAX = 280


def change_words(entry: TimelineEntry) -> str:
    """``Opt-in``, ``Opt-out``, or ``Opt-in (restated)`` for a restatement of the known
    state, which changed nothing."""
    word = change_word(entry.subscribed).capitalize()
    return word if entry.is_change else f"{word} (restated)"


def entry_details(entry: TimelineEntry) -> str:
    """The whole of one change, a line per field, for the detail pane."""
    known = "nothing" if entry.was is None else change_word(entry.was)
    lines: tuple[tuple[str, str], ...] = (
        ("Change", f"{change_words(entry)}; known before: {known}"),
        ("Consent text", entry.text or "—"),
        ("IP", entry.ip or "—"),
        ("Consent time", entry.timestamp or "—"),
        ("Source", entry.source or "—"),
        ("Operator", entry.operator),
        ("Status", status_words(entry)),
    )
    notes = (
        ("Reason", entry.reason),
        ("Proof", entry.proof),
        ("Received by", OPT_OUT_METHODS.get(entry.method or "", entry.method)),
        ("Received at", local_time(entry.received_at) if entry.received_at else None),
        ("Wording", " ".join(filter(None, (entry.template, entry.template_version))) or None),
    )
    lines += tuple((label, str(value)) for label, value in notes if value)
    return "\n".join(f"{label}: {value}" for label, value in lines)


def status_words(entry: TimelineEntry) -> str:
    """Whether Regal has the change: ``Delivered 2026-11-25 14:03:09``, ``Queued``, ..."""
    words = entry.state.label
    return f"{words} {local_time(entry.finished_at)}" if entry.finished_at else words


class TimelineModel(RowsModel[TimelineEntry | RegalEntry]):
    """The consent changes of one point, oldest first, with Regal's events among them."""

    columns = COLUMNS

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store

    def show_point(self, point: str | None, channel: str | None = None) -> None:
        """Show the changes of ``point`` (on ``channel``, or all); None empties the table."""
        self.set_rows(timeline_rows(self._store, point, channel) if point else [])

    def cell(self, item: TimelineEntry | RegalEntry, column: int, role: int) -> Any:
        if isinstance(item, RegalEntry):  # marked "Regal" (ui/reconcile/timeline_rows.py)
            return regal_cell(item, column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == _TEXT_COLUMN:
            return item.text  # the whole text; the cell may cut it
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return good_color() if item.subscribed else error_color()
        return None

    @staticmethod
    def _text(entry: TimelineEntry, column: int) -> str:
        values = (
            local_time(entry.queued_at),
            entry.channel.label,
            change_words(entry),
            entry.text or "",
            entry.ip or "",
            entry.timestamp or "",
            entry.source or "",
            entry.operator,
            status_words(entry),
        )
        return values[column] if 0 <= column < len(values) else ""


class TimelineView(QWidget):
    """Choose one of a contact's numbers or addresses and a channel; see its changes."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.point_combo = QComboBox()
        self.point_combo.setObjectName("timelinePointCombo")
        self.point_combo.setAccessibleName("Phone or e-mail")
        self.point_combo.setMinimumContentsLength(22)
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("timelineChannelCombo")
        self.model = TimelineModel(store, self)
        self.table = rows_view(self.model, "timelineTable", single=False)
        self.table.setAccessibleName("Consent timeline")
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.summary = QLabel()
        self.summary.setObjectName("timelineSummary")
        self.detail = QLabel()
        self.detail.setObjectName("timelineDetail")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # outside text, never markup
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("Chosen consent change")

        top = QHBoxLayout()
        top.addWidget(QLabel("Consent timeline of"))
        top.addWidget(self.point_combo, 1)
        top.addWidget(QLabel("on"))
        top.addWidget(self.channel_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.detail)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.point_combo.currentIndexChanged.connect(self._point_chosen)
        self.channel_combo.currentIndexChanged.connect(self.refresh)
        self.set_points((), ())

    def set_points(self, phones: tuple[str, ...], emails: tuple[str, ...]) -> None:
        """Offer a contact's phones and e-mails (the first is shown)."""
        self.point_combo.blockSignals(True)
        self.point_combo.clear()
        for phone in phones:
            self.point_combo.addItem(f"☎ {format_point(phone)}", phone)
        for email in emails:
            self.point_combo.addItem(f"✉ {email}", email)
        self.point_combo.setEnabled(bool(phones or emails))
        self.point_combo.blockSignals(False)
        self._point_chosen()

    def _point_chosen(self) -> None:
        point = self.point_combo.currentData()
        channels: tuple[Channel, ...] = ()
        if isinstance(point, str):
            channels = EMAIL_CHANNELS if "@" in point else PHONE_CHANNELS
        self.channel_combo.blockSignals(True)
        self.channel_combo.clear()
        self.channel_combo.addItem("every channel", None)
        for channel in channels:
            self.channel_combo.addItem(channel.label, channel.value)
        self.channel_combo.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """Read the chosen point's changes again."""
        point = self.point_combo.currentData()
        self.model.show_point(
            point if isinstance(point, str) else None, self.channel_combo.currentData()
        )
        self.table.resizeColumnsToContents()
        if self.table.columnWidth(_TEXT_COLUMN) > TEXT_COLUMN_MAX:
            self.table.setColumnWidth(_TEXT_COLUMN, TEXT_COLUMN_MAX)
        count = self.model.rowCount()
        if count:  # the latest change, in full, below the table
            self.table.setCurrentIndex(self.model.index(count - 1, 0))
        self._show_detail()
        if not isinstance(point, str):
            self.summary.setText("Choose a contact to see its consent history.")
        elif count == 0:
            self.summary.setText("No consent change was ever sent for this from this desk.")
        else:
            rows = [self.model.row_at(row) for row in range(count)]
            ours = [entry for entry in rows if isinstance(entry, TimelineEntry)]
            changes = sum(entry.is_change for entry in ours)
            words = count_words(changes, len(ours) - changes) + regal_count(rows)
            self.summary.setText(f"{words}, oldest first")

    def _show_detail(self) -> None:
        index = self.table.currentIndex()
        if index.isValid() and 0 <= index.row() < self.model.rowCount():
            row = self.model.row_at(index.row())
            shown = regal_details(row) if isinstance(row, RegalEntry) else entry_details(row)
            self.detail.setText(shown)
            self.detail.show()
        else:
            self.detail.clear()
            self.detail.hide()
