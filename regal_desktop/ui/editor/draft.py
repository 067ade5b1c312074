"""The contact being edited, as plain immutable data, and its conversion to and from a body.

A :class:`Draft` holds what the form shows: text as typed, rows in the order the user put
them. Every edit makes a new Draft that shares the untouched rows with the old one, so an
undo step is just the pair (before, after) and table models find changed rows by identity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from regal_desktop.domain.consent import CONSENT_WORDS
from regal_desktop.domain.findings import Finding, error, warning
from regal_desktop.domain.model import STANDARD_TRAITS, Channel, ConsentState
from regal_desktop.ui.editor.fields import FIELDS


class ValueType(StrEnum):
    """The type of a custom trait or event property, as the form offers it."""

    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "true/false"


@dataclass(frozen=True)
class Consent:
    """One channel's consent on one number or address; NO_STATUS sends no opt-in object.

    ``state``, ``text``, ``ip``, ``timestamp`` and ``source`` are sent. The rest is
    evidence kept on this desk, never sent: how an opt-out was received (a key of
    ``domain.consent.OPT_OUT_METHODS``) and when the person asked, and the name and
    version of the wording chosen.
    """

    state: ConsentState = ConsentState.NO_STATUS
    text: str = ""
    ip: str = ""
    timestamp: str = ""
    source: str = ""
    method: str = ""
    received_at: str = ""
    template: str = ""
    template_version: str = ""

    @property
    def sent(self) -> tuple[ConsentState, str, str, str, str]:
        """What the body carries of this consent (evidence aside)."""
        return (self.state, self.text, self.ip, self.timestamp, self.source)


#: The evidence fields of a Consent, as autosaved drafts name them.
EVIDENCE_FIELDS = {
    "method": "method",
    "received_at": "receivedAt",
    "template": "template",
    "template_version": "templateVersion",
}


@dataclass(frozen=True)
class PhoneRow:
    """A phone as the user typed it, with its label, primary flag and two consents."""

    number: str = ""
    label: str = ""
    primary: bool = False
    voice: Consent = field(default_factory=Consent)
    sms: Consent = field(default_factory=Consent)
    #: Replaced: every channel is being unsubscribed (Regal cannot delete a point).
    retired: bool = False


@dataclass(frozen=True)
class EmailRow:
    """An e-mail address as the user typed it, with its label, primary flag and consent."""

    address: str = ""
    label: str = ""
    primary: bool = False
    email: Consent = field(default_factory=Consent)
    #: Replaced: its e-mail consent is being unsubscribed (Regal cannot delete it).
    retired: bool = False


@dataclass(frozen=True)
class TypedRow:
    """A custom trait or an event property: name, type and the value as typed."""

    name: str = ""
    type: ValueType = ValueType.TEXT
    value: str = ""


@dataclass(frozen=True)
class Draft:
    """Everything the editor shows for one request: contact traits and an optional event."""

    user_id: str = ""
    first_name: str = ""
    last_name: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    zipcode: str = ""
    country: str = ""
    traits: tuple[TypedRow, ...] = ()
    phones: tuple[PhoneRow, ...] = ()
    emails: tuple[EmailRow, ...] = ()
    event_name: str = ""
    properties: tuple[TypedRow, ...] = ()
    original_timestamp: str = ""
    event_source: str = ""


def _opt_in(consent: Consent) -> dict[str, Any] | None:
    if consent.state is ConsentState.NO_STATUS:
        return None
    opt_in: dict[str, Any] = {"subscribed": consent.state is ConsentState.SUBSCRIBED}
    for name in ("timestamp", "ip", "text", "source"):
        value = getattr(consent, name).strip()
        if value:
            opt_in[name] = value
    return opt_in


_INTEGER = re.compile(r"[+-]?\d+")


def typed_value(row: TypedRow) -> str | int | float | bool | None:
    """The JSON value of a typed row, or None when the text does not fit its type."""
    text = row.value.strip()
    if row.type is ValueType.TEXT:
        return row.value
    if row.type is ValueType.BOOLEAN:
        return {"true": True, "false": False}.get(text.lower())
    if _INTEGER.fullmatch(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _typed_object(rows: tuple[TypedRow, ...]) -> dict[str, Any]:
    # A value that does not fit its type is sent as typed so the body stays honest;
    # input_findings() reports it and blocks sending.
    result: dict[str, Any] = {}
    for row in rows:
        if row.name.strip():
            value = typed_value(row)
            result[row.name.strip()] = row.value if value is None else value
    return result


def to_raw(draft: Draft) -> dict[str, Any]:
    """The raw payload for a draft: camelCase, only what is set, rows in the user's order.

    Numbers and addresses are keys as typed: the checker normalises them and reports
    problems at the key the user wrote.
    """
    raw: dict[str, Any] = {}
    traits: dict[str, Any] = {}
    address: dict[str, Any] = {}
    for entry in FIELDS:
        where = entry.path
        value = getattr(draft, entry.attribute).strip()
        if not value:
            continue
        if where[0] == "traits":
            (address if len(where) == 3 else traits)[where[-1]] = value
        else:
            raw[where[0]] = value
    phones: dict[str, Any] = {}
    for phone in draft.phones:
        if phone.number.strip():
            phones[phone.number.strip()] = _point(
                phone.label,
                phone.primary,
                {
                    Channel.VOICE.field: _opt_in(phone.voice),
                    Channel.SMS.field: _opt_in(phone.sms),
                },
            )
    emails: dict[str, Any] = {}
    for email in draft.emails:
        if email.address.strip():
            emails[email.address.strip()] = _point(
                email.label,
                email.primary,
                {
                    Channel.EMAIL.field: _opt_in(email.email),
                },
            )
    if phones:
        traits["phones"] = phones
    if emails:
        traits["emails"] = emails
    if address:
        traits["address"] = address
    traits.update(_typed_object(draft.traits))
    if traits:
        raw["traits"] = traits
    properties = _typed_object(draft.properties)
    if properties:
        raw["properties"] = properties
    return _ordered(raw)


def _point(label: str, primary: bool, opt_ins: dict[str, Any]) -> dict[str, Any]:
    point: dict[str, Any] = {}
    if label.strip():
        point["label"] = label.strip()
    if primary:
        point["isPrimary"] = True
    point.update({key: value for key, value in opt_ins.items() if value is not None})
    return point


_TOP_ORDER = ("userId", "traits", "name", "properties", "originalTimestamp", "eventSource")


def _ordered(raw: dict[str, Any]) -> dict[str, Any]:
    return {key: raw[key] for key in _TOP_ORDER if key in raw}


def opt_in_of(consent: Consent) -> dict[str, Any] | None:
    """The opt-in object a consent sends (None for No status)."""
    return _opt_in(consent)


def consent_of(opt_in: Any) -> Consent:
    """The Consent an opt-in object records (No status for anything that is not one)."""
    return _consent(opt_in)


def _consent(opt_in: Any) -> Consent:
    if not isinstance(opt_in, dict) or not isinstance(opt_in.get("subscribed"), bool):
        return Consent()
    state = ConsentState.SUBSCRIBED if opt_in["subscribed"] else ConsentState.UNSUBSCRIBED
    audit = {k: str(opt_in[k]) for k in ("text", "ip", "timestamp", "source") if k in opt_in}
    return Consent(state=state, **audit)


def _typed_row(name: str, value: Any) -> TypedRow:
    if isinstance(value, bool):
        return TypedRow(name, ValueType.BOOLEAN, "true" if value else "false")
    if isinstance(value, int | float):
        return TypedRow(name, ValueType.NUMBER, json.dumps(value))
    if isinstance(value, str):
        return TypedRow(name, ValueType.TEXT, value)
    return TypedRow(name, ValueType.TEXT, json.dumps(value, ensure_ascii=False))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def as_object(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def value_at(body: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at ``path`` in ``body`` (None where a step is missing or not an object)."""
    value: Any = body
    for key in path:
        value = as_object(value).get(key)
    return value


def left_out(before: Any, after: Any, path: str = "") -> list[str]:
    """The paths of ``before`` that ``after`` does not hold as they were (``after`` being
    what the form made of ``before``): what a user should know was not kept."""
    if isinstance(before, dict) and isinstance(after, dict):
        missing: list[str] = []
        for key, value in before.items():
            where = f"{path}.{key}" if path else str(key)
            if key in after:
                missing += left_out(value, after[key], where)
            else:
                missing.append(where)
        return missing
    return [] if before == after else [path or "(the whole body)"]


#: The most rows of each kind (phones, e-mails, custom traits, event properties) the form
#: opens: 1,000 open in about a third of a second; 100,000 took 53 s and 593 MB.
EDITOR_MAX_ROWS = 1_000
_ROWS = (
    (("traits", "phones"), "phone numbers"),
    (("traits", "emails"), "e-mail addresses"),
    (("traits", "optIn"), "legacy opt-ins"),
    (("properties",), "event properties"),
)


def too_big(raw: Any) -> str | None:
    """Why the form will not open ``raw`` (more rows of one kind than EDITOR_MAX_ROWS), in
    one line, or None. Counted on the payload as given, before anything is checked."""
    if not isinstance(raw, dict):
        return None
    counts = []
    for path, what in _ROWS:
        value = value_at(raw, path)
        counts.append((len(value) if isinstance(value, dict | list) else 0, what))
    traits = as_object(raw.get("traits"))
    counts.append((sum(1 for key in traits if key not in STANDARD_TRAITS), "custom traits"))
    count, what = max(counts, key=lambda pair: pair[0])
    if count <= EDITOR_MAX_ROWS:
        return None
    return (
        f"This contact has {count:,} {what}; the form opens contacts with up to "
        f"{EDITOR_MAX_ROWS:,} of each. Check or send it from the command line "
        "(regal-desktop validate FILE, regal-desktop send FILE)."
    )


def from_body(body: dict[str, Any]) -> Draft:
    """A draft showing a (checked, modern-shape) body; parts the form cannot hold are left out."""
    traits = as_object(body.get("traits"))
    return Draft(
        **{entry.attribute: _text(value_at(body, entry.path)) for entry in FIELDS},
        traits=tuple(_typed_row(k, v) for k, v in traits.items() if k not in STANDARD_TRAITS),
        phones=tuple(
            PhoneRow(
                number=number,
                label=_text(p.get("label")),
                primary=p.get("isPrimary") is True,
                voice=_consent(p.get("voiceOptIn")),
                sms=_consent(p.get("smsOptIn")),
            )
            for number, p in as_object(traits.get("phones")).items()
            if isinstance(p, dict)
        ),
        emails=tuple(
            EmailRow(
                address=address_,
                label=_text(e.get("label")),
                primary=e.get("isPrimary") is True,
                email=_consent(e.get("emailOptIn")),
            )
            for address_, e in as_object(traits.get("emails")).items()
            if isinstance(e, dict)
        ),
        properties=tuple(_typed_row(k, v) for k, v in as_object(body.get("properties")).items()),
    )


def _unsent_consent(kind: str, typed: str, channel: Channel, consent: Consent) -> list[Finding]:
    details = (consent.text, consent.ip, consent.timestamp, consent.source)
    if not typed.strip() or consent.state is not ConsentState.NO_STATUS:
        return []
    if not any(value.strip() for value in details):
        return []
    message = (
        f"has {channel.label} consent details but no state; choose "
        f"{CONSENT_WORDS[ConsentState.SUBSCRIBED]} or "
        f"{CONSENT_WORDS[ConsentState.UNSUBSCRIBED]}, or the details are not sent"
    )
    return [warning(["traits", kind, typed.strip(), channel.field], message)]


def input_findings(draft: Draft) -> list[Finding]:
    """Problems the body cannot show: a value that does not fit its type, two rows typed
    identically (they would be one key in the body; the checker finds numbers that are
    written differently but are the same), consent details left without a state (they
    are not sent)."""
    found: list[Finding] = []
    for where, rows in (("traits", draft.traits), ("properties", draft.properties)):
        for row in rows:
            if row.name.strip() and typed_value(row) is None:
                expected = "a number" if row.type is ValueType.NUMBER else "true or false"
                found.append(error([where, row.name.strip()], f"{row.value!r} is not {expected}."))
    keys = {
        "phones": [p.number.strip() for p in draft.phones if p.number.strip()],
        "emails": [e.address.strip() for e in draft.emails if e.address.strip()],
    }
    for phone in draft.phones:
        for channel in (Channel.VOICE, Channel.SMS):
            found += _unsent_consent("phones", phone.number, channel, getattr(phone, channel.value))
    for email in draft.emails:
        found += _unsent_consent("emails", email.address, Channel.EMAIL, email.email)
    for kind, points in keys.items():
        seen: set[str] = set()
        for key in points:
            if key in seen:
                found.append(
                    error(["traits", kind, key], f"{key} is listed twice; remove one row.")
                )
            seen.add(key)
    return found
