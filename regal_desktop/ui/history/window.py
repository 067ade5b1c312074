"""The history: every request this desk sent, filtered, with its detail and evidence export.

The rows come from ``History.search`` (newest first, at most ``LIMIT``); nothing here
decides what a request or a consent change is. Export writes ``History.evidence`` for the
current filter, or for everything, through ``services.evidence`` (atomically).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.delivery.report import regal_answer
from regal_desktop.domain.consent import describe_consent, format_point
from regal_desktop.domain.model import Channel
from regal_desktop.domain.profile import primary_phone
from regal_desktop.services.clock import end_of_day, local_time, start_of_day
from regal_desktop.services.confirmation import primary_phone_move
from regal_desktop.services.evidence import ExportError, export_evidence, format_for
from regal_desktop.store import ImportBatch, Store
from regal_desktop.store.history import StoredConsent
from regal_desktop.store.outbox import RequestRow
from regal_desktop.store.states import RequestState
from regal_desktop.ui.history.request_detail import RequestDetailDialog
from regal_desktop.ui.shell.dialogs import Dialogs
from regal_desktop.ui.shell.table_model import RowsModel, rows_view

COLUMNS = ("Time", "Operator", "Account", "Contact", "Consent changes", "Status", "Regal's answer")
#: How many requests one search shows; the filters narrow it down.
LIMIT = 500
#: The date the date boxes show as "Any" (no bound).
_NO_DATE = QDate(2000, 1, 1)
_TYPING_PAUSE_MS = 150


def consent_summary(
    body: str, earlier: Iterable[str] = (), stored: Sequence[StoredConsent] = ()
) -> str:
    """The consent a request carried as the history stored it (``stored``): changes, e.g.
    ``SMS opt-out for +1 954-…``, and restatements of the known state said as such; then
    the move of the primary phone it makes after the ``earlier`` bodies (newest first)."""
    changes = [
        describe_consent(c.channel, c.subscribed, c.point, restatement=not c.is_change)
        for c in stored
    ]
    try:
        parsed = json.loads(body)
        before = [json.loads(text) for text in reversed(list(earlier))]
        primary = primary_phone_move((b for b in before if isinstance(b, dict)), parsed)
    except (ValueError, AttributeError, KeyError, TypeError):
        primary = None
    return "; ".join([*changes, primary] if primary else changes)


def contact_name(body: str, known: dict[str, Any] | None) -> str:
    """``Jane Doe · +1 954-558-2399``: the name and primary phone the body gives, else
    those of the contact the directory ``known`` holds; whatever of them is known."""
    try:
        parsed = json.loads(body)
        traits = parsed.get("traits") or {}
        known_traits = (known or {}).get("traits") or {}
        name = " ".join(
            str(traits.get(part) or known_traits.get(part) or "")
            for part in ("firstName", "lastName")
        ).strip()
        phone = primary_phone(parsed) or (primary_phone(known) if known else None)
    except (ValueError, AttributeError, TypeError):
        return ""
    return " · ".join(part for part in (name, format_point(phone) if phone else "") if part)


@dataclass(frozen=True)
class HistoryFilter:
    """What the history shows: any of contact text, a local date range, state, channel."""

    contact: str = ""
    since: date | None = None
    until: date | None = None
    state: str | None = None
    channel: str | None = None
    imports: tuple[ImportBatch, ...] | None = None

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``History.search`` and ``History.evidence``."""
        return {
            "contact": self.contact.strip() or None,
            "since": start_of_day(self.since) if self.since else None,
            "until": end_of_day(self.until) if self.until else None,
            "states": [self.state] if self.state else None,
            "channel": self.channel,
            "imports": self.imports,
        }


class HistoryModel(RowsModel[RequestRow]):
    """Requests from the history, newest first."""

    columns = COLUMNS

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._changes: dict[int, str] = {}  # request id -> consent summary, made once
        #: The stored consent of the requests shown, read in one query per search.
        self._consent: dict[int, list[StoredConsent]] = {}
        self._names: dict[int, str] = {}  # request id -> "name · primary phone"

    def search(self, where: HistoryFilter) -> None:
        """Show the requests ``where`` selects (ValueError for an impossible filter)."""
        # The directory may know more now, and earlier requests may have been dropped.
        self._names.clear()
        self._changes.clear()
        rows = self._store.history.search(**where.arguments(), limit=LIMIT)
        self._consent = self._store.history.consent_of([row.id for row in rows])
        self.set_rows(rows)

    def cell(self, item: RequestRow, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(item, column)
        return None

    def _text(self, request: RequestRow, column: int) -> str:
        if column == 4:
            if request.id not in self._changes:
                earlier = self._store.history.earlier_bodies(request)
                stored = self._consent.get(request.id, [])
                self._changes[request.id] = consent_summary(request.body, earlier, stored)
            return self._changes[request.id]
        if column == 3:
            if request.id not in self._names:
                known = self._store.directory.get(request.contact) if request.contact else None
                self._names[request.id] = contact_name(request.body, known) or format_point(
                    request.contact
                )
            return self._names[request.id]
        values = (
            local_time(request.created_at),
            request.operator,
            request.profile,
            format_point(request.contact),
            "",
            request.status,
            regal_answer(request.last_status, request.last_answer),
        )
        return values[column] if 0 <= column < len(values) else ""


def import_label(batch: ImportBatch) -> str:
    """``crm.csv — 2026-11-25 14:03:07, 120 requests``."""
    plural = "" if batch.requests == 1 else "s"
    return f"{batch.name} — {local_time(batch.queued_at)}, {batch.requests:,} request{plural}"


def _date_box(name: str, tip: str) -> QDateEdit:
    box = QDateEdit()
    box.setObjectName(name)
    box.setCalendarPopup(True)
    box.setDisplayFormat("yyyy-MM-dd")
    box.setMinimumDate(_NO_DATE)
    box.setSpecialValueText("Any")  # shown at the minimum date, which means "no bound"
    box.setDate(_NO_DATE)
    box.setToolTip(tip)
    box.setAccessibleName(tip)
    return box


class HistoryView(QWidget):
    """Filters, the request table, and Export; double-click shows a request in full."""

    def __init__(
        self,
        store: Store,
        dialogs: Dialogs,
        open_in_editor: Callable[[dict[str, Any]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.setWindowTitle("History — Regal Desktop")
        self._store = store
        self.dialogs = dialogs
        self._open_in_editor = open_in_editor
        self.export_folder = Path.home()

        self.contact_edit = QLineEdit()
        self.contact_edit.setObjectName("historyContactEdit")
        self.contact_edit.setAccessibleName("Filter by contact")
        self.contact_edit.setPlaceholderText("Phone, e-mail or userId")
        self.contact_edit.setClearButtonEnabled(True)
        self.since_edit = _date_box("historySinceEdit", "Show requests queued on or after")
        self.until_edit = _date_box("historyUntilEdit", "Show requests queued on or before")
        self.state_combo = QComboBox()
        self.state_combo.setObjectName("historyStateCombo")
        self.state_combo.addItem("All statuses", None)
        for state in RequestState:
            self.state_combo.addItem(state.label, state.value)
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("historyChannelCombo")
        self.channel_combo.addItem("Any channel", None)
        for channel in Channel:
            self.channel_combo.addItem(f"{channel.label} consent", channel.value)

        self.import_combo = QComboBox()
        self.import_combo.setObjectName("historyImportCombo")
        self.import_combo.setToolTip("Show the requests of one CSV import")
        self.import_combo.setAccessibleName("Import")
        self.import_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.fill_imports()

        self.model = HistoryModel(store, self)
        self.table = rows_view(self.model, "historyTable")
        self.table.setAccessibleName("Requests")
        self.table.doubleClicked.connect(lambda index: self.show_detail(index.row()))

        self.count_label = QLabel()
        self.count_label.setObjectName("historyCount")
        self.filtered_check = QCheckBox("Only what the filters show")
        self.filtered_check.setObjectName("historyExportFiltered")
        self.filtered_check.setChecked(True)
        self.export_button = QPushButton("Export consent evidence…")
        self.export_button.setObjectName("historyExportButton")
        self.export_button.setToolTip(
            "Write every consent change (text, IP, time, operator, Regal's acceptance) "
            "as CSV or JSON lines"
        )
        self.export_button.clicked.connect(self.export)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Contact:"))
        filters.addWidget(self.contact_edit, 2)
        filters.addWidget(QLabel("From:"))
        filters.addWidget(self.since_edit)
        filters.addWidget(QLabel("To:"))
        filters.addWidget(self.until_edit)
        filters.addWidget(self.state_combo)
        filters.addWidget(self.channel_combo)
        filters.addWidget(self.import_combo)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.filtered_check)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        # Typing waits for a pause; the other filters apply at once.
        self._typing = QTimer(self, singleShot=True, interval=_TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.refresh)
        self.contact_edit.textChanged.connect(self._typing.start)
        for box in (self.since_edit, self.until_edit):
            box.dateChanged.connect(self.refresh)
        for combo in (self.state_combo, self.channel_combo, self.import_combo):
            combo.currentIndexChanged.connect(self.refresh)
        self.resize(1100, 560)
        self.refresh()

    def current_filter(self) -> HistoryFilter:
        """The filter the widgets describe."""

        def day(box: QDateEdit) -> date | None:
            chosen = box.date()
            return None if chosen == _NO_DATE else date(chosen.year(), chosen.month(), chosen.day())

        batch = self.import_combo.currentData()
        return HistoryFilter(
            contact=self.contact_edit.text(),
            since=day(self.since_edit),
            until=day(self.until_edit),
            state=self.state_combo.currentData(),
            channel=self.channel_combo.currentData(),
            imports=(batch,) if isinstance(batch, ImportBatch) else None,
        )

    def fill_imports(self) -> None:
        """List the imports in the import filter (newest first), keeping the chosen one."""
        chosen = self.import_combo.currentData()
        self.import_combo.blockSignals(True)
        self.import_combo.clear()
        self.import_combo.addItem("Any import or none", None)
        for batch in self._store.history.imports():
            self.import_combo.addItem(import_label(batch), batch)
            self.import_combo.setItemData(
                self.import_combo.count() - 1, batch.file, Qt.ItemDataRole.ToolTipRole
            )
        batches = [self.import_combo.itemData(i) for i in range(self.import_combo.count())]
        self.import_combo.setCurrentIndex(batches.index(chosen) if chosen in batches else 0)
        self.import_combo.blockSignals(False)

    def refresh(self) -> None:
        """Search again with the current filters."""
        self._typing.stop()
        if self.sender() is not self.import_combo:  # an import may have been queued since
            self.fill_imports()
        try:
            self.model.search(self.current_filter())
        except ValueError as exc:
            self.count_label.setText(str(exc))
            return
        shown = self.model.rowCount()
        more = (
            f" (the newest {LIMIT}; narrow the filters to see older ones)" if shown == LIMIT else ""
        )
        self.count_label.setText(f"{shown} request{'' if shown == 1 else 's'}{more}")
        self.table.resizeColumnsToContents()

    def show_detail(self, row: int) -> RequestDetailDialog:
        """Open the request in ``row`` in a detail dialog (window-modal)."""
        request = self.model.row_at(row)
        dialog = RequestDetailDialog(
            request, self._store.history.attempts(request.id), self._open_in_editor, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def export(self) -> Path | None:
        """Ask where, then write the evidence of the filter (or of everything)."""
        path = self.dialogs.ask_export_path(self, self.export_folder / "consent-evidence.csv")
        if path is None:
            return None
        where = self.current_filter() if self.filtered_check.isChecked() else HistoryFilter()
        try:
            fmt = format_for(str(path), None)
            rows = export_evidence(self._store.history.evidence(**where.arguments()), path, fmt)
        except (ExportError, ValueError) as exc:
            self.dialogs.show_error(self, "Export failed", str(exc))
            return None
        self.export_folder = path.parent
        self.count_label.setText(f"Exported {rows} consent change(s) to {path}")
        return path
