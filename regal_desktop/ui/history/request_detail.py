"""One request from the history in full: the exact body sent, its SHA-256 and every attempt.

The body is shown as stored, byte for byte what went on the wire, read-only; "Open in
editor" loads it into the editor as a new contact (the stored request never changes). A
request of a Segment account went out as Segment calls made from that body: the dialog
names the route, the calls' message ids and the batch of each attempt.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.delivery.report import regal_answer
from regal_desktop.domain.consent import format_point
from regal_desktop.domain.segment import segment_calls
from regal_desktop.services.clock import local_time
from regal_desktop.store.history import AttemptRow
from regal_desktop.store.outbox import RequestRow

ATTEMPT_COLUMNS = ("Started", "Finished", "HTTP status", "Regal's answer", "Sent to")
#: A Segment request's attempts: Segment answered, and each went in a batch.
SEGMENT_ATTEMPT_COLUMNS = (
    "Started",
    "Finished",
    "HTTP status",
    "Segment's answer",
    "Batch",
    "Sent to",
)
#: How the dialog names each route.
ROUTE_WORDS = {
    "regal": "Regal (the body as is, one request per POST)",
    "segment": "Segment (identify and track calls made from the body, in batches)",
}


def message_ids(request: RequestRow) -> str:
    """The messageIds a Segment request's calls carry (the same on every attempt)."""
    if not request.message_id:
        return "—"
    try:
        body = json.loads(request.body)
        calls = segment_calls(body, message_id=request.message_id, timestamp=request.created_at)
    except (ValueError, TypeError, KeyError):
        return f"{request.message_id}-identify"
    return "\n".join(str(call["messageId"]) for call in calls)


def _selectable(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class RequestDetailDialog(QDialog):
    """The request ``request`` with its attempts; ``open_in_editor`` receives the body."""

    def __init__(
        self,
        request: RequestRow,
        attempts: list[AttemptRow],
        open_in_editor: Callable[[dict[str, Any]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("requestDetailDialog")
        self.setWindowTitle(f"Request {request.id} — {format_point(request.contact)}")
        self.request = request
        self._open_in_editor = open_in_editor

        facts = QFormLayout()
        facts.addRow("Queued:", _selectable(local_time(request.created_at), "detailQueued"))
        facts.addRow("Operator:", _selectable(request.operator, "detailOperator"))
        facts.addRow(
            "Account:", _selectable(f"{request.profile} ({request.endpoint})", "detailProfile")
        )
        segment = request.route == "segment"
        route = ROUTE_WORDS.get(request.route, request.route)
        facts.addRow("Route:", _selectable(route, "detailRoute"))
        if segment:
            facts.addRow("Message ids:", _selectable(message_ids(request), "detailMessageIds"))
        facts.addRow("Status:", _selectable(request.status, "detailStatus"))
        answer = regal_answer(request.last_status, request.last_answer) or "—"
        who = "Segment" if segment else "Regal"
        facts.addRow(f"{who}'s answer:", _selectable(answer, "detailAnswer"))
        facts.addRow("SHA-256:", _selectable(request.sha256, "detailSha256"))
        if request.origin:
            facts.addRow("From:", _selectable(request.origin, "detailOrigin"))

        self.body_view = QPlainTextEdit(request.body)
        self.body_view.setObjectName("detailBody")
        self.body_view.setAccessibleName("Body sent")
        self.body_view.setReadOnly(True)
        self.body_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        columns = SEGMENT_ATTEMPT_COLUMNS if segment else ATTEMPT_COLUMNS
        self.attempts = QTableWidget(len(attempts), len(columns))
        self.attempts.setObjectName("detailAttempts")
        self.attempts.setAccessibleName("Attempts")
        self.attempts.setHorizontalHeaderLabels(columns)
        self.attempts.verticalHeader().hide()
        self.attempts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attempts.horizontalHeader().setStretchLastSection(True)
        self.attempts.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        for row, attempt in enumerate(attempts):
            values = [
                local_time(attempt.started_at),
                local_time(attempt.finished_at),
                "" if attempt.status is None else str(attempt.status),
                regal_answer(attempt.status, attempt.answer),
            ]
            if segment:
                # A request refused before sending (a message over 32 KB) went nowhere.
                values += [attempt.batch or "— (not sent)", attempt.endpoint or "— (not sent)"]
            else:
                values.append(attempt.endpoint or request.endpoint)  # none before version 2
            for column, value in enumerate(values):
                self.attempts.setItem(row, column, QTableWidgetItem(value))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = buttons.addButton(
            "Open in editor", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.setObjectName("detailOpenButton")
        self.open_button.setToolTip("Load this body into the editor as a new contact")
        self.open_button.clicked.connect(self.open_body)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(facts)
        layout.addWidget(
            QLabel(
                "Body queued (Regal-shaped; its Segment calls were made from it when sent):"
                if segment
                else "Body sent (exactly these bytes, UTF-8):"
            )
        )
        layout.addWidget(self.body_view, 3)
        layout.addWidget(QLabel(f"Attempts ({len(attempts)}):"))
        layout.addWidget(self.attempts, 1)
        layout.addWidget(buttons)
        self.resize(720, 640)

    def open_body(self) -> None:
        """Hand the body to the editor and close."""
        self._open_in_editor(json.loads(self.request.body))
        self.accept()
