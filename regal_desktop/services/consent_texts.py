"""The consent wordings staff pick from, so the words recorded are the words shown.

They are saved in Settings (``CONSENT_TEMPLATES``); until some are saved, the bundled
``consent-templates.json`` gives them. Both are checked by the same rule, the setting's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from regal_desktop.store.settings import CONSENT_TEMPLATES, Settings


@dataclass(frozen=True)
class ConsentTemplate:
    """A consent wording staff may record: a short name and the exact words shown."""

    name: str
    text: str


def load_consent_templates(path: Path | None = None) -> list[ConsentTemplate]:
    """The templates from ``path`` or the bundled ``consent-templates.json``.

    Raises ValueError naming the file when it is not a JSON list of {"name", "text"}.
    """
    source = path or files("regal_desktop.resources").joinpath("consent-templates.json")
    entries = json.loads(source.read_text(encoding="utf-8"))
    if CONSENT_TEMPLATES.problem(entries) is not None:
        raise ValueError(f'{source}: expected a JSON list of {{"name": ..., "text": ...}}')
    return [ConsentTemplate(e["name"], e["text"]) for e in entries]


def consent_templates(settings: Settings) -> list[ConsentTemplate]:
    """The consent texts saved in Settings, or the bundled ones when none are saved."""
    saved = settings.read(CONSENT_TEMPLATES)
    if saved:
        return [ConsentTemplate(e["name"], e["text"]) for e in saved]
    return load_consent_templates()


def save_consent_templates(settings: Settings, templates: list[ConsentTemplate]) -> None:
    """Save ``templates`` as the consent texts staff pick from."""
    settings.write(CONSENT_TEMPLATES, [{"name": t.name, "text": t.text} for t in templates])


__all__ = [
    "ConsentTemplate",
    "consent_templates",
    "load_consent_templates",
    "save_consent_templates",
]
