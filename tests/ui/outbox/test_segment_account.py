"""The window with a Segment account chosen: its badge, the Segment route's findings, the
preview of the calls, and Send refusing what the destination would ignore."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from regal_desktop.domain.segment import SEGMENT_EU_ENDPOINT
from tests.helpers.desk import Desk
from tests.helpers.segment import CONSENT, NUMBER, add_segment
from tests.helpers.servers import SegmentServer, segment_server

__all__ = ["segment_server"]  # the fixture, for pytest

JANE: dict[str, Any] = {
    "userId": "u-7",
    "traits": {
        "firstName": "Jane",
        "phones": {NUMBER: {"isPrimary": True, "smsOptIn": CONSENT}},
    },
}


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


def test_a_fix_of_a_segment_request_is_checked_for_segment_whatever_the_account_bar_shows(
    qtbot: QtBot, open_desk: Callable[..., Desk], segment_server: SegmentServer
) -> None:
    add_segment("seg", segment_server.url)
    segment_server.answer(400, {"success": False, "message": "invalid batch"})
    desk = open_desk(JANE)
    desk.controller.set_account("seg")
    with qtbot.waitSignal(desk.controller.finished, timeout=10_000):
        desk.controller.send()
    store = desk.parts.app.store
    assert store.outbox.get(1).state == "rejected"  # type: ignore[union-attr]

    desk.controller.set_account("sandbox")  # the bar shows a Regal account now
    no_ip = copy.deepcopy(JANE)
    del no_ip["traits"]["phones"][NUMBER]["smsOptIn"]["ip"]
    desk.controller.contact.show_payload(no_ip, None, modified=True)
    desk.controller.set_fixing(1)
    assert desk.editor.errors == []  # Regal would take it
    desk.controller.send()

    assert desk.dialogs.errors == [
        "Nothing was queued: the fix of request 1 goes through Segment: SMS opt-in for "
        "+1 954-558-2399 has no ip: Regal's Segment destination requires the IP address "
        "consent was given from when opting in from a server"
    ]
    assert [r.id for r in store.outbox.pending()] == [1]  # only the rejected original
    assert desk.controller.fixing == 1  # still fixing it
