"""Sending from the editor against what Regal holds: unchanged consent is left out (and
Restate keeps it, after asking), reason and proof go to the evidence and never into the
body, and an accepted send ends the job (no draft prompt; the answer beside Send)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from regal_desktop.delivery.report import Progress
from regal_desktop.domain.model import Channel, ConsentState
from tests.helpers.desk import Desk, add_profile
from tests.helpers.known import MOBILE, open_known, retype
from tests.helpers.servers import FussyRegal


def send_and_wait(qtbot: QtBot, desk: Desk) -> int:
    """Send the editor's contact and wait for Regal's answer; the request's id."""
    before = desk.editor.job.request_id
    with qtbot.waitSignal(desk.controller.finished, timeout=15_000):
        desk.editor.request_send()
    qtbot.waitUntil(lambda: not desk.controller.is_running(), timeout=5_000)
    sent = desk.editor.job.request_id
    assert sent is not None and sent != before
    return sent


def body_of(desk: Desk, request_id: int) -> dict[str, Any]:
    request = desk.parts.app.store.outbox.get(request_id)
    assert request is not None
    parsed: dict[str, Any] = json.loads(request.body)
    return parsed


def mobile(body: dict[str, Any]) -> dict[str, Any]:
    point: dict[str, Any] = body["traits"]["phones"][MOBILE]
    return point


def test_a_name_only_change_sends_no_consent_and_restate_keeps_it(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    retype(qtbot, desk, "lastNameEdit", "Smyth")

    first = send_and_wait(qtbot, desk)

    body = body_of(desk, first)
    assert body["traits"]["lastName"] == "Smyth"
    assert "voiceOptIn" not in mobile(body) and "smsOptIn" not in mobile(body)
    assert desk.dialogs.asked == []  # no restatement, no question

    retype(qtbot, desk, "lastNameEdit", "Smythe")
    restate = desk.window.findChild(QCheckBox, "restateCheck")
    restate.setChecked(True)
    assert "smsOptIn" in desk.editor.checked.text  # the preview shows what will go

    second = send_and_wait(qtbot, desk)

    assert desk.dialogs.asked == ["restate 2"]
    assert mobile(body_of(desk, second))["smsOptIn"]["subscribed"] is False
    assert mobile(body_of(desk, second))["voiceOptIn"]["subscribed"] is True
    assert not restate.isChecked()  # for one send only
    assert "smsOptIn" not in desk.editor.checked.text


def test_restating_can_be_cancelled(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    desk.window.findChild(QCheckBox, "restateCheck").setChecked(True)
    desk.dialogs.restate_answer = False
    queued = desk.parts.app.store.outbox.counts("sandbox")

    desk.editor.request_send()

    assert desk.status() == "Not sent: restating cancelled"
    assert desk.parts.app.store.outbox.counts("sandbox") == queued


def test_reason_and_proof_reach_the_evidence_and_not_the_body(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    document = desk.editor.document
    document.set_consent("phones", 0, Channel.SMS, state=ConsentState.SUBSCRIBED)
    document.fill_timestamp_now("phones", 0, Channel.SMS)
    reason = desk.window.findChild(QLineEdit, "reasonEdit")
    proof = desk.window.findChild(QLineEdit, "proofEdit")
    reason.setText("Asked to get texts again on the phone")
    proof.setText("CALL-REC-4471")

    request_id = send_and_wait(qtbot, desk)

    text = desk.parts.app.store.outbox.get(request_id).body
    assert "CALL-REC-4471" not in text and "texts again" not in text
    rows = [
        row for row in desk.parts.app.store.history.evidence() if row["request_id"] == request_id
    ]
    assert [(row["channel"], row["change"]) for row in rows] == [("sms", "change")]
    assert rows[0]["reason"] == "Asked to get texts again on the phone"
    assert rows[0]["proof"] == "CALL-REC-4471"
    assert reason.text() == "" and proof.text() == ""  # for one send only


def test_an_accepted_send_ends_the_job(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    retype(qtbot, desk, "firstNameEdit", "Anna")
    assert desk.editor.document.is_modified

    request_id = send_and_wait(qtbot, desk)

    answer = desk.window.findChild(QLabel, "sendAnswer")
    assert not desk.editor.document.is_modified
    assert answer.isVisible()
    assert answer.text().startswith("Delivered")
    assert f"request {request_id}" in answer.text()
    # Another edit: the answer goes, and the contact is unsaved again.
    retype(qtbot, desk, "firstNameEdit", "Annie")
    assert not answer.isVisible()
    assert desk.editor.document.is_modified
    desk.editor.new_contact()
    assert desk.dialogs.asked == ["save Annie Smith"]


def test_no_draft_prompt_for_the_next_contact_after_a_send(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    retype(qtbot, desk, "lastNameEdit", "Jones")
    send_and_wait(qtbot, desk)

    desk.editor.new_contact()

    assert desk.dialogs.asked == []
    assert not desk.window.findChild(QLabel, "sendAnswer").isVisible()


def test_a_rejected_send_shows_the_answer_and_stays_unsaved(
    qtbot: QtBot, open_desk: Callable[..., Desk], fussy_regal: FussyRegal
) -> None:
    add_profile("local", fussy_regal.url)
    desk = open_desk()
    desk.window.findChild(QComboBox, "profileCombo").setCurrentText("local")
    desk.editor.show_payload({"userId": "u-9", "traits": {"firstName": "Bad"}}, None)
    retype(qtbot, desk, "lastNameEdit", "Jones")

    request_id = send_and_wait(qtbot, desk)

    answer = desk.window.findChild(QLabel, "sendAnswer")
    assert answer.text().startswith("Rejected")
    assert f"request {request_id}" in answer.text()
    assert "HTTP 400" in answer.text() and "not an allowed name" in answer.text()
    assert desk.editor.document.is_modified  # not accepted: the draft prompt stays


def test_no_outbox_refresh_reads_the_store_after_shutdown(qtbot: QtBot, desk: Desk) -> None:
    """A delivery report queued before the window went must not read a closed store."""
    reads: list[int] = []
    model = desk.parts.outbox.model
    original = model.refresh
    model.refresh = lambda: (reads.append(1), original())[1]  # type: ignore[method-assign]
    report = Progress(delivered=1, rejected=0, held=0, retrying=0, queued=1, in_flight=0)
    # Two reports within the throttle's interval: the second leaves a refresh pending.
    desk.controller.progress.emit(report)
    desk.controller.progress.emit(report)
    assert reads == [1]
    desk.controller.shutdown()
    desk.controller.progress.emit(report)  # one more, queued before the end
    qtbot.wait(400)  # longer than the throttle's interval
    assert reads == [1]


def test_the_status_bar_says_delivery_waits_for_the_team_database(desk: Desk) -> None:
    """While the team database does not answer, the status bar says delivery waits for
    it and that nothing is lost; the next report shows the counts again."""
    status = desk.parts.delivery_status.delivery
    down = "the team database at db:5432/regal is not reachable: connection refused"
    report = Progress(delivered=3, rejected=0, held=0, retrying=0, queued=2, in_flight=0)
    desk.controller.progress.emit(dataclasses.replace(report, store_down=down))
    assert status.text().startswith("Waiting for the team database")
    assert "nothing is lost" in status.text() and status.toolTip() == down
    desk.controller.progress.emit(report)
    assert status.text() == "Sending: 3 delivered, 2 to send" and status.toolTip() == ""
