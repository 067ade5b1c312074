"""Reconcile: did each consent change Regal accepted take effect, and what did Regal
change on its own?

Read-only. ``services.reconcile`` gives one line per change this desk sent and per change
Regal reported that this desk did not send; problems come first (changed in Regal, then
not confirmed for longer than a day) and are marked in words ("⚠"), in bold and in the
error colour, so the mark does not depend on seeing colour. A filter shows one status.
The lines are read on a worker thread with a connection of its own (a hundred thousand
changes take seconds), again whenever the store changes while the view shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from regal_desktop.domain.consent import change_word, format_point
from regal_desktop.domain.model import Channel
from regal_desktop.domain.reconcile import DEFAULT_GRACE, Line, Reported, Sent, Status
from regal_desktop.domain.reconcile import problems_first as ordered
from regal_desktop.domain.visible import visible
from regal_desktop.services.clock import local_time
from regal_desktop.services.reconcile import reconcile_database, tally, waiting_words
from regal_desktop.store import Location, StoreError
from regal_desktop.ui.shell.style import error_color, good_color
from regal_desktop.ui.shell.table_model import RowsModel, rows_view
from regal_desktop.ui.shell.worker import Worker

COLUMNS = ("Status", "Number or address", "Channel", "This desk sent", "Regal reported")
_STATUS = 0
#: What each status means, under the list and in the status cell's tooltip.
MEANINGS = {
    Status.CHANGED_IN_REGAL: "a later Regal event says otherwise (a STOP reply, an agent)",
    Status.NOT_CONFIRMED: "Regal accepted it but has not reported it back yet",
    Status.REGAL_ONLY: "a change made in Regal that this desk never sent",
    Status.CONFIRMED: "Regal reported the same state, at or after its consent time",
}
#: The filter's choices: (words, which lines).
PROBLEMS = "problems"
FILTERS: tuple[tuple[str, str | None], ...] = (
    ("Everything, problems first", None),
    ("Problems only", PROBLEMS),
    *((status.label, status.value) for status in Status),
)


def status_words(line: Line) -> str:
    """``⚠ Changed in Regal``, ``⚠ Not confirmed``, ``Not confirmed``, ``Confirmed``..."""
    words = line.status.label
    return f"⚠ {words}" if line.problem(DEFAULT_GRACE) else words


def _ours(sent: Sent | None) -> str:
    if sent is None:
        return "—"
    return f"{change_word(sent.subscribed).capitalize()} {local_time(sent.at)}"


def _regal(line: Line) -> str:
    event: Reported | None = line.regal
    if event is None and line.superseded:
        return "Nothing; this desk sent a later change since"
    if event is None:
        return f"Nothing yet (waiting {waiting_words(line.waiting)})"
    source = f" · {visible(event.source)}" if event.source else ""
    return f"{change_word(event.subscribed).capitalize()} {local_time(event.at)}{source}"


def line_details(line: Line) -> str:
    """The whole of one line, a sentence per side, for the pane under the list."""
    parts = [f"{status_words(line)}: {MEANINGS[line.status]}."]
    if line.ours is not None:
        sent = line.ours
        parts.append(
            f"This desk sent request {sent.request_id} ({visible(sent.operator)}), accepted "
            f"by Regal {local_time(sent.accepted_at)}; consent time {local_time(sent.at)}, "
            f"text {visible(sent.text or '—')}, source {visible(sent.source or '—')}."
        )
    if line.regal is not None:
        event = line.regal
        parts.append(
            f"Regal reported {visible(event.event or 'a change')} at {local_time(event.at)}, "
            f"source {visible(event.source or '—')}, from {visible(event.origin or '—')}."
        )
    if line.confirmed_by is not None:
        parts.append(f"Regal had confirmed it first, at {local_time(line.confirmed_by.at)}.")
    return "\n".join(parts)


class ReconcileModel(RowsModel[Line]):
    """The lines, in the order given (problems first)."""

    columns = COLUMNS

    def cell(self, item: Line, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return MEANINGS[item.status] if column == _STATUS else self._text(item, column)
        if column == _STATUS and role == Qt.ItemDataRole.ForegroundRole:
            if item.problem(DEFAULT_GRACE):
                return error_color()
            return good_color() if item.status is Status.CONFIRMED else None
        if column == _STATUS and role == Qt.ItemDataRole.FontRole and item.problem():
            bold = QFont()
            bold.setBold(True)
            return bold
        return None

    @staticmethod
    def _text(item: Line, column: int) -> str:
        values = (
            status_words(item),
            visible(format_point(item.point)),
            Channel(item.channel).label,
            _ours(item.ours),
            _regal(item),
        )
        return values[column] if 0 <= column < len(values) else ""


class ReconcileView(QWidget):
    """The reconciliation list, a filter by status, a count and the chosen line in full.

    ``database`` is read on a worker; ``clock`` gives "now" (the window's clock, so tests
    can set it).
    """

    def __init__(
        self, database: Location, clock: Callable[[], datetime], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reconcileView")
        self.setWindowTitle("Reconcile with Regal — Regal Desktop")
        self._database, self._clock = database, clock
        self._lines: list[Line] = []
        self._reader: Worker | None = None
        self._again = False  # the store changed while it was being read
        self.count_label = QLabel()
        self.count_label.setObjectName("reconcileCount")
        self.count_label.setWordWrap(True)
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("reconcileFilter")
        self.filter_combo.setAccessibleName("Show")
        for words, value in FILTERS:
            self.filter_combo.addItem(words, value)
        self.filter_combo.currentIndexChanged.connect(self._show)
        self.model = ReconcileModel(self)
        self.table = rows_view(self.model, "reconcileTable")
        self.table.setAccessibleName("Reconciliation")
        self.detail = QLabel()
        self.detail.setObjectName("reconcileDetail")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # outside text, never markup
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("Chosen line in full")
        legend = QLabel(
            "\n".join(f"{status.label}: {meaning}." for status, meaning in MEANINGS.items())
        )
        legend.setObjectName("reconcileLegend")
        legend.setWordWrap(True)
        show = QLabel("&Show")
        show.setBuddy(self.filter_combo)
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        top.addWidget(show)
        top.addWidget(self.filter_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(legend)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.resize(1100, 520)
        self.refresh()

    def refresh(self) -> None:
        """Read the changes and Regal's events again on a worker, measured at the clock's
        "now" (once more after it, when asked while a read runs)."""
        if self._reader is not None:
            self._again = True
            return
        database, now = self._database, self._clock()

        def job(report: Callable[[Any], None], should_stop: Callable[[], bool]) -> Any:
            return ordered(reconcile_database(database, now), DEFAULT_GRACE)

        reader = Worker(
            job, lambda exc: f"Cannot reconcile: {exc}", expected=(StoreError,), parent=self
        )
        reader.done.connect(self._read)
        reader.failed.connect(self.count_label.setText)
        reader.finished.connect(self._reader_finished)
        self._reader = reader
        if not self._lines:
            self.count_label.setText("Reading what this desk sent and what Regal reported…")
        reader.start()

    def is_reading(self) -> bool:
        """True while the lines are being read."""
        return self._reader is not None

    def stop_reading(self) -> None:
        """Wait for a read in progress to end (the window is closing)."""
        if self._reader is not None:
            self._again = False
            self._reader.wait()

    def _reader_finished(self) -> None:
        if self._reader is not None:
            self._reader.deleteLater()
        self._reader = None
        if self._again:
            self._again = False
            self.refresh()

    def _read(self, lines: list[Line]) -> None:
        self._lines = lines
        counted = tally(self._lines, DEFAULT_GRACE)
        if not self._lines:
            self.count_label.setText(
                "Nothing to reconcile yet: no consent change was accepted by Regal and no "
                "Regal event was imported (File → Import Regal events…)."
            )
        else:
            problems = f"{counted.problems} need a look. " if counted.problems else ""
            self.count_label.setText(f"{problems}{counted.summary}.")
        self._show()

    def _show(self) -> None:
        wanted = self.filter_combo.currentData()
        if wanted is None:
            shown = self._lines
        elif wanted == PROBLEMS:
            shown = [line for line in self._lines if line.problem(DEFAULT_GRACE)]
        else:
            shown = [line for line in self._lines if line.status.value == wanted]
        self.model.set_rows(shown)
        self.table.resizeColumnsToContents()
        if shown:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._show_detail()

    def _show_detail(self) -> None:
        index = self.table.currentIndex()
        if index.isValid() and 0 <= index.row() < self.model.rowCount():
            self.detail.setText(line_details(self.model.row_at(index.row())))
            self.detail.show()
        else:
            self.detail.clear()
            self.detail.hide()


__all__ = ["COLUMNS", "FILTERS", "ReconcileModel", "ReconcileView", "line_details", "status_words"]
