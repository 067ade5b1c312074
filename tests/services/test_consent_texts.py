"""Consent wordings: name, channels and version; old saved lists; fitting the channel."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from regal_desktop.domain.model import Channel
from regal_desktop.services.consent_texts import (
    ALL_CHANNELS,
    ConsentTemplate,
    consent_templates,
    for_channel,
    load_consent_templates,
    matching_template,
    save_consent_templates,
    wording_problem,
)
from regal_desktop.store import Store, open_store
from regal_desktop.store.settings import CONSENT_TEMPLATES

CALLS = ConsentTemplate("Calls", "I agree to marketing calls.", (Channel.VOICE,), "3")
TEXTS = ConsentTemplate("Texts", "I agree to marketing text messages.", (Channel.SMS,))
BOTH = ConsentTemplate("Both", "I agree to calls and texts.", (Channel.VOICE, Channel.SMS))
LISTED = [CALLS, TEXTS, BOTH]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "regal.sqlite3") as opened:
        yield opened


def test_templates_saved_with_name_and_text_only_still_load(store: Store) -> None:
    store.settings.set("consent_templates", [{"name": "Old", "text": "I agree to calls."}])
    assert consent_templates(store.settings) == [
        ConsentTemplate("Old", "I agree to calls.", ALL_CHANNELS, "1")
    ]


def test_channels_and_version_are_saved_and_read_back(store: Store) -> None:
    save_consent_templates(store.settings, LISTED)
    assert store.settings.get("consent_templates")[0] == {
        "name": "Calls",
        "text": "I agree to marketing calls.",
        "channels": ["voice"],
        "version": "3",
    }
    assert consent_templates(store.settings) == LISTED


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({"name": "A", "text": "B", "channels": ["fax"]}, "has channels ['fax']"),
        ({"name": "A", "text": "B", "channels": []}, "has channels []"),
        ({"name": "A", "text": "B", "version": 2}, "has version 2"),
    ],
)
def test_a_bad_channel_or_version_is_named(entry: dict[str, object], reason: str) -> None:
    problem = CONSENT_TEMPLATES.problem([{"name": "ok", "text": "ok"}, entry])
    assert problem is not None and f"entry 2 {reason}" in problem


def test_the_bundled_wordings_name_their_channels_and_versions() -> None:
    bundled = load_consent_templates()
    assert all(t.channels and t.version for t in bundled)
    for channel in ALL_CHANNELS:
        assert for_channel(bundled, channel), channel
        # Each bundled wording fits the channels it is written for.
        for template in for_channel(bundled, channel):
            assert wording_problem(template.text, channel, bundled) is None, template.name


def test_a_templates_file_names_the_entry_at_fault(tmp_path: Path) -> None:
    path = tmp_path / "templates.json"
    path.write_text(json.dumps([{"name": "A", "text": "B", "channels": "sms"}]), "utf-8")
    with pytest.raises(ValueError, match=r"templates\.json: .*entry 1 has channels 'sms'"):
        load_consent_templates(path)


def test_wordings_are_offered_per_channel() -> None:
    assert for_channel(LISTED, Channel.VOICE) == [CALLS, BOTH]
    assert for_channel(LISTED, Channel.SMS) == [TEXTS, BOTH]
    assert for_channel(LISTED, Channel.EMAIL) == []
    assert matching_template(" I agree to marketing calls. ", Channel.VOICE, LISTED) == CALLS
    assert matching_template("I agree to marketing calls.", Channel.SMS, LISTED) is None


@pytest.mark.parametrize(
    ("text", "channel", "problem"),
    [
        (TEXTS.text, Channel.VOICE, "the wording 'Texts', written for SMS, not Voice"),
        (BOTH.text, Channel.SMS, None),
        ("I agree to receive text messages.", Channel.VOICE, "mention text messages but not"),
        ("I agree to news by e-mail.", Channel.SMS, "mention e-mail but not text messages"),
        ("I agree to calls and text messages.", Channel.VOICE, None),
        ("Yes, I agree.", Channel.EMAIL, None),  # names no channel: not judged
        ("", Channel.VOICE, None),
    ],
)
def test_a_wording_that_does_not_fit_its_channel_is_named(
    text: str, channel: Channel, problem: str | None
) -> None:
    found = wording_problem(text, channel, LISTED)
    assert (found is None) if problem is None else (found is not None and problem in found)
