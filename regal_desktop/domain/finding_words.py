"""Findings in the user's words: where a finding is (``+1 954-555-2399, SMS consent,
time``) instead of its JSON path, which stays in ``Finding.path`` for tooltips and
``validate``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from regal_desktop.domain.findings import Finding
from regal_desktop.domain.normalise import format_phone

#: How the keys of a finding's path read for people (``smsOptIn`` -> ``SMS consent``).
_PLACE_WORDS = {
    "userId": "User ID",
    "traits": "",
    "firstName": "First name",
    "lastName": "Last name",
    "phones": "",
    "emails": "",
    "address": "Address",
    "voiceOptIn": "Voice consent",
    "smsOptIn": "SMS consent",
    "emailOptIn": "E-mail consent",
    "timestamp": "time",
    "text": "consent text",
    "ip": "IP address",
    "source": "source",
    "isPrimary": "primary",
    "label": "label",
    "optIn": "Legacy opt-in",
    "properties": "Event properties",
    "name": "Event name",
    "originalTimestamp": "Event time",
}


def place_words(path: str, parts: Iterable[str | int] | None = None) -> str:
    """Where a finding is, in words: ``+1 954-555-2399, SMS consent, time`` for
    ``traits.phones["+19545552399"].smsOptIn.timestamp``; ``Whole request`` for ``$``.

    ``parts`` are the path's keys when the caller has them (else they are read from
    ``path``, which must be one ``json_path`` wrote).
    """
    steps = list(parts) if parts is not None else path_parts(path)
    words: list[str] = []
    for step in steps:
        if isinstance(step, int):
            words.append(f"#{step + 1}")
            continue
        word = _PLACE_WORDS.get(step)
        if word is None:
            word = _point_words(step)
        if word:
            words.append(word)
    return ", ".join(words) or "Whole request"


def _point_words(key: str) -> str:
    """A phone number as people read it (``+1 954-555-2399``), anything else as written."""
    if key.startswith("+") and key[1:].isdigit():
        return format_phone(key)
    return key


#: One step of a path: ``.name``, ``[3]`` or ``["key"]``.
_STEP = re.compile(r'\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def path_parts(path: str) -> list[str | int]:
    """Split a finding's path (``traits.phones["+1954..."].smsOptIn``) into its keys.

    The inverse of :func:`regal_desktop.domain.findings.json_path`; ``$`` is the empty list.
    Anything unreadable ends the list, so a caller still gets the steps it could read.
    """
    steps: list[str | int] = []
    position = 0
    while path != "$" and position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            break
        name, index, quoted = match.groups()
        steps.append(name if name is not None else int(index) if index else json.loads(quoted))
        position = match.end()
    return steps


def finding_words(finding: Finding) -> str:
    """A finding as people read it, without a JSON path: a message that names its own
    subject (it starts with a capital, ``Mobile +1 954-555-2399, SMS consent: time is
    missing``) alone, any other after the place it is about (``First name: must be
    text, not 5``). The path stays in ``Finding.path`` (tooltips, ``validate``)."""
    message = finding.message
    if message[:1].isupper():
        return message
    return f"{place_words(finding.path)}: {message}"


__all__ = ["finding_words", "path_parts", "place_words"]
