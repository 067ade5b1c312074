"""The consent evidence a draft keeps beside its body: notes for the history, the
autosaved copy of them, and wordings that do not fit their channel.

None of it is sent: Regal's body holds state, text, IP, timestamp and source only. The
opt-out method and time, and the wording's name and version, go to the history as
``ChangeNote``s keyed ``(point, channel)`` like ``NewRequest.notes``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Iterator
from typing import Any

from regal_desktop.domain.consent import format_point
from regal_desktop.domain.findings import Finding, warning
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel, ConsentState
from regal_desktop.services.consent_texts import (
    ConsentTemplate,
    matching_template,
    wording_problem,
)
from regal_desktop.store.requests import ChangeNote
from regal_desktop.ui.editor.draft import EVIDENCE_FIELDS, Consent, Draft, EmailRow, PhoneRow
from regal_desktop.ui.editor.known import point_key


def _consents(draft: Draft) -> Iterator[tuple[str, PhoneRow | EmailRow, Channel, Consent]]:
    """Every (table, row, channel, consent) of the draft, phones first."""
    for phone in draft.phones:
        for channel in PHONE_CHANNELS:
            yield "phones", phone, channel, getattr(phone, channel.value)
    for email in draft.emails:
        for channel in EMAIL_CHANNELS:
            yield "emails", email, channel, getattr(email, channel.value)


def _typed(point: PhoneRow | EmailRow) -> str:
    return (point.number if isinstance(point, PhoneRow) else point.address).strip()


def note_for(consent: Consent) -> ChangeNote | None:
    """The evidence of one consent, or None when it has none: the opt-out's method and
    time only for an opt-out, the wording only with words."""
    opt_out = consent.state is ConsentState.UNSUBSCRIBED
    note = ChangeNote(
        method=(consent.method.strip() or None) if opt_out else None,
        received_at=(consent.received_at.strip() or None) if opt_out else None,
        template=(consent.template or None) if consent.text.strip() else None,
        template_version=(consent.template_version or None) if consent.text.strip() else None,
    )
    return None if note == ChangeNote() else note


def change_notes(
    draft: Draft, region: str = "US", templates: Iterable[ConsentTemplate] = ()
) -> dict[tuple[str, str], ChangeNote]:
    """Notes per consent of the draft, keyed ``(E.164 or lower-cased e-mail, channel)``;
    a consent with a state and evidence only (rows that are not yet a point are skipped).
    Words that are exactly one of ``templates`` (of their channel) name it when no
    wording was chosen (a contact opened from a file or the directory)."""
    listed = list(templates)
    notes: dict[tuple[str, str], ChangeNote] = {}
    for _table, point, channel, consent in _consents(draft):
        key = point_key(point, region)
        if key is None or consent.state is ConsentState.NO_STATUS:
            continue
        if not consent.template:
            known = matching_template(consent.text, channel, listed)
            if known is not None:
                consent = dataclasses.replace(
                    consent, template=known.name, template_version=known.version
                )
        note = note_for(consent)
        if note is not None:
            notes[(key, channel.value)] = note
    return notes


def draft_evidence(draft: Draft) -> dict[str, dict[str, dict[str, str]]]:
    """The evidence fields of the draft for an autosaved copy: ``{typed key: {channel:
    {"method", "receivedAt", "template", "templateVersion"}}}``, only what is filled."""
    saved: dict[str, dict[str, dict[str, str]]] = {}
    for _table, point, channel, consent in _consents(draft):
        fields = {
            name: getattr(consent, attribute)
            for attribute, name in EVIDENCE_FIELDS.items()
            if getattr(consent, attribute)
        }
        if fields and _typed(point):
            saved.setdefault(_typed(point), {})[channel.value] = fields
    return saved


def with_evidence(draft: Draft, saved: Any) -> Draft:
    """``draft`` with the evidence of an autosaved copy put back on the rows it names
    (anything of the wrong shape, or naming no row, is ignored)."""
    if not isinstance(saved, dict) or not saved:
        return draft

    def restored(point: Any, channels: tuple[Channel, ...]) -> Any:
        entry = saved.get(_typed(point))
        if not isinstance(entry, dict):
            return point
        changes: dict[str, Consent] = {}
        for channel in channels:
            fields = entry.get(channel.value)
            if isinstance(fields, dict):
                values = {
                    attribute: fields[name]
                    for attribute, name in EVIDENCE_FIELDS.items()
                    if isinstance(fields.get(name), str)
                }
                changes[channel.value] = dataclasses.replace(
                    getattr(point, channel.value), **values
                )
        return dataclasses.replace(point, **changes) if changes else point

    return dataclasses.replace(
        draft,
        phones=tuple(restored(p, PHONE_CHANNELS) for p in draft.phones),
        emails=tuple(restored(e, EMAIL_CHANNELS) for e in draft.emails),
    )


@functools.lru_cache(maxsize=2048)
def cached_wording_problem(
    text: str, channel: Channel, templates: tuple[ConsentTemplate, ...]
) -> str | None:
    """``wording_problem`` remembered by (words, channel, wordings): the words of a
    contact's consents are few and repeat, and each keystroke asks again."""
    return wording_problem(text, channel, templates)


def _point_wordings(
    table: str, point: PhoneRow | EmailRow, templates: tuple[ConsentTemplate, ...], region: str
) -> list[Finding]:
    """The wording warnings of one phone or e-mail row (see ``wording_findings``)."""
    typed = _typed(point)
    if not typed:
        return []
    channels = PHONE_CHANNELS if isinstance(point, PhoneRow) else EMAIL_CHANNELS
    found: list[Finding] = []
    for channel in channels:
        consent: Consent = getattr(point, channel.value)
        if consent.state is ConsentState.NO_STATUS:
            continue
        problem = cached_wording_problem(consent.text, channel, templates)
        if problem is None:
            continue
        key = point_key(point, region)
        label = point.label.strip()
        who = format_point(key) if key else typed
        where = f"{label} {who}" if label else who
        found.append(
            warning(
                ["traits", table, typed, channel.field, "text"],
                f"{where}, {channel.label} consent: {problem}",
            )
        )
    return found


def wording_findings(
    draft: Draft, templates: Iterable[ConsentTemplate], region: str = "US"
) -> list[Finding]:
    """A warning for each consent whose words do not fit its channel (an SMS wording on
    voice), in the user's words, at the consent text's path."""
    return WordingCheck().findings(draft, templates, region)


class WordingCheck:
    """``wording_findings`` of one editor's successive drafts at the cost of the rows that
    changed: an edit makes a new draft sharing its untouched rows (``draft.Draft``), so
    the findings of a row are kept while the row object is the same (a keystroke in a
    name re-checks nothing; one in a consent text, that row)."""

    def __init__(self) -> None:
        self._templates: tuple[ConsentTemplate, ...] = ()
        self._region = ""
        # id(row) -> (the row, its findings); the row is kept so its id is never reused.
        self._rows: dict[int, tuple[PhoneRow | EmailRow, list[Finding]]] = {}

    def findings(
        self, draft: Draft, templates: Iterable[ConsentTemplate], region: str = "US"
    ) -> list[Finding]:
        """The wording warnings of ``draft``, phones first, as ``wording_findings``."""
        listed = tuple(templates)
        if listed != self._templates or region != self._region:
            self._templates, self._region, self._rows = listed, region, {}
        kept, rows = self._rows, {}
        found: list[Finding] = []
        for table, points in (("phones", draft.phones), ("emails", draft.emails)):
            for point in points:
                entry = kept.get(id(point))
                if entry is None or entry[0] is not point:
                    entry = (point, _point_wordings(table, point, listed, region))
                rows[id(point)] = entry
                found += entry[1]
        self._rows = rows
        return found


__all__ = [
    "WordingCheck",
    "cached_wording_problem",
    "change_notes",
    "draft_evidence",
    "note_for",
    "with_evidence",
    "wording_findings",
]
