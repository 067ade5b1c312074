"""Checking a payload: the body that would be sent, and what is wrong or risky about it.

``check`` takes parsed JSON of any type and never raises. It returns the body to send
(numbers in E.164, e-mail domains and IPs normalised, the legacy shape converted, keys in
a stable order) and findings: errors block sending, warnings explain a risk. Paths in
findings point at what the user wrote, even when the body spells it differently.

The structure (types, required and unknown keys) comes from the pydantic models; the
rules Regal's reference states in prose (one primary, consent per channel, identifiers)
are checked here by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from regal_desktop.domain import jsonc
from regal_desktop.domain.consent import older_than_known, same_consent
from regal_desktop.domain.findings import (
    Finding,
    Level,
    describe,
    error,
    info,
    quote,
    structure_findings,
    suggest,
    warning,
)
from regal_desktop.domain.legacy import Parts, convert_legacy
from regal_desktop.domain.model import (
    EMAIL_CHANNELS,
    PHONE_CHANNELS,
    STANDARD_TRAITS,
    Address,
    Channel,
    Email,
    OptIn,
    Payload,
    Phone,
    body_text,
)
from regal_desktop.domain.normalise import (
    check_timestamp,
    format_phone,
    normalise_email,
    normalise_ip,
    normalise_phone,
    parse_timestamp,
)
from regal_desktop.domain.nul import nul_findings

_PAYLOAD_ORDER = tuple(f.alias or n for n, f in Payload.model_fields.items())
_TRAITS_ORDER = ("firstName", "lastName", "phones", "emails", "address")
_ORDER = {
    "phones": tuple(f.alias or n for n, f in Phone.model_fields.items()),
    "emails": tuple(f.alias or n for n, f in Email.model_fields.items()),
}
_OPT_IN_ORDER = tuple(f.alias or n for n, f in OptIn.model_fields.items())
_ADDRESS_ORDER = tuple(f.alias or n for n, f in Address.model_fields.items())
_CHANNELS = {"phones": PHONE_CHANNELS, "emails": EMAIL_CHANNELS}
_NOUN = {"phones": "phone number", "emails": "e-mail address"}


@dataclass(frozen=True)
class Checked:
    """The body to send and the findings about it."""

    body: dict[str, Any]
    findings: tuple[Finding, ...]
    #: True when a finding, or what is sent, depended on the profile this desk knew
    #: (``known``): a primary phone, or any consent object. Only then is checking again
    #: with the directory's profile worth it.
    asked_known: bool = False
    #: The consent objects left out of the body because they equal what the directory
    #: knows (``kind`` 'phone'/'email', the point as the body names it, the channel):
    #: "unchanged, not sent".
    left_out: tuple[tuple[str, str, Channel], ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that block sending."""
        return tuple(f for f in self.findings if f.level is Level.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings that explain a risk but allow sending."""
        return tuple(f for f in self.findings if f.level is Level.WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        """What the checker did for the user (a number written in E.164): no risk."""
        return tuple(f for f in self.findings if f.level is Level.INFO)

    @property
    def sendable(self) -> bool:
        """True when nothing blocks sending."""
        return not self.errors

    @cached_property
    def text(self) -> str:
        """The exact text that would be sent (and is shown in the preview); built once."""
        return body_text(self.body)


def check_text(
    text: str,
    source: str,
    *,
    region: str = "US",
    known: dict[str, Any] | None = None,
    restate: bool = False,
) -> Checked:
    """Parse JSON with comments (``PayloadSyntaxError`` if it is not JSON) and check it."""
    return check(jsonc.loads(text, source), region=region, known=known, restate=restate)


def check(
    raw: Any, *, region: str = "US", known: dict[str, Any] | None = None, restate: bool = False
) -> Checked:
    """Check parsed JSON as one request body; never raises.

    ``region`` reads numbers written without ``+``. ``known`` is the profile this desk last
    knew for the contact (payload-shaped, may be None): a phone already primary there is
    not "new" when the payload marks it primary again, and a consent object equal to the
    known one (subscribed, time as a moment, text, IP, source) is left out of the body,
    with its findings, so a name fix never re-sends an opt-in (``Checked.left_out``).
    ``restate`` keeps such objects in the body: a deliberate restatement.
    """
    if not isinstance(raw, dict):
        message = f"the payload must be a JSON object {{...}}, not {describe(raw)}"
        return Checked({}, (error((), message),))
    checker = _Checker(region, known, restate)
    body = checker.run(raw)
    findings = sorted(
        [*checker.findings, *nul_findings(raw)], key=lambda f: f.level is not Level.ERROR
    )
    return Checked(body, tuple(findings), checker.asked_known, tuple(checker.left_out))


def _ordered(values: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    """The same keys, known ones in ``order`` first, then the rest as given."""
    result = {key: values[key] for key in order if key in values}
    result.update((key, value) for key, value in values.items() if key not in result)
    return result


def _translate(parts: Parts, mapping: dict[Parts, Parts]) -> Parts:
    """Rewrite the longest prefix of ``parts`` that ``mapping`` knows."""
    for size in range(len(parts), 0, -1):
        found = mapping.get(parts[:size])
        if found is not None:
            return found + parts[size:]
    return parts


def _not_scalar(value: Any) -> str | None:
    """Why a custom trait or event property value cannot be sent, or None if it can."""
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if isinstance(value, str | bool | int | float):
        return None
    return f"must be text, a number or true/false, not {describe(value)}"


class _Checker:
    """One run of the checker: collects findings while it builds the body."""

    def __init__(self, region: str, known: dict[str, Any] | None, restate: bool = False) -> None:
        self.region = region
        self.known = known
        self.restate = restate
        self.asked_known = False
        self.left_out: list[tuple[str, str, Channel]] = []
        self.findings: list[Finding] = []
        # Body places whose key was normalised -> the key as written (before legacy mapping).
        self.renamed: dict[Parts, Parts] = {}
        # Places the legacy conversion created -> the legacy keys they came from.
        self.legacy: dict[Parts, Parts] = {}

    def add(self, level: Level, parts: Parts, message: str, *, in_body: bool = True) -> None:
        """Record a finding at ``parts`` of the body (or of the traits before normalising)."""
        if in_body:
            parts = _translate(parts, self.renamed)
        parts = _translate(parts, self.legacy)
        make = _MAKERS[level]
        self.findings.append(make(parts, message))

    def run(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Check ``raw`` and return the body to send."""
        traits = raw.get("traits")
        if isinstance(traits, dict):
            traits = self.traits(traits)
        structural = structure_findings(raw)
        # The legacy conversion already explained bad channels, in its own words.
        taken = {f.path for f in self.findings}
        self.findings.extend(f for f in structural if f.path not in taken)
        body = _ordered({**raw, "traits": traits} if "traits" in raw else raw, _PAYLOAD_ORDER)
        self.top_level(body)
        return body

    def top_level(self, body: dict[str, Any]) -> None:
        """Identifiers, the event's timestamp and properties."""
        user_id = body.get("userId")
        traits = body.get("traits")
        if not isinstance(traits, dict):
            traits = {}
        named = any(isinstance(traits.get(group), dict) and traits[group] for group in _NOUN)
        if isinstance(user_id, str) and user_id.strip():
            named = True
        elif user_id == "" and named:
            self.add(Level.WARNING, ("userId",), "is empty; leave it out or give the user id")
        if not named:
            self.add(
                Level.ERROR,
                (),
                "says nothing about who it is for: add a userId, a phone or an e-mail",
            )
        stamp = body.get("originalTimestamp")
        if isinstance(stamp, str):
            self.timestamp(("originalTimestamp",), stamp)
        properties = body.get("properties")
        if isinstance(properties, dict):
            if "name" not in body:
                self.add(
                    Level.WARNING,
                    ("properties",),
                    'belong to an event, but there is no "name"; Regal records no event '
                    "without one",
                )
            for key, value in properties.items():
                problem = _not_scalar(value)
                if problem:
                    self.add(Level.ERROR, ("properties", key), f"event property {problem}")

    def traits(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The traits to send: legacy converted, keys normalised, values checked."""
        converted = convert_legacy(raw, self.region)
        self.findings.extend(converted.findings)
        self.legacy = converted.sources
        traits = converted.traits
        for group in _NOUN:
            entries = traits.get(group)
            if isinstance(entries, dict):
                traits[group] = self.points(group, entries)
                self.primaries(group, traits[group])
        if isinstance(traits.get("address"), dict):
            traits["address"] = _ordered(traits["address"], _ADDRESS_ORDER)
        for key, value in traits.items():
            if key in STANDARD_TRAITS:
                continue
            problem = _not_scalar(value)
            hint = _standard_spelling(key)
            if problem:
                hint = hint or suggest(key, STANDARD_TRAITS)
                suggestion = f" (did you mean {quote(hint)}?)" if hint else ""
                self.add(Level.ERROR, ("traits", key), f"custom trait {problem}{suggestion}")
            elif hint:
                self.add(
                    Level.WARNING,
                    ("traits", key),
                    f"is sent as a custom trait; did you mean {quote(hint)}?",
                )
        return _ordered(traits, _TRAITS_ORDER)

    def points(self, group: str, entries: dict[str, Any]) -> dict[str, Any]:
        """Phones or e-mails keyed by their normalised number or address."""
        result: dict[str, Any] = {}
        written_as: dict[str, str] = {}
        for written, entry in entries.items():
            where: Parts = ("traits", group, written)
            if group == "phones":
                number = normalise_phone(written, self.region)
                key, problem = number.e164, number.error
                # Writing a number in E.164 is done for the user: information, not a risk.
                notes = number.risks
                spelled = f"Phone {written} will be sent as {key}"
            else:
                key, problem = normalise_email(written)
                notes = ()
                spelled = f"E-mail {written} will be sent as {key}"
            if problem or key is None:
                self.add(Level.ERROR, where, problem or "cannot be read", in_body=False)
                key = written
            elif key in result:
                self.add(
                    Level.ERROR,
                    where,
                    f"is the same {_NOUN[group]} as {quote(written_as[key])}; keep one",
                    in_body=False,
                )
                if written == key:
                    # This one is spelled as sent, so it keeps the key; the earlier entry
                    # goes back to how it was written rather than being overwritten.
                    result[written_as[key]] = result.pop(key)
                    del self.renamed[("traits", group, key)]
                else:
                    key = written
            else:
                for note in notes:
                    self.add(Level.WARNING, where, note, in_body=False)
                if key != written:
                    self.add(Level.INFO, where, spelled, in_body=False)
            written_as.setdefault(key, written)
            if key != written:
                self.renamed[("traits", group, key)] = where
            result[key] = self.point(group, key, entry)
        return result

    def point(self, group: str, key: str, entry: Any) -> Any:
        """One phone or e-mail entry with its opt-ins checked; an opt-in equal to the
        known one is left out (unless restating), with what was found about it."""
        if not isinstance(entry, dict):
            return entry
        entry = _ordered(entry, _ORDER[group])
        label = entry.get("label")

        def who() -> str:
            # Named only in findings: formatting a number costs a second parse (most rows
            # of a bulk import find nothing to say).
            name = format_phone(key) if group == "phones" else key
            if isinstance(label, str) and label.strip():
                return f"{label.strip()[:1].upper()}{label.strip()[1:]} {name}"
            return f"{'Phone' if group == 'phones' else 'E-mail'} {name}"

        for channel in _CHANNELS[group]:
            opt_in = entry.get(channel.field)
            if isinstance(opt_in, dict):
                self.asked_known = True  # what is sent depends on what is known
                parts = ("traits", group, key, channel.field)
                before = len(self.findings)
                entry[channel.field] = self.opt_in(parts, opt_in, who, channel)
                found = self.findings[before:]
                known = self.known_opt_in(group, key, channel)
                if (
                    not self.restate
                    and not any(f.level is Level.ERROR for f in found)
                    and same_consent(entry[channel.field], known)
                ):
                    del self.findings[before:]
                    del entry[channel.field]
                    self.left_out.append((_KIND[group], key, channel))
                elif older_than_known(entry[channel.field], known):
                    state = "subscribed" if known.get("subscribed") is True else "unsubscribed"
                    self.add(
                        Level.WARNING,
                        parts,
                        f"{who()}, {channel.label} consent: older than what is known "
                        f"({state} as of {known.get('timestamp')}); Regal keeps the state "
                        "sent last, so this would undo the newer change",
                    )
        return entry

    def known_opt_in(self, group: str, key: str, channel: Channel) -> Any:
        """The opt-in object the known profile holds for this point and channel, or None."""
        traits = self.known.get("traits") if isinstance(self.known, dict) else None
        entries = traits.get(group) if isinstance(traits, dict) else None
        if not isinstance(entries, dict):
            return None
        entry = entries.get(key)
        if entry is None and group == "emails":
            entry = next((e for k, e in entries.items() if k.lower() == key.lower()), None)
        return entry.get(channel.field) if isinstance(entry, dict) else None

    def opt_in(
        self, parts: Parts, raw: dict[str, Any], who: Callable[[], str], channel: Channel
    ) -> Any:
        """One channel's consent: audit fields checked, the IP normalised; ``who()``
        names the phone or e-mail in messages."""
        opt_in = _ordered(raw, _OPT_IN_ORDER)

        def subject() -> str:
            return f"{who()}, {channel.label} consent"

        stamp = opt_in.get("timestamp")
        if isinstance(stamp, str):
            self.timestamp((*parts, "timestamp"), stamp, subject)
        ip = opt_in.get("ip")
        if isinstance(ip, str):
            address, problem = normalise_ip(ip)
            if problem:
                self.add(Level.ERROR, (*parts, "ip"), f"{subject()}: the IP address {problem}")
            else:
                opt_in["ip"] = address
        subscribed = opt_in.get("subscribed")
        if subscribed is False:
            noun = "number" if channel in PHONE_CHANNELS else "address"
            self.add(
                Level.WARNING,
                parts,
                f"{subject()}: opt-out (no more {channel.label} to this {noun})",
            )
        if isinstance(subscribed, bool) and stamp is None:
            given = "given" if subscribed else "withdrawn"
            self.add(
                Level.WARNING,
                parts,
                f"{subject()}: time is missing, so the record cannot show when consent "
                f"was {given}" + (" (through Segment, Regal ignores it)" if subscribed else ""),
            )
        if subscribed is True and not opt_in.get("text"):
            self.add(
                Level.WARNING,
                parts,
                f"{subject()}: consent text is missing (the words the person agreed to)",
            )
        return opt_in

    def timestamp(self, parts: Parts, text: str, subject: Callable[[], str] | None = None) -> None:
        """An error for an unreadable timestamp, a warning for one without an offset;
        ``subject()`` names what the time belongs to (a consent) in messages."""
        problem = check_timestamp(text)
        moment = parse_timestamp(text)
        if not problem and (moment is None or moment.tzinfo is not None):
            return
        if problem is None:
            level = Level.WARNING
            problem = (
                f"{quote(text)} has no time zone, so the moment is ambiguous; add Z or an "
                "offset like -04:00"
            )
        else:
            level = Level.ERROR
        self.add(level, parts, f"{subject()}: the time {problem}" if subject else problem)

    def primaries(self, group: str, entries: dict[str, Any]) -> None:
        """One primary per group; a new primary phone should come with its consent."""
        primary = [
            k for k, e in entries.items() if isinstance(e, dict) and e.get("isPrimary") is True
        ]
        show = format_phone if group == "phones" else quote
        for extra in primary[1:]:
            self.add(
                Level.ERROR,
                ("traits", group, extra, "isPrimary"),
                f"{show(extra)} and {show(primary[0])} are both primary; a contact has one "
                f"primary {_NOUN[group]}",
            )
        if group != "phones" or len(primary) != 1:
            return
        number, entry = primary[0], entries[primary[0]]
        if any(isinstance(entry.get(c.field), dict) for c in PHONE_CHANNELS):
            return
        if self.known_to_be_reachable(number):
            return
        self.add(
            Level.WARNING,
            ("traits", group, number, "isPrimary"),
            f"makes {format_phone(number)} the primary phone without voice or SMS consent; "
            "journeys call and text only the primary phone, so they stop reaching this "
            "contact until this number has opt-ins",
        )

    def known_to_be_reachable(self, number: str) -> bool:
        """Was ``number`` already primary, or subscribed, in the profile this desk knew?"""
        self.asked_known = True
        traits = self.known.get("traits") if isinstance(self.known, dict) else None
        if not isinstance(traits, dict):
            return False
        phones = convert_legacy(traits, self.region).traits.get("phones")
        if not isinstance(phones, dict):
            return False
        for written, entry in phones.items():
            if not isinstance(entry, dict) or normalise_phone(written, self.region).e164 != number:
                continue
            if entry.get("isPrimary") is True:
                return True
            for channel in PHONE_CHANNELS:
                opt_in = entry.get(channel.field)
                if isinstance(opt_in, dict) and opt_in.get("subscribed") is True:
                    return True
        return False


_MAKERS = {Level.ERROR: error, Level.WARNING: warning, Level.INFO: info}
_KIND = {"phones": "phone", "emails": "email"}


def _standard_spelling(key: str) -> str | None:
    """The standard trait a custom key was probably meant to be (``first_name``)."""
    squashed = key.replace("_", "").replace("-", "").lower()
    for standard in sorted(STANDARD_TRAITS):
        if squashed == standard.lower() and key != standard:
            return standard
    return None
