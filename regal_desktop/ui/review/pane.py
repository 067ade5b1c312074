"""The right side of the editor: preview, findings, profile after send, and Send."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.domain.findings import Finding, Level
from regal_desktop.ui.review.findings import FindingsView
from regal_desktop.ui.review.preview import JsonPreview
from regal_desktop.ui.review.profile import ProfileView


def findings_summary(findings: Sequence[Finding]) -> str:
    """``2 errors, 1 warning`` (or ``Ready to send``)."""
    errors = sum(f.level is Level.ERROR for f in findings)
    warnings = len(findings) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' * (errors != 1)}")
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return ", ".join(parts) if parts else "No findings"


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
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        # Air between the buttons and the window's right and bottom edges.
        layout.setContentsMargins(0, 0, 9, 6)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

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
