"""The consent wordings staff pick from, so the words recorded are the words shown.

Each wording has a name, the channels it is written for and a version; the evidence of a
consent change keeps the name and version used. They are saved in Settings
(``CONSENT_TEMPLATES``); until some are saved, the bundled ``consent-templates.json``
gives them. Both are checked by the same rule, the setting's. Wordings saved before
channels and versions existed apply to every channel, version "1".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from regal_desktop.domain.model import Channel
from regal_desktop.store.settings import CONSENT_TEMPLATES, Settings

#: Every channel, in the order the editor shows them.
ALL_CHANNELS: tuple[Channel, ...] = (Channel.VOICE, Channel.SMS, Channel.EMAIL)


@dataclass(frozen=True)
class ConsentTemplate:
    """A consent wording staff may record: a short name, the exact words shown, the
    channels it is written for and its version."""

    name: str
    text: str
    channels: tuple[Channel, ...] = ALL_CHANNELS
    version: str = "1"

    def fits(self, channel: Channel) -> bool:
        """Whether this wording is written for ``channel``."""
        return channel in self.channels

    @property
    def channel_words(self) -> str:
        """The channels as people read them: ``Voice, SMS``."""
        return ", ".join(channel.label for channel in self.channels)


def template_from_setting(entry: Mapping[str, Any]) -> ConsentTemplate:
    """A wording from one checked entry of ``CONSENT_TEMPLATES`` (old ones: all channels,
    version "1")."""
    channels = entry.get("channels") or [channel.value for channel in ALL_CHANNELS]
    return ConsentTemplate(
        name=entry["name"],
        text=entry["text"],
        # Kept in the editor's order, whatever order the file lists them in.
        channels=tuple(channel for channel in ALL_CHANNELS if channel.value in channels),
        version=str(entry.get("version") or "1"),
    )


def template_setting(template: ConsentTemplate) -> dict[str, Any]:
    """One wording as ``CONSENT_TEMPLATES`` stores it."""
    return {
        "name": template.name,
        "text": template.text,
        "channels": [channel.value for channel in template.channels],
        "version": template.version,
    }


def load_consent_templates(path: Path | None = None) -> list[ConsentTemplate]:
    """The templates from ``path`` or the bundled ``consent-templates.json``.

    Raises ValueError naming the file and the entry when it is not a JSON list of
    {"name", "text", "channels", "version"} (the last two optional).
    """
    source = path or files("regal_desktop.resources").joinpath("consent-templates.json")
    entries = json.loads(source.read_text(encoding="utf-8"))
    problem = CONSENT_TEMPLATES.problem(entries)
    if problem is not None:
        raise ValueError(
            f'{source}: expected a JSON list of {{"name": ..., "text": ..., '
            f'"channels": [...], "version": ...}}: {problem}'
        )
    return [template_from_setting(e) for e in entries]


def consent_templates(settings: Settings) -> list[ConsentTemplate]:
    """The consent texts saved in Settings, or the bundled ones when none are saved."""
    saved = settings.read(CONSENT_TEMPLATES)
    if saved:
        return [template_from_setting(e) for e in saved]
    return load_consent_templates()


def save_consent_templates(settings: Settings, templates: list[ConsentTemplate]) -> None:
    """Save ``templates`` as the consent texts staff pick from."""
    settings.write(CONSENT_TEMPLATES, [template_setting(t) for t in templates])


def for_channel(templates: Iterable[ConsentTemplate], channel: Channel) -> list[ConsentTemplate]:
    """The wordings written for ``channel``, in their saved order."""
    return [template for template in templates if template.fits(channel)]


def matching_template(
    text: str, channel: Channel, templates: Iterable[ConsentTemplate]
) -> ConsentTemplate | None:
    """The wording of ``channel`` whose words are exactly ``text`` (spaces around aside)."""
    words = text.strip()
    if not words:
        return None
    return next((t for t in for_channel(templates, channel) if t.text.strip() == words), None)


# What a wording mentions: calls, text messages, e-mail. Whole words, any case.
_MENTIONS = {
    Channel.VOICE: re.compile(
        r"\b(calls?|called|calling|voice|autodial\w*|prerecorded|pre-recorded)\b", re.I
    ),
    Channel.SMS: re.compile(r"\b(texts|texting|text messages?|sms|msgs?)\b", re.I),
    Channel.EMAIL: re.compile(r"\b(e-?mails?|newsletters?|inbox)\b", re.I),
}
_MENTION_WORDS = {Channel.VOICE: "calls", Channel.SMS: "text messages", Channel.EMAIL: "e-mail"}


def wording_problem(
    text: str, channel: Channel, templates: Iterable[ConsentTemplate]
) -> str | None:
    """Why the words ``text`` do not fit ``channel`` (the end of a sentence), or None.

    Two rules: the words are a saved wording written for other channels only (an SMS
    wording on voice); or they mention another channel (calls, text messages, e-mail)
    and never this one. Words that name no channel at all are not judged.
    """
    words = text.strip()
    if not words:
        return None
    listed = list(templates)
    if matching_template(words, channel, listed) is None:
        other = next((t for t in listed if t.text.strip() == words), None)
        if other is not None:
            return (
                f"the words are the wording {other.name!r}, written for "
                f"{other.channel_words}, not {channel.label}"
            )
    if _MENTIONS[channel].search(words):
        return None
    for other_channel, pattern in _MENTIONS.items():
        if other_channel is not channel and pattern.search(words):
            return (
                f"the words mention {_MENTION_WORDS[other_channel]} but not "
                f"{_MENTION_WORDS[channel]}; check they are the {channel.label} wording"
            )
    return None


__all__ = [
    "ALL_CHANNELS",
    "ConsentTemplate",
    "consent_templates",
    "for_channel",
    "load_consent_templates",
    "matching_template",
    "save_consent_templates",
    "template_from_setting",
    "template_setting",
    "wording_problem",
]
