"""Consent evidence beside the body: notes for the history and the autosaved copy."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import Channel, ConsentState
from regal_desktop.domain.normalise import TIMESTAMP_PLACEHOLDER, now_timestamp, parse_timestamp
from regal_desktop.store.requests import ChangeNote
from regal_desktop.ui.editor.draft import Consent, Draft, EmailRow, PhoneRow, to_raw
from regal_desktop.ui.editor.draft_files import Autosave
from regal_desktop.ui.editor.editor import Editor
from regal_desktop.ui.editor.evidence import change_notes, draft_evidence, with_evidence
from regal_desktop.ui.editor.known import known_consent, known_words, same_consent
from tests.helpers.desk import FIXED_NOW, TEMPLATES, Desk

OPT_OUT = Consent(
    ConsentState.UNSUBSCRIBED,
    timestamp="2026-11-20T10:00:00Z",
    method="stop_reply",
    received_at="2026-11-20T09:58:00Z",
)
OPT_IN = Consent(
    ConsentState.SUBSCRIBED,
    text=TEMPLATES[0].text,
    timestamp="2026-11-20T10:00:00Z",
    template="Marketing calls",
    template_version="1",
)
DRAFT = Draft(
    phones=(PhoneRow("(954) 558-2399", voice=OPT_IN, sms=OPT_OUT),),
    emails=(EmailRow("Jane@Example.COM", email=OPT_OUT),),
)


def test_notes_are_keyed_by_point_and_channel_and_never_sent() -> None:
    assert change_notes(DRAFT) == {
        ("+19545582399", "voice"): ChangeNote(template="Marketing calls", template_version="1"),
        ("+19545582399", "sms"): ChangeNote(method="stop_reply", received_at=OPT_OUT.received_at),
        ("jane@example.com", "email"): ChangeNote(
            method="stop_reply", received_at=OPT_OUT.received_at
        ),
    }
    sent = json.dumps(to_raw(DRAFT))
    for evidence in ("stop_reply", "09:58", "Marketing calls", "template", "method"):
        assert evidence not in sent


def test_an_opt_in_keeps_no_opt_out_method_and_words_name_their_wording() -> None:
    draft = Draft(
        phones=(
            PhoneRow(
                "+19545582399",
                # A method left from an earlier choice of Unsubscribed is not evidence now.
                voice=Consent(ConsentState.SUBSCRIBED, text=TEMPLATES[0].text, method="call"),
            ),
        )
    )
    assert change_notes(draft, templates=TEMPLATES) == {
        ("+19545582399", "voice"): ChangeNote(template="Marketing calls", template_version="1")
    }


def test_autosave_keeps_the_evidence_and_old_autosaves_still_load(tmp_path: Path) -> None:
    autosave = Autosave(tmp_path)
    autosave.save(to_raw(DRAFT), None, datetime(2026, 11, 25, 9, 0), draft_evidence(DRAFT))
    loaded = autosave.load()
    assert loaded is not None
    # What the body alone gives back: the evidence fields empty.
    sent_only = Consent(ConsentState.UNSUBSCRIBED, timestamp=OPT_OUT.timestamp)
    bare = Draft(
        phones=(
            PhoneRow(
                "(954) 558-2399",
                voice=replace(OPT_IN, template="", template_version=""),
                sms=sent_only,
            ),
        ),
        emails=(EmailRow("Jane@Example.COM", email=sent_only),),
    )
    assert with_evidence(bare, autosave.evidence()) == DRAFT

    # An autosave written before evidence was kept: the payload loads, no evidence.
    record = json.loads(autosave.path.read_text("utf-8"))
    del record["evidence"]
    autosave.path.write_text(json.dumps(record), "utf-8")
    assert autosave.load() is not None and autosave.evidence() == {}
    assert with_evidence(bare, autosave.evidence()) == bare
    # Evidence of the wrong shape is ignored, not fatal.
    assert with_evidence(bare, {"(954) 558-2399": "stop"}) == bare


def test_a_restored_autosave_keeps_the_opt_out_method(
    qtbot: QtBot, desk: Desk, now_text: str
) -> None:
    editor: Editor = desk.editor
    editor.show_payload({"traits": {"phones": {"+19545582399": {}}}}, None)
    editor.document.set_consent("phones", 0, Channel.SMS, state=ConsentState.UNSUBSCRIBED)
    editor.document.set_consent("phones", 0, Channel.SMS, method="call")
    editor.document.fill_received_now("phones", 0, Channel.SMS)
    editor.autosave_now()
    editor.document.mark_saved()
    editor.new_contact()

    desk.dialogs.restore_answer = True
    editor.offer_autosave()
    assert editor.document.consent("phones", 0, Channel.SMS).method == "call"
    assert editor.change_notes() == {
        ("+19545582399", "sms"): ChangeNote(method="call", received_at=now_text)
    }


def test_the_time_placeholder_and_now_are_times_the_checker_reads() -> None:
    filled = TIMESTAMP_PLACEHOLDER.replace("YYYY", "2026").replace("MM-DD", "03-12")
    filled = filled.replace("HH:MM:SS", "14:02:00").replace("+HH:MM", "+01:00")
    assert parse_timestamp(filled) is not None
    assert parse_timestamp(filled.replace(":00 +", " +")) is not None  # seconds optional
    assert parse_timestamp(now_timestamp(FIXED_NOW)) is not None


def test_the_known_consent_is_found_by_the_point_however_it_is_typed() -> None:
    baseline = {
        "traits": {
            "phones": {
                "+19545582399": {
                    "smsOptIn": {"subscribed": True, "timestamp": "2026-03-12T19:02:00Z"}
                }
            },
            "emails": {"Jane@example.com": {}},
        }
    }
    typed = PhoneRow("(954) 558-2399")
    known = known_consent(baseline, typed, Channel.SMS)
    assert known == Consent(ConsentState.SUBSCRIBED, timestamp="2026-03-12T19:02:00Z")
    assert known_consent(baseline, typed, Channel.VOICE) == Consent()  # point known, no voice
    assert known_consent(baseline, PhoneRow("+13055550142"), Channel.SMS) is None
    assert known_consent(baseline, EmailRow("jane@EXAMPLE.com"), Channel.EMAIL) == Consent()
    # The same moment written in another zone sends what is known; another state does not.
    same = Consent(ConsentState.SUBSCRIBED, timestamp="2026-03-12 14:02:00 -05:00")
    assert same_consent(same, known)
    assert not same_consent(replace(same, state=ConsentState.UNSUBSCRIBED), known)
    assert same_consent(Consent(), None) and not same_consent(same, None)
    assert known_words(None) == "Known: nothing"
    assert known_words(known).startswith("Known: Subscribed since ")
    assert known_words(known).endswith(", this desk")
