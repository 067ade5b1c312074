"""The right side of the editor: preview, findings, profile after send, and Send.

Beside Send: the per-send choices (restate consent on purpose, the reason for the change
and its proof, which are evidence kept in the history, never sent) and Regal's answer to
the last request sent from here, until the next edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.domain.consent import format_point
from regal_desktop.domain.findings import Finding, Level
from regal_desktop.domain.model import Channel
from regal_desktop.ui.review.findings import FindingsView
from regal_desktop.ui.review.preview import JsonPreview
from regal_desktop.ui.review.profile import ProfileView


def findings_summary(findings: Sequence[Finding]) -> str:
    """``2 errors, 1 warning`` (or ``Ready to send``); information is no warning."""
    errors = sum(f.level is Level.ERROR for f in findings)
    warnings = sum(f.level is Level.WARNING for f in findings)
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' * (errors != 1)}")
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return ", ".join(parts) if parts else "No findings"


#: How many left-out consent objects the note names before "and N more".
_NAMED = 3


def left_out_lines(left_out: Sequence[tuple[str, str, Channel]]) -> list[str]:
    """One line per consent object left out as unchanged: "SMS for +1 954-555-2399:
    unchanged, not sent"."""
    return [
        f"{channel.label} for {format_point(point)}: unchanged, not sent"
        for _kind, point, channel in left_out
    ]


def _note_edit(name: str, accessible: str, placeholder: str) -> QLineEdit:
    """A line for evidence typed beside Send (kept in the history, never sent)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


class ReviewPane(QWidget):
    """What will be sent, what is wrong with it, and what Regal will hold afterwards."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = JsonPreview()
        self.findings = FindingsView()
        self.profile = ProfileView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reviewTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().setAccessibleName("Review")
        self.tabs.addTab(self.preview, "Preview")
        self.tabs.addTab(self.findings, "Findings")
        self.tabs.addTab(self.profile, "Profile after send")

        self.status = QLabel()
        self.status.setObjectName("reviewStatus")
        self.status.setWordWrap(True)
        self.send_button = QPushButton("Send…")
        self.send_button.setObjectName("sendButton")
        self.send_button.setAccessibleName("Send to Regal")
        self.send_button.setDefault(False)
        self.send_button.setMinimumWidth(120)
        #: The consent objects equal to what Regal holds, left out of the body.
        self.left_out = QLabel()
        self.left_out.setObjectName("leftOutNote")
        self.left_out.setWordWrap(True)
        self.left_out.setVisible(False)
        self.reason = _note_edit(
            "reasonEdit", "Reason for change", "optional; kept in the history, not sent"
        )
        self.proof = _note_edit(
            "proofEdit",
            "Proof: recording id, ticket or URL",
            "recording id, ticket or URL; not sent",
        )
        self.restate = QCheckBox("Restate consent")
        self.restate.setObjectName("restateCheck")
        self.restate.setToolTip(
            "Send consent objects even where Regal already holds the same (this send only); "
            "they are recorded as restatements, not as changes"
        )
        notes = QFormLayout()
        notes.setContentsMargins(0, 0, 0, 0)
        notes.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        reason_label, proof_label = QLabel("&Reason for change:"), QLabel("Pr&oof:")
        reason_label.setBuddy(self.reason)
        proof_label.setBuddy(self.proof)
        notes.addRow(reason_label, self.reason)
        notes.addRow(proof_label, self.proof)
        # A choice for this send, like the reason and proof; the row with Send keeps room
        # for the status, which says why Send is greyed out.
        notes.addRow("", self.restate)
        #: Regal's answer to the last request sent from here, until the next edit.
        self.answer = QLabel()
        self.answer.setObjectName("sendAnswer")
        self.answer.setAccessibleName("Regal's answer to the last send")
        self.answer.setWordWrap(True)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer.setVisible(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        # Air between the buttons and the window's right and bottom edges.
        layout.setContentsMargins(0, 0, 9, 6)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.left_out)
        layout.addLayout(notes)
        layout.addLayout(bottom)
        layout.addWidget(self.answer)

    def show_review(
        self,
        text: str,
        findings: Sequence[Finding],
        known: dict[str, Any] | None,
        body: dict[str, Any],
    ) -> None:
        """Show a checked body: its text, its findings and the resulting profile."""
        self.preview.show_text(text)
        self.findings.show_findings(findings)
        self.profile.show_profile(known, body)
        errors = any(f.level is Level.ERROR for f in findings)
        summary = findings_summary(findings)
        self.tabs.setTabText(1, f"Findings ({len(findings)})" if findings else "Findings")
        self.status.setText(
            f"{summary}: fix the errors to send."
            if errors
            else f"{summary}. Ready to send."
            if findings
            else "Ready to send."
        )
        self.send_button.setEnabled(not errors)
        self.send_button.setToolTip(
            "Fix the errors listed under Findings first"
            if errors
            else "Review and send this request (Ctrl+Enter)"
        )

    def show_left_out(self, left_out: Sequence[tuple[str, str, Channel]]) -> None:
        """Say which consent objects the body leaves out as unchanged (hidden: none)."""
        lines = left_out_lines(left_out)
        shown = lines[:_NAMED]
        if len(lines) > _NAMED:
            shown.append(f"… and {len(lines) - _NAMED} more unchanged, not sent")
        self.left_out.setText("\n".join(shown))
        self.left_out.setToolTip("\n".join(lines[:50]))
        self.left_out.setVisible(bool(lines))

    def show_answer(self, text: str) -> None:
        """Show Regal's answer to the last request sent from here ("" hides it)."""
        self.answer.setText(text)
        self.answer.setVisible(bool(text))

    def send_done(self) -> None:
        """A send was queued: the per-send choices start again (restate off, no reason,
        no proof)."""
        self.restate.setChecked(False)
        self.reason.clear()
        self.proof.clear()
