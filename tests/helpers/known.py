"""A contact the directory knows (sent once to the built-in sandbox), opened from Contacts:
what the editor's baseline marks, sends and replacements are tested against."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from tests.helpers.desk import Desk, send_body

MOBILE = "+19545552399"
MOBILE_SHOWN = "+1 954-555-2399"
CONSENT_TIME = "2026-03-12T14:02:00Z"

#: A contact with a voice opt-in and an SMS opt-out on its primary mobile.
KNOWN: dict[str, Any] = {
    "userId": "u-77",
    "traits": {
        "firstName": "Ana",
        "lastName": "Smith",
        "phones": {
            MOBILE: {
                "label": "Mobile",
                "isPrimary": True,
                "voiceOptIn": {
                    "subscribed": True,
                    "timestamp": CONSENT_TIME,
                    "text": "I agree to calls from Example Co.",
                    "source": "web",
                },
                "smsOptIn": {"subscribed": False, "timestamp": CONSENT_TIME, "source": "sms"},
            },
            "+13055550142": {"label": "Home", "isPrimary": False},
        },
        "emails": {"ana@example.com": {"isPrimary": True}},
        "address": {"city": "Miami"},
    },
}


def open_known(qtbot: QtBot, desk: Desk) -> None:
    """Send ``KNOWN`` to the sandbox, then open the directory's profile as Contacts does."""
    send_body(qtbot, desk, KNOWN)
    profile = desk.parts.app.store.directory.get(f"phone:{MOBILE}")
    assert profile is not None
    desk.side.open_contact(profile)
    assert not desk.editor.document.is_modified


def retype(qtbot: QtBot, desk: Desk, name: str, text: str) -> None:
    """Replace the text of the field ``name`` (``lastNameEdit``) as a person would."""
    edit = desk.window.findChild(QLineEdit, name)
    assert edit is not None
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    edit.editingFinished.emit()
    desk.editor.refresh_review()
