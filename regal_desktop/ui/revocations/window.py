"""Revocations: every opt-out this desk recorded, tracked to the 10-business-day deadline.

Read-only. ``services.revocations`` measures each opt-out against the clock the window
was given; overdue ones come first and are marked in words ("Overdue"), in bold and in
the error colour, so the mark does not depend on seeing colour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from regal_desktop.domain.consent import OPT_OUT_METHODS, format_point
from regal_desktop.domain.model import Channel
from regal_desktop.domain.revocations import DEADLINE_BUSINESS_DAYS
from regal_desktop.services.clock import local_time
from regal_desktop.services.revocations import RECEIVED_FROM, Revocation, revocations
from regal_desktop.store import Store
from regal_desktop.ui.shell.style import error_color
from regal_desktop.ui.shell.table_model import RowsModel, rows_view

COLUMNS = (
    "Status",
    "Number or address",
    "Channel",
    "Received",
    "Queued",
    "Accepted by Regal",
    "Business days",
    "Due by (UTC day)",
    "Request",
)
_STATUS, _RECEIVED, _DAYS = 0, 3, 6
#: What the rule is, in one line under the list.
RULE = (
    f"An opt-out must be honoured within {DEADLINE_BUSINESS_DAYS} business days of the "
    "request (FCC, since April 2025). Business days are Monday to Friday, in UTC; the day "
    "it was received does not count."
)


def status_words(item: Revocation) -> str:
    """``Overdue``, ``Waiting for Regal``, ``Accepted late`` or ``Accepted``."""
    if item.overdue:
        return "⚠ Overdue"
    if item.accepted_at is None:
        return "Waiting for Regal"
    return "Accepted late" if item.late else "Accepted"


def _when(moment: datetime | None, missing: str = "") -> str:
    return local_time(moment.isoformat()) if moment else missing


class RevocationsModel(RowsModel[Revocation]):
    """The revocations, overdue first, then the oldest received first."""

    columns = COLUMNS

    def cell(self, item: Revocation, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(item, column)
        if item.overdue and column in (_STATUS, _DAYS):
            if role == Qt.ItemDataRole.ForegroundRole:
                return error_color()
            if role == Qt.ItemDataRole.FontRole:
                bold = QFont()
                bold.setBold(True)
                return bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column == _DAYS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(item: Revocation, column: int) -> str:
        accepted = _when(item.accepted_at, "not yet")
        if item.accepted_by is not None and item.accepted_by != item.request_id:
            accepted += f" (request {item.accepted_by})"
        values = (
            status_words(item),
            format_point(item.point),
            Channel(item.channel).label,
            _when(item.received_at),
            _when(item.queued_at),
            accepted,
            str(item.business_days),
            item.due_day.isoformat(),
            f"{item.request_id} ({item.state.value})",
        )
        return values[column] if 0 <= column < len(values) else ""

    @staticmethod
    def _tip(item: Revocation, column: int) -> str:
        if column == _RECEIVED:
            how = OPT_OUT_METHODS.get(item.method or "", "")
            return f"From {RECEIVED_FROM[item.received_from]}" + (f"; by {how}" if how else "")
        if column == _STATUS and item.overdue:
            return (
                f"Regal has not accepted this opt-out and the end of {item.due_day} (UTC), "
                f"the {DEADLINE_BUSINESS_DAYS}th business day after it was received, has passed"
            )
        if item.reason:
            return f"Reason: {item.reason} (operator {item.operator})"
        return f"Operator {item.operator}"


class RevocationsView(QWidget):
    """The list of revocations, a count of the overdue ones and the rule they are held to.

    ``clock`` gives "now" (the window's clock, so tests can set it).
    """

    def __init__(
        self, store: Store, clock: Callable[[], datetime], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("revocationsView")
        self.setWindowTitle("Revocations — Regal Desktop")
        self._store, self._clock = store, clock
        self.count_label = QLabel()
        self.count_label.setObjectName("revocationsCount")
        self.overdue_box = QCheckBox("Only &overdue")
        self.overdue_box.setObjectName("revocationsOverdueBox")
        self.overdue_box.toggled.connect(self.refresh)
        self.model = RevocationsModel(self)
        self.table = rows_view(self.model, "revocationsTable")
        self.table.setAccessibleName("Revocations")
        rule = QLabel(RULE)
        rule.setObjectName("revocationsRule")
        rule.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        top.addWidget(self.overdue_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(rule)
        self.resize(1100, 480)
        self.refresh()

    def refresh(self) -> None:
        """Read the revocations again, measured at the clock's "now"."""
        everything = revocations(self._store, self._clock())
        overdue = sum(1 for item in everything if item.overdue)
        shown = [r for r in everything if r.overdue] if self.overdue_box.isChecked() else everything
        self.model.set_rows(shown)
        self.table.resizeColumnsToContents()
        self.count_label.setText(_count(len(everything), overdue))
        font = self.count_label.font()
        font.setBold(overdue > 0)  # the news that matters, not in colour alone
        self.count_label.setFont(font)


def _count(total: int, overdue: int) -> str:
    if not total:
        return "No opt-outs recorded yet."
    opt_outs = f"{total} opt-out{'s' if total != 1 else ''} recorded"
    if not overdue:
        return f"{opt_outs}; none overdue."
    return (
        f"{opt_outs}; {overdue} overdue: not accepted by Regal within "
        f"{DEADLINE_BUSINESS_DAYS} business days."
    )


__all__ = ["COLUMNS", "RULE", "RevocationsModel", "RevocationsView", "status_words"]
