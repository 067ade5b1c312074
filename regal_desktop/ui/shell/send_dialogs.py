"""The questions sending asks, above all the one before a request leaves this computer.

Sends to the sandbox or another receiver on loopback go without asking. Anything else
reaches a real Regal account, so the user sees where it goes (production marked), who it
is for, and what it changes that journeys depend on: every consent change and a move of
the primary phone. Every question goes through :class:`SendPrompts`, which tests script.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from regal_desktop.domain.consent import consent_changes, describe_change, format_point
from regal_desktop.domain.profile import display_key, merge_profile, primary_phone
from regal_desktop.services.accounts import AccountProfile
from regal_desktop.store.outbox import RequestRow


@dataclass(frozen=True)
class Confirmation:
    """What a send is about to do, in words for the confirmation dialog."""

    profile: str
    endpoint: str
    production: bool
    contact: str
    changes: tuple[str, ...]

    @property
    def title(self) -> str:
        """The dialog's title."""
        return "Send to production?" if self.production else "Send to Regal?"

    @property
    def question(self) -> str:
        """One sentence naming the account, with production in capitals."""
        where = "the PRODUCTION account" if self.production else "the account"
        return f"Send this request to {where} “{self.profile}” ({self.endpoint})?"

    @property
    def details(self) -> str:
        """Who it is for and each change worth a second look, one per line."""
        lines = [f"Contact: {self.contact or '(no phone, e-mail or userId)'}"]
        if self.changes:
            lines.append("This request records:")
            lines.extend(f"• {change}" for change in self.changes)
        else:
            lines.append("No consent changes and no change of the primary phone.")
        return "\n".join(lines)

    @property
    def text(self) -> str:
        """The whole question as plain text."""
        return f"{self.question}\n\n{self.details}"


def primary_phone_change(known: dict[str, Any] | None, body: dict[str, Any]) -> str | None:
    """``Primary phone becomes +1 … (was +1 …)`` when the send moves it, else None."""
    before = primary_phone(known) if known else None
    after = primary_phone(merge_profile(known, body))
    if after is None or after == before:
        return None
    was = f" (was {format_point(before)})" if before else ""
    return f"Primary phone becomes {format_point(after)}{was}"


def build_confirmation(
    profile: AccountProfile, body: dict[str, Any], known: dict[str, Any] | None
) -> Confirmation:
    """Describe sending ``body`` to ``profile`` for a contact this desk knew as ``known``."""
    changes = [describe_change(change) for change in consent_changes(body)]
    primary = primary_phone_change(known, body)
    if primary:
        changes.append(primary)
    return Confirmation(
        profile=profile.name,
        endpoint=profile.endpoint,
        production=profile.is_production,
        contact=format_point(display_key(body)),
        changes=tuple(changes),
    )


def bulk_confirmation(
    profile: AccountProfile, rows: int, changes: int, source: str
) -> Confirmation:
    """Describe sending ``rows`` imported contacts carrying ``changes`` consent changes."""
    return Confirmation(
        profile=profile.name,
        endpoint=profile.endpoint,
        production=profile.is_production,
        contact=f"{rows:,} contacts from {source}",
        changes=(f"{changes:,} consent changes (opt-ins and opt-outs)",) if changes else (),
    )


def ask_confirmation(parent: QWidget, confirmation: Confirmation) -> bool:
    """Show the question in a dialog; True only when the user chose to send."""
    box = QMessageBox(parent)
    box.setObjectName("confirmSendBox")
    box.setIcon(QMessageBox.Icon.Warning if confirmation.production else QMessageBox.Icon.Question)
    box.setWindowTitle(confirmation.title)
    box.setText(confirmation.question)
    box.setInformativeText(confirmation.details)
    send = box.addButton(
        "Send to production" if confirmation.production else "Send",
        QMessageBox.ButtonRole.AcceptRole,
    )
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    # Enter must not send to production by accident: Cancel is the default there.
    box.setDefaultButton(cancel if confirmation.production else send)
    box.exec()
    return box.clickedButton() is send


def session_only(profile: str) -> str:
    """What to say when a key cannot be saved."""
    return (
        f"No keychain on this computer: the API key for {profile} is kept for this session "
        "only and never saved."
    )


class SendPrompts:
    """The questions sending asks; DialogSendPrompts shows dialogs, tests script them."""

    def confirm_send(self, parent: QWidget, confirmation: Confirmation) -> bool:
        """Whether to send to a real Regal account."""
        raise NotImplementedError

    def ask_key(self, parent: QWidget, profile: str, reason: str, can_save: bool) -> str | None:
        """The API key for ``profile``, or None to cancel; ``can_save`` is False without a
        keychain (the key then lasts for this session only)."""
        raise NotImplementedError

    def ask_drop(self, parent: QWidget, request: RequestRow) -> bool:
        """Whether to give up on a request."""
        raise NotImplementedError

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        """Tell the user something failed, in plain words."""
        raise NotImplementedError


class DialogSendPrompts(SendPrompts):
    """The real dialogs."""

    def confirm_send(self, parent: QWidget, confirmation: Confirmation) -> bool:
        return ask_confirmation(parent, confirmation)

    def ask_key(self, parent: QWidget, profile: str, reason: str, can_save: bool) -> str | None:
        where = (
            "It is saved in this computer's keychain."
            if can_save
            else "No keychain on this computer: the key is kept for this session only and "
            "never saved."
        )
        key, ok = QInputDialog.getText(
            parent,
            f"API key for {profile}",
            f"{reason}\n\n{where}\n\nAPI key:",
            QLineEdit.EchoMode.Password,
        )
        return key if ok else None

    def ask_drop(self, parent: QWidget, request: RequestRow) -> bool:
        answer = QMessageBox.question(
            parent,
            "Drop request?",
            f"Drop request {request.id} ({request.contact or 'no contact'})? It will not be "
            "sent; it stays in the history as dropped.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def show_error(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.critical(parent, title, message)
