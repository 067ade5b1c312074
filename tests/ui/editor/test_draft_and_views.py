"""Draft conversion, the preview's incremental updates, finding paths and the profile view."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from pytestqt.qtbot import QtBot

from regal_desktop.domain.check import check
from regal_desktop.domain.findings import json_path
from regal_desktop.domain.model import ConsentState, body_text
from regal_desktop.services.consent_texts import load_consent_templates
from regal_desktop.ui.editor.draft import (
    Consent,
    Draft,
    PhoneRow,
    TypedRow,
    ValueType,
    from_body,
    input_findings,
    to_raw,
)
from regal_desktop.ui.review.findings import path_parts
from regal_desktop.ui.review.preview import JsonPreview, curl_command
from regal_desktop.ui.review.profile import profile_html


def test_to_raw_sends_only_what_is_set_in_the_users_order() -> None:
    draft = Draft(
        user_id=" u-1 ",
        last_name="Doe",
        zipcode="33139",
        phones=(
            PhoneRow("+13055550142", "Work"),
            PhoneRow(
                "+19545582399",
                primary=True,
                sms=Consent(ConsentState.UNSUBSCRIBED, timestamp="2026-11-25T10:00:00Z"),
            ),
            PhoneRow("  "),  # a row still being added is not sent
        ),
        traits=(
            TypedRow("vip", ValueType.BOOLEAN, "true"),
            TypedRow("age", ValueType.NUMBER, "41"),
        ),
        properties=(TypedRow("score", ValueType.NUMBER, "2.5"),),
    )
    assert to_raw(draft) == {
        "userId": "u-1",
        "traits": {
            "lastName": "Doe",
            "phones": {
                "+13055550142": {"label": "Work"},
                "+19545582399": {
                    "isPrimary": True,
                    "smsOptIn": {"subscribed": False, "timestamp": "2026-11-25T10:00:00Z"},
                },
            },
            "address": {"zipcode": "33139"},
            "vip": True,
            "age": 41,
        },
        "properties": {"score": 2.5},
    }


def test_a_checked_body_survives_the_form() -> None:
    body = {
        "userId": "u-1",
        "traits": {
            "firstName": "Ana",
            "phones": {
                "+19545582399": {
                    "label": "Mobile",
                    "isPrimary": True,
                    "voiceOptIn": {
                        "subscribed": True,
                        "timestamp": "2026-11-25T10:00:00Z",
                        "ip": "203.0.113.7",
                        "text": "Calls ok",
                        "source": "web",
                    },
                }
            },
            "emails": {"ana@example.com": {"emailOptIn": {"subscribed": False}}},
            "address": {"city": "Miami", "country": "US"},
            "score": 1.5,
        },
        "name": "Updated",
        "properties": {"ok": False},
        "originalTimestamp": "2026-11-25T10:00:00Z",
        "eventSource": "crm",
    }
    assert check(to_raw(from_body(check(body).body))).text == check(body).text


def test_input_findings_name_the_bad_value_and_the_repeated_row() -> None:
    draft = Draft(
        traits=(TypedRow("age", ValueType.NUMBER, "forty"),),
        phones=(PhoneRow("+19545582399"), PhoneRow(" +19545582399")),
    )
    paths = [finding.path for finding in input_findings(draft)]
    assert paths == ["traits.age", 'traits.phones["+19545582399"]']


def test_path_parts_reads_what_json_path_writes() -> None:
    for parts in (
        ["traits", "phones", "+19545582399", "smsOptIn", "subscribed"],
        ["traits", "optIn", 1, "channel"],
        ["traits", 'we"ird key'],
        [],
    ):
        assert path_parts(json_path(parts)) == parts


def test_preview_replaces_only_what_changed_and_stays_exact(qtbot: QtBot) -> None:
    preview = JsonPreview()
    qtbot.addWidget(preview)
    changes: list[tuple[int, int, int]] = []
    preview.editor.document().contentsChange.connect(lambda *change: changes.append(change))
    texts = [
        body_text({"userId": "a", "traits": {"firstName": "Zoë 😀"}}),
        body_text({"userId": "ab", "traits": {"firstName": "Zoë 😀", "lastName": "Ng"}}),
        body_text({"userId": "b", "traits": {"firstName": "😀"}}),
        body_text({}),
    ]
    old = ""
    for text in texts:
        changes.clear()
        preview.show_text(text)
        assert preview.editor.toPlainText() == text
        # One edit: (position, removed, added) of the differing span, in UTF-16 units.
        assert changes == [changed_span(old, text)]
        old = text


def changed_span(old: str, new: str) -> tuple[int, int, int]:
    """Where ``old`` and ``new`` differ: (start, length in old, length in new), in UTF-16."""
    shorter = min(len(old), len(new))
    start = 0
    while start < shorter and old[start] == new[start]:
        start += 1
    end = 0
    while end < shorter - start and old[-1 - end] == new[-1 - end]:
        end += 1

    def utf16(text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    return (
        utf16(old[:start]),
        utf16(old[start : len(old) - end]),
        utf16(new[start : len(new) - end]),
    )


def test_curl_command_uses_the_key_placeholder() -> None:
    command = curl_command('{"userId": "it\'s"}', "https://events.regalvoice.com/events")
    assert '-H "Authorization: $REGAL_API_KEY"' in command
    assert '\'{"userId": "it\'"\'"\'s"}\'' in command


def test_profile_view_marks_a_moved_primary_phone() -> None:
    known = {
        "traits": {
            "phones": {
                "+19545582399": {"isPrimary": True, "smsOptIn": {"subscribed": True}},
            }
        }
    }
    body = {"traits": {"phones": {"+13055550142": {"isPrimary": True}}}}
    html = profile_html(known, body, QPalette())
    assert "Primary phone changes" in html
    assert "+1 954-558-2399" in html and "+1 305-555-0142" in html
    assert "SMS ✗" in html  # the new primary has no SMS consent
    assert "Primary phone changes" not in profile_html(None, body, QPalette())


def test_bundled_consent_templates_are_valid() -> None:
    templates = load_consent_templates()
    assert templates and all(t.name and t.text for t in templates)
    assert len({t.name for t in templates}) == len(templates)
