"""The one table of column names an import guesses: ``Mobile`` -> ``phone``, and the like.

A CRM or spreadsheet export names its columns in people's words. The window's mapping
page starts each column at its guess and the command line uses the guesses for columns
no ``--map`` names; every guess is shown (the mapping page's combos, the command's line
of ignored columns), never applied silently.

Names are compared squashed: case, spaces, underscores, hyphens and dots do not matter
(``E-mail``, ``e_mail`` and ``EMAIL`` are one name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from regal_desktop.domain.findings import quote
from regal_desktop.domain.import_rows import FIELDS, IGNORE, REJECTED_COLUMNS

#: Each field with the names a column filling it commonly has (the field's own name counts
#: too). Tests cover every line.
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "userId": (
        "User ID",
        "Customer ID",
        "Contact ID",
        "External ID",
        "Client ID",
        "Account ID",
        "CRM ID",
        "ID",
    ),
    "firstName": ("First Name", "First", "Given Name", "Forename"),
    "lastName": ("Last Name", "Last", "Surname", "Family Name"),
    "phone": (
        "Phone",
        "Phone Number",
        "Phone No",
        "Mobile",
        "Mobile Number",
        "Mobile Phone",
        "Cell",
        "Cell Phone",
        "Cell Number",
        "Tel",
        "Telephone",
        "Telephone Number",
        "Number",
    ),
    "phoneLabel": ("Phone Label", "Phone Type"),
    "phoneIsPrimary": ("Phone Is Primary", "Primary Phone"),
    "voiceOptIn": (
        "Voice consent",
        "Call consent",
        "Voice opt-in",
        "Voice opt in",
        "Call opt-in",
        "Calls opt-in",
    ),
    "smsOptIn": (
        "SMS consent",
        "SMS opt-in",
        "SMS opt in",
        "Text consent",
        "Text opt-in",
        "Text opt in",
        "Texting consent",
    ),
    "email": ("Email", "E-mail", "Email address", "E-mail address", "Mail"),
    "emailLabel": ("Email Label", "Email Type"),
    "emailIsPrimary": ("Email Is Primary", "Primary Email"),
    "emailOptIn": ("Email consent", "Email opt-in", "Email opt in", "E-mail consent"),
    "optInText": (
        "Consent wording",
        "Consent text",
        "Consent language",
        "Opt-in text",
        "Opt-in wording",
        "Opt-in language",
    ),
    "optInIp": ("Consent IP", "Opt-in IP", "IP", "IP address"),
    "optInTimestamp": (
        "Consent date",
        "Consent time",
        "Consent timestamp",
        "Consent date time",
        "Opt-in date",
        "Opt-in time",
        "Opt-in timestamp",
    ),
    "optInSource": ("Consent source", "Opt-in source", "Source", "Lead source"),
    "optOutMethod": ("Opt-out method", "Unsubscribe method", "Opt-out channel"),
    "receivedAt": ("Opt-out received", "Opt-out requested", "Opt-out date", "Requested at"),
}


def squashed(name: str) -> str:
    """``name`` as compared: lower case, letters and digits only (``E-mail`` -> ``email``)."""
    return "".join(c for c in name.casefold() if c.isalnum())


_GUESSES: dict[str, str] = {
    squashed(name): target for target in FIELDS for name in (target, *COMMON_NAMES.get(target, ()))
}


def guess_field(header: str) -> str | None:
    """The field a column named ``header`` commonly fills, or None (``Notes``)."""
    return _GUESSES.get(squashed(header))


def guessed_target(header: str) -> str:
    """The target a column starts with: its guessed field, else ignore."""
    if header.strip() in REJECTED_COLUMNS:
        return IGNORE
    return guess_field(header) or IGNORE


_CONSENT_FIELDS = ("voiceOptIn", "smsOptIn", "emailOptIn")


def mapping_notes(
    header: Sequence[str], targets: Sequence[str], defaults: Mapping[str, str]
) -> tuple[str, ...]:
    """What a person should know about a mapping before sending: the columns it ignores,
    and the warning when no column gives a phone or e-mail, or no column or default a
    consent."""
    notes: list[str] = []
    ignored = [
        quote(name.strip()) if name.strip() else f"{index + 1} (no name)"
        for index, (name, target) in enumerate(zip(header, targets, strict=False))
        if target == IGNORE
    ]
    if ignored:
        word = "column" if len(ignored) == 1 else "columns"
        notes.append(f"ignored (not sent): {word} {', '.join(ignored)}")
    if "phone" not in targets and "email" not in targets:
        notes.append("warning: no column is mapped to phone or email; rows can change no consent")
    if not any(f in targets or defaults.get(f, "").strip() for f in _CONSENT_FIELDS):
        notes.append(
            "warning: no column is mapped to a consent (voiceOptIn, smsOptIn or emailOptIn) "
            "and no consent default is set; no consent is sent"
        )
    return tuple(notes)


__all__ = ["COMMON_NAMES", "guess_field", "guessed_target", "mapping_notes", "squashed"]
