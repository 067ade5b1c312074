"""Step 3 of the import: read and check every row on a worker thread, then show the result.

The page shows the counts, the first rows exactly as they will be sent, and every
rejected row with its line and reason (savable as CSV with a reason column). "Send"
queues the good rows in one transaction, after the same production confirmation as a
single send; until then nothing is in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QObject,
    Qt,
)
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from regal_desktop.context import AppContext
from regal_desktop.domain.column_names import mapping_notes
from regal_desktop.domain.import_rows import ColumnMapping, MappingError, read_header
from regal_desktop.services.accounts import AccountError
from regal_desktop.services.bulk_import import (
    ImportFileError,
    ImportPlan,
    RejectedRow,
)
from regal_desktop.services.confirmation import bulk_confirmation
from regal_desktop.services.import_plan import plan_with_directory
from regal_desktop.services.routes import preview_for_route, route_of
from regal_desktop.store import StoreError
from regal_desktop.ui.csv_import.state import ImportState, error_label, save_rejected_rows
from regal_desktop.ui.shell.table_model import RowsModel, rows_view
from regal_desktop.ui.shell.worker import Worker

REJECTED_COLUMNS = ("Line", "Reason", "Cells")
#: How many good rows the preview shows as JSON.
PREVIEW_ROWS = 3
#: How many kinds of warning the check page names one by one.
WARNING_KINDS = 8


class _PlanAbandonedError(Exception):
    """Raised from the progress callback to abandon a plan nobody wants any more."""


def account_route(app: AppContext, account: str) -> str:
    """The route of ``account`` (``segment`` for a Segment one), ``regal`` if it is gone."""
    try:
        return route_of(app.accounts.get(account))
    except AccountError:
        return "regal"  # sending to it says the account is gone


def planner(
    app: AppContext, path: Path, mapping: ColumnMapping, parent: QObject, route: str = "regal"
) -> Worker:
    """A worker reading and checking the file for ``route``; ``done`` carries the plan
    (None if stopped)."""
    database, region = app.database, app.region  # read here: the store is the GUI thread's

    def job(report: Callable[[Any], None], should_stop: Callable[[], bool]) -> Any:
        def progress(line: int, lines: int) -> None:
            if should_stop():
                raise _PlanAbandonedError
            report((line, lines))

        try:
            return plan_with_directory(database, region, path, mapping, progress, route)
        except _PlanAbandonedError:
            return None

    return Worker(
        job,
        lambda exc: f"The import stopped: {exc}",
        expected=(ImportFileError, StoreError),
        parent=parent,
    )


def warnings_text(plan: ImportPlan) -> str:
    """What the warnings of "N with warnings" are: each kind with its count and lines."""
    kinds = plan.warning_kinds()
    if not kinds:
        return ""
    shown = [f"• {kind}" for kind in kinds[:WARNING_KINDS]]
    if len(kinds) > WARNING_KINDS:
        shown.append(f"• … and {len(kinds) - WARNING_KINDS:,} more kinds")
    return "The warnings (the rows are still sent):\n" + "\n".join(shown)


class RejectedModel(RowsModel[RejectedRow]):
    """The rejected rows of a plan: line, reason, and the cells as read."""

    columns = REJECTED_COLUMNS

    def cell(self, item: RejectedRow, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (str(item.line), item.reason, " | ".join(item.cells))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PreviewPage(QWizardPage):
    """Counts, the first bodies, every rejected row; "Send" queues the good rows."""

    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.planner: Worker | None = None
        #: The account the rows are checked for and queued to (the account bar's, when
        #: the check started: a Segment account's route checks each row).
        self.account = state.sending.account
        self.setTitle("Check the rows")
        self.setCommitPage(True)  # once queued, there is no going back to change the file
        self.busy = QProgressBar()
        self.busy.setObjectName("planProgress")
        self.summary = QLabel()
        self.summary.setObjectName("planSummary")
        self.summary.setWordWrap(True)
        self.error = error_label("planError")
        self.warnings = QLabel()
        self.warnings.setObjectName("planWarnings")
        self.warnings.setAccessibleName("What the warnings are")
        self.warnings.setWordWrap(True)
        self.warnings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bodies = QPlainTextEdit()
        self.bodies.setObjectName("planBodies")
        self.bodies.setAccessibleName("Request bodies")
        self.bodies.setReadOnly(True)
        self.bodies.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.rejected = RejectedModel(self)
        self.rejected_table = rows_view(self.rejected, "rejectedTable", single=False)
        self.rejected_table.setAccessibleName("Rejected rows")
        self.save_rejected_button = QPushButton("Save rejected rows…")
        self.save_rejected_button.setObjectName("saveRejectedButton")
        self.save_rejected_button.setToolTip(
            "Write the rejected rows as CSV with line and reason columns, to fix and import again"
        )
        self.save_rejected_button.clicked.connect(self.save_rejected)

        first = QWidget()
        first_layout = QVBoxLayout(first)
        first_layout.setContentsMargins(0, 0, 0, 0)
        first_layout.addWidget(
            QLabel(f"The first {PREVIEW_ROWS} requests, exactly as they will be sent:")
        )
        first_layout.addWidget(self.bodies)
        rejected = QWidget()
        rejected_layout = QVBoxLayout(rejected)
        rejected_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("Rejected rows (not sent):"), 1)
        top.addWidget(self.save_rejected_button)
        rejected_layout.addLayout(top)
        rejected_layout.addWidget(self.rejected_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(first)
        splitter.addWidget(rejected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.busy)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(self.error)
        layout.addWidget(splitter, 1)

    def initializePage(self) -> None:
        self.stop_planning()
        self.error.clear()
        self.summary.setText(f"Reading and checking every row of {self.state.path}…")
        self.bodies.clear()
        self.warnings.clear()
        self.rejected.set_rows([])
        self.save_rejected_button.setEnabled(False)
        self.busy.setRange(0, 0)  # busy until the first progress report gives a size
        self.busy.show()
        assert self.state.path is not None  # the file page set it
        self.account = self.state.sending.account
        route = account_route(self.state.app, self.account)
        thread = planner(self.state.app, self.state.path, self.state.mapping, self, route)
        thread.progressed.connect(self._progressed)
        thread.done.connect(self._planned)
        thread.failed.connect(self._failed)
        thread.finished.connect(thread.deleteLater)
        self.planner = thread
        self.state.plan = None
        self.completeChanged.emit()
        thread.start()

    def cleanupPage(self) -> None:
        self.stop_planning()

    def stop_planning(self) -> None:
        """Abandon a plan being read and wait for its thread."""
        if self.planner is not None:
            self.planner.request_stop()
            self.planner.wait()
            self.planner = None

    def _progressed(self, reached: tuple[int, int]) -> None:
        line, lines = reached
        self.busy.setRange(0, lines)
        self.busy.setValue(line)

    def _failed(self, message: str) -> None:
        self.planner = None
        self.busy.hide()
        self.summary.clear()
        self.error.setText(message)

    def _planned(self, plan: ImportPlan | None) -> None:
        self.planner = None
        if plan is None:
            return  # abandoned
        self.busy.hide()
        self.state.plan = plan
        good = len(plan.good)
        lines = [plan.summary() + "."]
        lines += [notice[0].upper() + notice[1:] + "." for notice in plan.notices]
        lines += [note[0].upper() + note[1:] + "." for note in self._mapping_notes(plan)]
        if plan.route == "segment":
            lines.append(
                f"Checked for account {self.account}, a Segment account: rows its route "
                "cannot carry to Regal are rejected, each with why."
            )
        if good:
            lines.append(
                f"Press “Send {good:,} rows” to queue them for account "
                f"{self.account}; the rejected rows are not sent."
            )
        else:
            lines.append("No row can be sent; fix the file (or the mapping) and try again.")
        self.summary.setText("\n".join(lines))
        self.warnings.setText(warnings_text(plan))
        self.bodies.setPlainText(
            "\n\n".join(
                # A Segment account's rows as the calls posted to /batch.
                f"// line {row.line}\n{preview_for_route(plan.route, row.checked)}"
                for row in plan.good[:PREVIEW_ROWS]
            )
        )
        self.rejected.set_rows(plan.rejected)
        self.rejected_table.resizeColumnToContents(0)
        self.rejected_table.setColumnWidth(1, 420)
        self.save_rejected_button.setEnabled(bool(plan.rejected))
        self.setButtonText(QWizard.WizardButton.CommitButton, f"Send {good:,} rows")
        self.completeChanged.emit()

    def _mapping_notes(self, plan: ImportPlan) -> tuple[str, ...]:
        """The ignored columns and the missing phone/e-mail or consent, in words."""
        mapping = self.state.mapping
        try:
            columns = read_header(plan.header, mapping)
        except MappingError:
            return ()  # the plan was read, so the header was accepted
        return mapping_notes(columns.header, columns.targets, mapping.defaults)

    def isComplete(self) -> bool:
        return self.state.plan is not None and bool(self.state.plan.good)

    def save_rejected(self) -> Path | None:
        """Ask where, then write the rejected rows with their line and reason."""
        path = save_rejected_rows(self.state, self)
        if path is None or self.state.plan is None:
            return None
        count = len(self.state.plan.rejected)
        self.error.setText("")
        self.summary.setText(self.summary.text() + f"\nSaved {count} rejected rows to {path}.")
        return path

    def validatePage(self) -> bool:
        """Confirm (production) and queue the good rows; False leaves nothing queued."""
        plan = self.state.plan
        if plan is None or not plan.good:
            return False
        sending = self.state.sending
        rows, changes, source = len(plan.good), plan.consent_changes, Path(plan.source).name
        queued = sending.submit(
            self,
            plan.prepared(),
            self.account,
            lambda profile: bulk_confirmation(profile, rows, changes, source),
            watch=False,
        )
        if queued is None:
            return False  # the controller said why (no key, cancelled, the store refused)
        self.state.destination, self.state.ids = queued.destination, queued.ids
        return True
