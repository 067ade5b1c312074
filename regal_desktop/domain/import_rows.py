"""Turning one CSV row into one payload: column mapping, defaults and cell values.

Pure functions, no I/O: ``services.bulk_import`` reads the file and checks every payload
with ``domain.check.check``, the same rules as a single payload. This module only decides
which column fills which field and reads the cells that are not plain text (consent
words and true/false); everything else (numbers, e-mail addresses, IPs, timestamps) is
left to the checker.

Without a mapping the header names are the field names (``phone``, ``smsOptIn``, ...;
case does not matter). A mapping assigns any header to a field, to ``ignore`` or to a
custom trait ``trait:NAME``; defaults give values to fields a row leaves empty (one
``optInText`` for the whole file, say). A header that is neither a field nor mapped makes
the whole file unreadable rather than being guessed at.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from regal_desktop.domain.consent import OPT_OUT_METHODS
from regal_desktop.domain.findings import Finding, quote, warning
from regal_desktop.domain.model import STANDARD_TRAITS, ConsentState
from regal_desktop.domain.normalise import check_timestamp

#: The fields a column can fill, in the order people read them.
FIELDS = (
    "userId",
    "firstName",
    "lastName",
    "phone",
    "phoneLabel",
    "phoneIsPrimary",
    "voiceOptIn",
    "smsOptIn",
    "email",
    "emailLabel",
    "emailIsPrimary",
    "emailOptIn",
    "optInText",
    "optInIp",
    "optInTimestamp",
    "optInSource",
    "optOutMethod",
    "receivedAt",
)
#: Fields kept as evidence of the row's opt-outs (how and when the person asked), never
#: sent: ``RowPayload.method`` and ``RowPayload.received_at``.
_EVIDENCE_FIELDS = ("optOutMethod", "receivedAt")
#: The target of a column that is read but not sent.
IGNORE = "ignore"
#: The prefix of a target that sends the column as a custom trait: ``trait:plan``.
TRAIT = "trait:"
#: Columns a rejected-rows file adds; ignored on re-import unless mapped.
REJECTED_COLUMNS = ("line", "reason")

#: A default for these would give every row the same identity, merging strangers.
_NO_DEFAULT = frozenset({"userId", "phone", "email"})
#: The consent words a default offers; empty is No status (every word below is read).
CONSENT_CHOICES = ("", ConsentState.SUBSCRIBED.value, ConsentState.UNSUBSCRIBED.value)
_CONSENT_WORDS = {
    ConsentState.SUBSCRIBED.value: True,
    "true": True,
    "yes": True,
    "1": True,
    ConsentState.UNSUBSCRIBED.value: False,
    "false": False,
    "no": False,
    "0": False,
}
_BOOLEAN_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_AUDIT = {
    "optInText": "text",
    "optInIp": "ip",
    "optInTimestamp": "timestamp",
    "optInSource": "source",
}
_PHONE_FIELDS = ("phoneLabel", "phoneIsPrimary", "voiceOptIn", "smsOptIn")
_EMAIL_FIELDS = ("emailLabel", "emailIsPrimary", "emailOptIn")
_CHANNELS = {"voiceOptIn": "phone", "smsOptIn": "phone", "emailOptIn": "email"}
_CONSENT_HELP = (
    "a consent value; write subscribed or unsubscribed (or yes/no, true/false, 1/0), or "
    "leave it empty for No status"
)
_BOOLEAN_HELP = "true or false; write true/false, yes/no or 1/0, or leave it empty"
#: The fields whose cells are words, with the words and what a message calls them.
_WORDS = {
    **{name: (_CONSENT_WORDS, _CONSENT_HELP) for name in _CHANNELS},
    "phoneIsPrimary": (_BOOLEAN_WORDS, _BOOLEAN_HELP),
    "emailIsPrimary": (_BOOLEAN_WORDS, _BOOLEAN_HELP),
}


class MappingError(ValueError):
    """A mapping or a header that cannot be used; ``str()`` says which and why.

    ``problems`` holds each problem on its own, for a list (a header can have several).
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _squash(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def nearest_field(name: str) -> str | None:
    """The field a header or target probably means (``Phone Number`` -> ``phone``)."""
    by_squashed = {_squash(f): f for f in FIELDS}
    # "Phone Number" and "E-mail address" start with a field's name: that one, not the
    # closest spelling ("phoneLabel").
    starts = [f for squashed, f in by_squashed.items() if _squash(name).startswith(squashed)]
    if starts:
        return max(starts, key=len)
    close = difflib.get_close_matches(_squash(name), by_squashed, n=1, cutoff=0.6)
    return by_squashed[close[0]] if close else None


def check_target(target: str, where: str) -> str:
    """``target`` if a column can be mapped to it, else MappingError naming ``where``."""
    if target in FIELDS or target == IGNORE:
        return target
    if target.startswith(TRAIT):
        name = target[len(TRAIT) :]
        if not name.strip():
            raise MappingError(f"{where}: {quote(target)} needs a trait name, like trait:plan")
        if name in STANDARD_TRAITS:
            raise MappingError(
                f"{where}: {quote(name)} is a standard trait, not a custom one; "
                "map the column to one of the fields instead"
            )
        return target
    hint = nearest_field(target)
    suggestion = f"; did you mean {quote(hint)}?" if hint else ""
    raise MappingError(
        f"{where}: {quote(target)} is not a field, {IGNORE} or trait:NAME{suggestion} "
        f"(fields: {', '.join(FIELDS)})"
    )


@dataclass(frozen=True)
class ColumnMapping:
    """Which header fills which field, and the values for fields a row leaves empty."""

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for header, target in self.columns.items():
            check_target(target, f"mapping of column {quote(header)}")
        for name in self.defaults:
            where = f"default {quote(name)}"
            if check_target(name, where) == IGNORE:
                raise MappingError(f"{where}: a default needs a field, not {IGNORE}")
            if name in _NO_DEFAULT:
                raise MappingError(
                    f"{where}: {name} cannot have a default; every row would name the same contact"
                )
            # A bad word here would reject every row; say it once, about the default.
            words, what = _WORDS.get(name, (None, ""))
            value = self.defaults[name].strip()
            if words is not None and value and value.lower() not in words:
                raise MappingError(f"{where}: {quote(value)} is not {what}")

    def updated(self, other: ColumnMapping) -> ColumnMapping:
        """This mapping with ``other``'s columns and defaults taking precedence."""
        return ColumnMapping({**self.columns, **other.columns}, {**self.defaults, **other.defaults})

    def to_setting(self) -> dict[str, dict[str, str]]:
        """The JSON value kept in the settings under ``import_mappings``."""
        return {"columns": dict(self.columns), "defaults": dict(self.defaults)}

    @classmethod
    def from_setting(cls, value: Any, name: str) -> ColumnMapping:
        """Read a saved mapping back; MappingError when it was damaged."""
        if not isinstance(value, dict):
            raise MappingError(f"saved mapping {quote(name)} is not readable")
        columns, defaults = value.get("columns", {}), value.get("defaults", {})
        for part in (columns, defaults):
            if not isinstance(part, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in part.items()
            ):
                raise MappingError(f"saved mapping {quote(name)} is not readable")
        return cls(dict(columns), dict(defaults))


@dataclass(frozen=True)
class Columns:
    """How the columns of one file are read: the target of each, by position."""

    header: tuple[str, ...]
    targets: tuple[str, ...]
    defaults: Mapping[str, str]
    #: What the user should know about the header: unused mappings, ignored columns.
    notices: tuple[str, ...] = ()

    @cached_property
    def places(self) -> tuple[str, ...]:
        """How messages name each column: ``column "SMS"`` (computed once, not per cell)."""
        return tuple(f"column {_column_name(h, i)}" for i, h in enumerate(self.header))


def _column_name(header: str, index: int) -> str:
    return quote(header) if header.strip() else f"{index + 1} (no name)"


def read_header(header: Sequence[str], mapping: ColumnMapping) -> Columns:
    """Decide the target of every column; MappingError lists every column it cannot place."""
    by_lower = {f.lower(): f for f in FIELDS}
    targets: list[str] = []
    problems: list[str] = []
    notices: list[str] = []
    for index, raw_name in enumerate(header):
        name = raw_name.strip()
        if raw_name in mapping.columns or name in mapping.columns:
            targets.append(mapping.columns.get(raw_name, mapping.columns.get(name, "")))
        elif name.lower() in by_lower:
            targets.append(by_lower[name.lower()])
        elif name in REJECTED_COLUMNS:
            targets.append(IGNORE)
            notices.append(f"column {quote(name)} is ignored (it comes from a rejected-rows file)")
        else:
            targets.append(IGNORE)
            hint = nearest_field(name) if name else None
            suggestion = f"; did you mean {quote(hint)}?" if hint else ""
            problems.append(
                f"column {_column_name(name, index)} is not a field: map it to a field, to "
                f"{IGNORE} or to trait:NAME{suggestion}"
            )
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if name.strip() and name.strip() in seen:
            problems.append(
                f"the header names {quote(name.strip())} twice (columns "
                f"{seen[name.strip()] + 1} and {index + 1})"
            )
        seen.setdefault(name.strip(), index)
    filled: dict[str, int] = {}
    for index, target in enumerate(targets):
        if target != IGNORE and target in filled:
            problems.append(
                f"columns {_column_name(header[filled[target]], filled[target])} and "
                f"{_column_name(header[index], index)} both fill {target}; keep one"
            )
        filled.setdefault(target, index)
    if problems:
        raise MappingError(*problems)
    stripped = {h.strip() for h in header} | set(header)
    notices += [
        f"the mapping names column {quote(h)}, which this file does not have"
        for h in mapping.columns
        if h not in stripped
    ]
    return Columns(tuple(header), tuple(targets), dict(mapping.defaults), tuple(notices))


def is_empty(cells: Sequence[str]) -> bool:
    """True for a row with no text in any cell (a blank line included)."""
    return not any(cell.strip() for cell in cells)


@dataclass(frozen=True)
class RowPayload:
    """The payload a row describes, or why it cannot describe one."""

    raw: dict[str, Any]
    problems: tuple[str, ...]
    #: Warnings about the row itself (the checker adds its own about the payload).
    notes: tuple[Finding, ...]
    #: How the row's opt-outs were received (a key of ``consent.OPT_OUT_METHODS``).
    method: str | None = None
    #: When the person asked, as written (a timestamp).
    received_at: str | None = None


@dataclass(frozen=True)
class _Value:
    text: str
    where: str  # 'column "SMS"' or 'default smsOptIn': how a message names it
    from_cell: bool


def _word(value: _Value, words: dict[str, bool], what: str, problems: list[str]) -> bool | None:
    """The boolean a consent or true/false cell means; records a problem if none."""
    meaning = words.get(value.text.lower())
    if meaning is None:
        problems.append(f"{value.where}: {quote(value.text)} is not {what}")
    return meaning


def row_payload(cells: Sequence[str], columns: Columns) -> RowPayload:
    """The payload of one row: ``{"userId"?, "traits": {...}}`` with one phone and/or e-mail."""
    problems: list[str] = []
    if len(cells) != len(columns.header):
        problems.append(
            f"the row has {len(cells)} cells but the header has {len(columns.header)} columns"
        )
    values: dict[str, _Value] = {}
    custom: dict[str, str] = {}
    for index, (cell, target) in enumerate(zip(cells, columns.targets, strict=False)):
        text = cell.strip()
        if not text or target == IGNORE:
            continue
        if target.startswith(TRAIT):
            custom[target[len(TRAIT) :]] = text
        else:
            values[target] = _Value(text, columns.places[index], True)
    for name, text in columns.defaults.items():
        if not text.strip():
            continue
        if name.startswith(TRAIT):
            custom.setdefault(name[len(TRAIT) :], text.strip())
        elif name not in values:
            values[name] = _Value(text.strip(), f"default {name}", False)

    audit = {key: values[name].text for name, key in _AUDIT.items() if name in values}
    traits: dict[str, Any] = {}
    for name in ("firstName", "lastName"):
        if name in values:
            traits[name] = values[name].text
    for kind, group, fields in (
        ("phone", "phones", _PHONE_FIELDS),
        ("email", "emails", _EMAIL_FIELDS),
    ):
        point = values.get(kind)
        if point is None:
            problems += [
                f"{values[f].where} is set but the row has no {kind}"
                for f in fields
                if f in values and values[f].from_cell
            ]
            continue
        entry: dict[str, Any] = {}
        if f"{kind}Label" in values:
            entry["label"] = values[f"{kind}Label"].text
        if f"{kind}IsPrimary" in values:
            primary = _word(values[f"{kind}IsPrimary"], _BOOLEAN_WORDS, _BOOLEAN_HELP, problems)
            if primary is not None:
                entry["isPrimary"] = primary
        for name in (f for f in fields if f in _CHANNELS):
            if name in values:
                subscribed = _word(values[name], _CONSENT_WORDS, _CONSENT_HELP, problems)
                if subscribed is not None:
                    entry[name] = {"subscribed": subscribed, **audit}
        traits[group] = {point.text: entry}
    traits.update(custom)

    notes: list[Finding] = []
    # A consent value counts only when the row also has the number or address it is for.
    if not any(name in values and _CHANNELS[name] in values for name in _CHANNELS):
        notes += [
            warning(
                (),
                f"{values[name].where} is not sent: the row sets no consent "
                "(voiceOptIn, smsOptIn or emailOptIn)",
            )
            for name in _AUDIT
            if name in values and values[name].from_cell
        ]
    method, received_at = _opt_out_evidence(values, problems)
    if (method or received_at) and not any(
        isinstance(opt_in, dict) and opt_in.get("subscribed") is False
        for group in ("phones", "emails")
        for entry in (traits.get(group) or {}).values()
        for opt_in in entry.values()
    ):
        notes += [
            warning((), f"{values[name].where} is not kept: the row records no opt-out")
            for name in _EVIDENCE_FIELDS
            if name in values and values[name].from_cell
        ]
        method = received_at = None
    raw: dict[str, Any] = {}
    if "userId" in values:
        raw["userId"] = values["userId"].text
    if traits:
        raw["traits"] = traits
    return RowPayload(raw, tuple(problems), tuple(notes), method, received_at)


def _opt_out_evidence(
    values: dict[str, _Value], problems: list[str]
) -> tuple[str | None, str | None]:
    """How and when the row's opt-outs were received, checked (problems recorded)."""
    method = None
    if "optOutMethod" in values:
        value = values["optOutMethod"]
        method = _METHODS.get(value.text.lower())
        if method is None:
            words = ", ".join(OPT_OUT_METHODS.values())
            problems.append(f"{value.where}: {quote(value.text)} is not one of: {words}")
    received_at = None
    if "receivedAt" in values:
        value = values["receivedAt"]
        problem = check_timestamp(value.text)
        if problem:
            problems.append(f"{value.where}: {problem}")
        else:
            received_at = value.text
    return method, received_at


#: An opt-out method as a cell may name it: its stored key or its words, any case.
_METHODS = {
    **{key: key for key in OPT_OUT_METHODS},
    **{words.lower(): key for key, words in OPT_OUT_METHODS.items()},
}


__all__ = [
    "CONSENT_CHOICES",
    "FIELDS",
    "IGNORE",
    "REJECTED_COLUMNS",
    "TRAIT",
    "ColumnMapping",
    "Columns",
    "MappingError",
    "RowPayload",
    "check_target",
    "is_empty",
    "nearest_field",
    "read_header",
    "row_payload",
]
