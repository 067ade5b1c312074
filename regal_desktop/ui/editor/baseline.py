"""What the user changed against the known profile (the document's ``baseline``).

The baseline is the profile this desk knows Regal holds (payload-shaped, ``isPrimary``
explicit). A field or a row is marked where what it will send differs from it: a
single-line field typed differently, a phone or e-mail Regal does not hold yet, or one
whose label, primary flag or consent differ. An empty field sends nothing (Regal keeps
what it has), so it is not marked. No Qt here: the models ask per row, on screen only,
and ``changes`` (tests, the benchmark) asks for all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from regal_desktop.domain.consent import CONSENT_WORDS, format_point, same_consent
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel, ConsentState
from regal_desktop.domain.normalise import normalise_email, normalise_phone
from regal_desktop.ui.editor.draft import (
    Consent,
    Draft,
    TypedRow,
    as_object,
    opt_in_of,
    typed_value,
    value_at,
)
from regal_desktop.ui.editor.fields import FIELDS, Section

PointTable = Literal["phones", "emails"]

#: The channels of each table's points.
CHANNELS: Mapping[PointTable, tuple[Channel, ...]] = {
    "phones": PHONE_CHANNELS,
    "emails": EMAIL_CHANNELS,
}

#: The fields a profile holds (the event's fields are not part of the contact).
PROFILE_FIELDS = tuple(field for field in FIELDS if field.section is not Section.EVENT)


def known_text(value: Any) -> str:
    """A known value as the form shows it ("" for nothing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_marks(draft: Draft, baseline: Mapping[str, Any] | None) -> dict[str, str]:
    """The single-line fields typed differently from the baseline: attribute -> the known
    text ("" when Regal holds nothing there). Empty fields are not marked."""
    if baseline is None:
        return {}
    marks: dict[str, str] = {}
    for field in PROFILE_FIELDS:
        typed = getattr(draft, field.attribute).strip()
        known = known_text(value_at(baseline, field.path)).strip()
        if typed and typed != known:
            marks[field.attribute] = known
    return marks


def known_points(baseline: Mapping[str, Any] | None, table: PointTable) -> dict[str, Any]:
    """The phones or e-mails of the baseline, by ``point_key`` (addresses lower-cased,
    as the directory matches them)."""
    if baseline is None:
        return {}
    points = as_object(as_object(baseline.get("traits")).get(table))
    return points if table == "phones" else {key.lower(): value for key, value in points.items()}


def point_key(typed: str, table: PointTable, region: str = "US") -> str:
    """The key a typed number or address is known by: E.164, or the address lower-cased
    (as the directory and the evidence notes match them); as typed when unreadable."""
    text = typed.strip()
    if not text:
        return ""
    if table == "phones":
        return normalise_phone(text, region).e164 or text
    return (normalise_email(text)[0] or text).lower()


def consent_differs(consent: Consent, known: Any) -> bool:
    """Whether a draft's consent for a channel differs from the known opt-in object, by
    the rule that decides what is sent (``domain.consent.same_consent``): what is marked
    changed is what the body carries."""
    known_object = as_object(known)
    if consent.state is ConsentState.NO_STATUS:
        return bool(known_object)
    return not same_consent(opt_in_of(consent), known_object)


def known_consent_words(known: Any) -> str:
    """A known opt-in object in words: "Subscribed since 2026-03-12T14:02:00Z"."""
    known_object = as_object(known)
    subscribed = known_object.get("subscribed")
    if not isinstance(subscribed, bool):
        return CONSENT_WORDS[ConsentState.NO_STATUS]
    state = ConsentState.SUBSCRIBED if subscribed else ConsentState.UNSUBSCRIBED
    since = known_text(known_object.get("timestamp"))
    return f"{CONSENT_WORDS[state]} since {since}" if since else CONSENT_WORDS[state]


@dataclass(frozen=True)
class PointMark:
    """How a phone or e-mail row differs from what Regal holds for it."""

    key: str
    #: Regal does not hold this number or address yet.
    new: bool = False
    #: Being replaced: every channel is unsubscribed.
    retired: bool = False
    #: The known label, where the row's label differs.
    label: str | None = None
    #: The known primary flag, where the row's differs.
    primary: bool | None = None
    #: The channels whose consent differs, with the known object of each.
    channels: tuple[tuple[Channel, Any], ...] = ()

    @property
    def changed_channels(self) -> tuple[Channel, ...]:
        """The channels whose consent differs."""
        return tuple(channel for channel, _ in self.channels)

    def lines(self) -> list[str]:
        """The tooltip of the mark, one line per difference ("Known: label Home")."""
        point = format_point(self.key)
        if self.retired:
            return [f"Retired: {point} is being unsubscribed on every channel (replaced)"]
        if self.new:
            return [f"New: Regal does not hold {point} yet"]
        lines = []
        if self.label is not None:
            lines.append(f"Known: label {self.label or '(none)'}")
        if self.primary is not None:
            lines.append(f"Known: {'primary' if self.primary else 'not primary'}")
        for channel, known in self.channels:
            lines.append(f"Known: {channel.label} {known_consent_words(known)}")
        return lines


def point_mark(
    row: Any, table: PointTable, known: Mapping[str, Any], region: str = "US"
) -> PointMark | None:
    """The mark of one phone or e-mail row against ``known`` (``known_points``), or None
    when it is as Regal holds it (or the row is empty, or nothing is known)."""
    typed = row.number if table == "phones" else row.address
    key = point_key(typed, table, region)
    retired = bool(getattr(row, "retired", False))
    if not key or (not known and not retired):
        return None
    point = known.get(key)
    if retired:
        return PointMark(key, retired=True)
    if not isinstance(point, dict):
        return PointMark(key, new=True)
    known_label = known_text(point.get("label")).strip()
    label = known_label if row.label.strip() != known_label else None
    known_primary = point.get("isPrimary") is True
    primary = known_primary if row.primary != known_primary else None
    channels = tuple(
        (channel, point.get(channel.field))
        for channel in CHANNELS[table]
        if consent_differs(getattr(row, channel.value), point.get(channel.field))
    )
    if label is None and primary is None and not channels:
        return None
    return PointMark(key, label=label, primary=primary, channels=channels)


def trait_mark(row: TypedRow, baseline: Mapping[str, Any] | None) -> str | None:
    """The tooltip of a custom trait typed differently from the known one, or None."""
    name = row.name.strip()
    if baseline is None or not name:
        return None
    traits = as_object(baseline.get("traits"))
    if name not in traits:
        return f"New: Regal does not hold the trait {name} yet"
    value = typed_value(row)
    if value is None:
        value = row.value
    known = traits[name]
    if value == known and type(value) is type(known):
        return None
    return f"Known: {known_text(known) or '(empty)'}"


@dataclass(frozen=True)
class Changes:
    """Every mark of a draft against its baseline."""

    fields: dict[str, str]
    phones: dict[int, PointMark]
    emails: dict[int, PointMark]
    traits: dict[int, str]

    def __bool__(self) -> bool:
        return bool(self.fields or self.phones or self.emails or self.traits)


def changes(draft: Draft, baseline: Mapping[str, Any] | None, region: str = "US") -> Changes:
    """All the marks of ``draft`` against ``baseline`` at once."""
    points: dict[PointTable, dict[int, PointMark]] = {"phones": {}, "emails": {}}
    for table, marks in points.items():
        known = known_points(baseline, table)
        for index, row in enumerate(getattr(draft, table)):
            mark = point_mark(row, table, known, region)
            if mark is not None:
                marks[index] = mark
    traits = {
        index: note
        for index, row in enumerate(draft.traits)
        if (note := trait_mark(row, baseline)) is not None
    }
    return Changes(field_marks(draft, baseline), points["phones"], points["emails"], traits)
