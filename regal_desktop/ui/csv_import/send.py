"""Step 4 of the import: deliver the queued rows with progress, time left, pause and cancel.

Delivery is the window's ``SendController``'s: this page starts it for the import's
profile and follows its progress. Pause stops it after the requests in flight (the rest
wait in the outbox); Resume starts it again; Cancel also drops this import's unsent rows
(they stay in the history as dropped). Closing the wizard leaves delivery running, and
whatever is still queued when the application closes waits in the outbox for next time.
"""

from __future__ import annotations

import time
from collections import deque
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from regal_desktop.delivery.report import Progress, Summary
from regal_desktop.services.accounts import Destination
from regal_desktop.services.sending import drop_unsent
from regal_desktop.ui.csv_import.state import ImportState, save_rejected_rows
from regal_desktop.ui.outbox.controller import SendController
from regal_desktop.ui.shell.changes import What

#: How far back the sending speed is measured for the estimate of time left.
_SPEED_WINDOW_S = 10.0


def time_left(remaining: int, per_second: float) -> str:
    """``about 2 min 05 s left`` for ``remaining`` requests at ``per_second``."""
    if remaining <= 0:
        return ""
    if per_second <= 0:
        return "estimating time left…"
    seconds = round(remaining / per_second)
    if seconds < 60:
        return f"about {max(seconds, 1)} s left"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"about {minutes} min {seconds:02d} s left"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes:02d} min left"


class Speed:
    """Requests finished per second over the last few seconds (restarted on resume)."""

    def __init__(self) -> None:
        self._points: deque[tuple[float, int]] = deque()

    def restart(self) -> None:
        """Forget the past (after a pause the speed starts again)."""
        self._points.clear()

    def note(self, done: int, now: float | None = None) -> float:
        """Record ``done`` requests at ``now``; the speed over the window so far."""
        at = time.monotonic() if now is None else now
        self._points.append((at, done))
        while len(self._points) > 2 and at - self._points[0][0] > _SPEED_WINDOW_S:
            self._points.popleft()
        first_at, first_done = self._points[0]
        return (done - first_done) / (at - first_at) if at > first_at else 0.0


class RunState(Enum):
    """Where the import's delivery stands."""

    SENDING = "sending"
    PAUSING = "pausing"
    PAUSED = "paused"
    CANCELLING = "cancelling"
    CANCELLED = "cancelled"
    DONE = "done"


class ImportRun(QObject):
    """Follows one import's delivery through the controller; pause, resume, cancel."""

    changed = Signal()

    def __init__(
        self, controller: SendController, destination: Destination, ids: list[int]
    ) -> None:
        super().__init__(controller)
        self.controller = controller
        self.destination = destination
        self.ids = ids
        self.state = RunState.SENDING
        self.remaining = len(ids)
        self.delivered = self.rejected = self.held = self.dropped = 0
        self.per_second = 0.0
        self._speed = Speed()
        controller.stopped.connect(self._stopped)
        controller.progress.connect(self._progress)
        controller.finished.connect(self._finished)

    @property
    def profile(self) -> str:
        """The profile the rows were queued for."""
        return self.destination.profile.name

    @property
    def done(self) -> int:
        """How many of the import's requests are no longer waiting."""
        return len(self.ids) - self.remaining

    def start(self) -> None:
        """Deliver again, after a pause (queuing the rows started the first delivery)."""
        self._speed.restart()
        self.state = RunState.SENDING
        self.controller.start(self.destination)
        self.changed.emit()

    def pause(self) -> None:
        """Stop after the requests in flight; the rest wait in the outbox."""
        if self.state is RunState.SENDING:
            self.state = RunState.PAUSING
            self._stop()

    def cancel(self) -> None:
        """Stop, then drop the import's requests that were not sent."""
        if self.state in (RunState.SENDING, RunState.PAUSING, RunState.PAUSED):
            self.state = RunState.CANCELLING
            self._stop()

    def _stop(self) -> None:
        self.changed.emit()
        self.controller.stop(self.profile)  # ``stopped`` follows once in-flight ones end

    def _stopped(self, profile: str) -> None:
        if profile != self.profile:
            return
        if self.state is RunState.PAUSING:
            self.state = RunState.PAUSED
        elif self.state is RunState.CANCELLING:
            self.dropped = drop_unsent(self.controller.app.store, self.ids)
            self.remaining = 0
            self.state = RunState.CANCELLED
            self.controller.changes.notify(What.OUTBOX | What.HISTORY)
        self.changed.emit()

    def _progress(self, progress: Progress) -> None:
        if self.state is not RunState.SENDING and self.state is not RunState.PAUSING:
            return
        # The counts are the profile's (``queued`` includes rows waiting to retry); rows
        # queued for the profile by other sends count as this import's.
        waiting = progress.queued + progress.in_flight
        self.remaining = max(0, min(len(self.ids), waiting))
        self.per_second = self._speed.note(self.done)
        self.changed.emit()

    def _finished(self, summary: Summary) -> None:
        if self.state in (RunState.CANCELLED, RunState.DONE):
            return
        self.delivered += summary.delivered
        self.rejected += summary.rejected
        self.held += summary.held
        if self.state is RunState.SENDING:
            self.remaining = min(len(self.ids), summary.remaining)
            if self.remaining == 0 or summary.auth_failed:
                self.state = RunState.DONE
        self.changed.emit()


class SendPage(QWizardPage):
    """Progress bar, counts, time left, and Pause / Resume / Cancel."""

    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.run: ImportRun | None = None
        self.setTitle("Sending")
        self.setSubTitle(
            "You can close this window: sending goes on, and the Outbox shows what waits. "
            "Rows not sent when the application closes stay queued for the next start."
        )
        self.bar = QProgressBar()
        self.bar.setObjectName("importProgress")
        self.status = QLabel()
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.eta = QLabel()
        self.eta.setObjectName("importEta")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setObjectName("importPauseButton")
        self.pause_button.setToolTip("Stop after the requests in flight; Resume goes on")
        self.resume_button = QPushButton("Resume")
        self.resume_button.setObjectName("importResumeButton")
        self.cancel_button = QPushButton("Cancel import…")
        self.cancel_button.setObjectName("importCancelButton")
        self.cancel_button.setToolTip("Stop and drop the rows not yet sent (kept as dropped)")
        self.rejected = QLabel()
        self.rejected.setObjectName("importRejected")
        self.rejected.setWordWrap(True)
        self.save_rejected_button = QPushButton("Save rejected rows…")
        self.save_rejected_button.setObjectName("importSaveRejectedButton")
        self.save_rejected_button.setToolTip(
            "Write the rejected rows as CSV with line and reason columns, to fix and import again"
        )
        self.save_rejected_button.clicked.connect(self.save_rejected)
        rejected_row = QHBoxLayout()
        rejected_row.addWidget(self.rejected, 1)
        rejected_row.addWidget(self.save_rejected_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.pause_button, self.resume_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.eta)
        layout.addLayout(rejected_row)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def initializePage(self) -> None:
        assert self.state.destination is not None  # the preview page queued the rows
        run = ImportRun(self.state.sending, self.state.destination, self.state.ids)
        self.run = run
        self.bar.setRange(0, len(run.ids))
        run.changed.connect(self._show)
        self.pause_button.clicked.connect(run.pause)
        self.resume_button.clicked.connect(run.start)
        self.cancel_button.clicked.connect(self._ask_cancel)
        run.changed.emit()
        self._show_rejected()

    def _show_rejected(self) -> None:
        """How many rows the check rejected (not sent), and where they were saved."""
        plan = self.state.plan
        count = len(plan.rejected) if plan is not None else 0
        self.rejected.setVisible(bool(count))
        self.save_rejected_button.setVisible(bool(count))
        if not count:
            return
        rows = f"{count:,} row" + ("" if count == 1 else "s")
        saved = self.state.rejected_path
        where = f"saved to {saved}" if saved else "not saved yet"
        self.rejected.setText(f"{rows} of the file rejected by the check (not sent): {where}.")

    def save_rejected(self) -> Path | None:
        """Save the rejected rows, as the check page does."""
        path = save_rejected_rows(self.state, self)
        self._show_rejected()
        return path

    def _ask_cancel(self) -> None:
        if self.run is not None and self.state.dialogs.confirm_cancel_import(
            self, self.run.remaining
        ):
            self.run.cancel()

    def isComplete(self) -> bool:
        return self.run is not None and self.run.state in (RunState.DONE, RunState.CANCELLED)

    def _show(self) -> None:
        run = self.run
        if run is None:
            return
        total = len(run.ids)
        self.bar.setValue(run.done)
        words = {
            RunState.SENDING: f"Sending to {run.profile}: {run.done:,} of {total:,} done",
            RunState.PAUSING: "Pausing after the requests in flight…",
            RunState.PAUSED: f"Paused: {run.done:,} of {total:,} done; the rest wait in the outbox",
            RunState.CANCELLING: "Cancelling after the requests in flight…",
            RunState.CANCELLED: f"Cancelled: {run.dropped:,} unsent rows dropped (kept in the "
            "history as dropped)",
            RunState.DONE: "Done",
        }
        outcome = f"{run.delivered:,} delivered"
        if run.rejected:
            outcome += f", {run.rejected:,} rejected by Regal (open them from the Outbox)"
        if run.held:
            outcome += f", {run.held:,} held: the API key was refused"
        self.status.setText(f"{words[run.state]}. {outcome}.")
        sending = run.state is RunState.SENDING
        self.eta.setText(time_left(run.remaining, run.per_second) if sending else "")
        self.pause_button.setEnabled(sending)
        self.resume_button.setEnabled(run.state is RunState.PAUSED)
        self.cancel_button.setEnabled(
            run.state in (RunState.SENDING, RunState.PAUSING, RunState.PAUSED)
        )
        self.completeChanged.emit()
