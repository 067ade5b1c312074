"""The window with a Segment account chosen: its badge, the Segment route's findings, the
preview of the calls, and Send refusing what the destination would ignore."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from regal_desktop.context import open_context
from regal_desktop.domain.segment import SEGMENT_ENDPOINT, SEGMENT_EU_ENDPOINT
from regal_desktop.services.accounts import AccountProfile
from tests.helpers.desk import Desk

NUMBER = "+19545582399"
CONSENT = {
    "subscribed": True,
    "timestamp": "2020-08-25T21:23:43Z",
    "ip": "172.16.254.1",
    "text": "I agree to receive marketing texts",
}
JANE: dict[str, Any] = {
    "userId": "u-7",
    "traits": {
        "firstName": "Jane",
        "phones": {NUMBER: {"isPrimary": True, "smsOptIn": CONSENT}},
    },
}


def add_segment(name: str = "seg", endpoint: str = SEGMENT_ENDPOINT) -> None:
    """Save a Segment account before the window opens, as Settings would."""
    context = open_context()
    try:
        context.accounts.save(AccountProfile(name=name, kind="segment", endpoint=endpoint))
    finally:
        context.close()


def preview(desk: Desk) -> str:
    return desk.window.findChild(QPlainTextEdit, "jsonPreview").toPlainText()


def test_choosing_a_segment_account_previews_the_calls_and_back(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    add_segment()
    desk = open_desk(JANE)
    body_text = preview(desk)
    assert json.loads(body_text)["traits"]["phones"][NUMBER]["smsOptIn"] == CONSENT
    note = desk.window.findChild(QLabel, "previewRouteNote")
    assert not note.isVisible()

    desk.controller.set_account("seg")
    batch = json.loads(preview(desk))
    (identify,) = batch["batch"]
    assert identify["type"] == "identify" and identify["userId"] == "u-7"
    assert identify["traits"]["phone"] == NUMBER
    assert identify["traits"]["optIn"] == [{"channel": "sms", **CONSENT}]
    assert identify["messageId"] == "(assigned when queued)-identify"
    assert note.isVisible() and "message ids and times are set when" in note.text()
    curl = desk.window.findChild(QPushButton, "copyCurlButton")
    assert not curl.isEnabled()
    badge = desk.window.findChild(QLabel, "profileBadge")
    assert badge.text() == "PRODUCTION · seg · Segment"
    assert desk.editor.checked.text == body_text  # the outbox keeps Regal's body

    desk.controller.set_account("sandbox")
    assert preview(desk) == body_text
    assert not note.isVisible()


def test_send_to_segment_refuses_an_opt_in_without_ip_and_queues_nothing(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    add_segment()
    body = copy.deepcopy(JANE)
    del body["traits"]["phones"][NUMBER]["smsOptIn"]["ip"]
    desk = open_desk(body)
    assert desk.editor.errors == []  # Regal itself would take it
    desk.controller.set_account("seg")
    assert [f.path for f in desk.editor.errors] == [f'traits.phones["{NUMBER}"].smsOptIn']
    assert "has no ip" in desk.editor.errors[0].message
    status = desk.window.findChild(QLabel, "reviewStatus")
    assert "fix the errors to send" in status.text()

    desk.editor.request_send()
    assert desk.status().startswith("Not sent: 1 error: traits.phones")
    desk.controller.send()  # the controller refuses too, whatever asks it
    assert desk.parts.app.store.outbox.pending("seg") == []
    assert desk.parts.app.store.outbox.pending("sandbox") == []


def test_the_eu_endpoint_shows_a_warning_on_the_badge(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    add_segment("eu", SEGMENT_EU_ENDPOINT)
    desk = open_desk(JANE)
    desk.controller.set_account("eu")
    badge = desk.window.findChild(QLabel, "profileBadge")
    assert badge.text() == "PRODUCTION · eu · Segment ⚠"
    assert "US only" in badge.toolTip()
