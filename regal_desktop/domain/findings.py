"""Findings: what the checker says about a payload, and where.

A finding's path points into the payload the way people read JSON: dotted camelCase keys
(``traits.firstName``), list positions in brackets (``traits.optIn[1].channel``) and map
keys that are not plain names in brackets with JSON quotes
(``traits.phones["+19545582399"].smsOptIn``). The whole body is ``$``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from regal_desktop.domain.model import Address, Email, LegacyOptIn, OptIn, Payload, Phone

#: Keys that can be written after a dot; anything else goes in brackets with quotes.
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


class Level(StrEnum):
    """How serious a finding is: errors block sending, warnings explain a risk, and
    information says what the desk did for the user (a number written in E.164)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One thing the checker noticed, at one place in the payload."""

    level: Level
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.level.value}: {self.path}: {self.message}"


def json_path(parts: Iterable[str | int]) -> str:
    """Spell a sequence of keys and list positions as a path (``$`` when empty)."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text or "$"


def quote(text: str) -> str:
    """Text in JSON quotes, as messages show keys and values: ``"isprimary"``."""
    return json.dumps(text, ensure_ascii=False)


def error(parts: Iterable[str | int], message: str) -> Finding:
    """An error (blocks sending) at the place named by ``parts``."""
    return Finding(Level.ERROR, json_path(parts), message)


def warning(parts: Iterable[str | int], message: str) -> Finding:
    """A warning (sendable, but worth reading) at the place named by ``parts``."""
    return Finding(Level.WARNING, json_path(parts), message)


def info(parts: Iterable[str | int], message: str) -> Finding:
    """Information (no risk, nothing to fix) at the place named by ``parts``."""
    return Finding(Level.INFO, json_path(parts), message)


def suggest(key: str, allowed: Iterable[str]) -> str | None:
    """The allowed key ``key`` is probably a misspelling of (``isprimary`` -> ``isPrimary``)."""
    by_lower = {name.lower(): name for name in allowed}
    close = difflib.get_close_matches(key.lower(), by_lower, n=1, cutoff=0.7)
    return by_lower[close[0]] if close else None


def describe(value: Any) -> str:
    """A value as a message shows it: ``"yes"``, ``123``, ``null``, ``an object``."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return f"a {type(value).__name__}"
    return shown if len(shown) <= 40 else shown[:37] + "..."


# Structural findings: the pydantic models' verdict, said in the user's words.

#: The models a key's parent can be, found by the parent's path with map keys as "*".
_PLACES: dict[tuple[str | int, ...], tuple[type[BaseModel], str]] = {
    (): (Payload, "the payload"),
    ("traits", "phones", "*"): (Phone, "a phone"),
    ("traits", "emails", "*"): (Email, "an e-mail address"),
    ("traits", "phones", "*", "voiceOptIn"): (OptIn, "an opt-in"),
    ("traits", "phones", "*", "smsOptIn"): (OptIn, "an opt-in"),
    ("traits", "emails", "*", "emailOptIn"): (OptIn, "an opt-in"),
    ("traits", "address"): (Address, "the address"),
    ("traits", "optIn", "*"): (LegacyOptIn, "a legacy opt-in"),
}
_WRONG_KIND = {
    ("traits", "emails", "*", "voiceOptIn"): "belongs on a phone; an e-mail address carries "
    "only emailOptIn",
    ("traits", "emails", "*", "smsOptIn"): "belongs on a phone; an e-mail address carries "
    "only emailOptIn",
    ("traits", "phones", "*", "emailOptIn"): "belongs on an e-mail address; a phone carries "
    "voiceOptIn and smsOptIn",
}


def _shape(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """``loc`` with the phone number, address or list position replaced by ``*``."""
    if len(loc) > 2 and loc[:2] in (
        ("traits", "phones"),
        ("traits", "emails"),
        ("traits", "optIn"),
    ):
        return (*loc[:2], "*", *loc[3:])
    return loc


def _unknown_key(loc: tuple[str | int, ...]) -> str:
    shape, key = _shape(loc), str(loc[-1])
    if shape in _WRONG_KIND:
        return _WRONG_KIND[shape]
    model, what = _PLACES.get(shape[:-1], (Payload, "this object"))
    allowed = [f.alias or name for name, f in model.model_fields.items()]
    close = suggest(key, allowed)
    if close:
        return f"unknown key {quote(key)} in {what}; did you mean {quote(close)}?"
    hint = " (custom traits go inside traits)" if model is Payload else ""
    return f"unknown key {quote(key)} in {what}; allowed: {', '.join(allowed)}{hint}"


def _explain(kind: str, loc: tuple[str | int, ...], value: Any, fallback: str) -> Finding:
    if kind == "extra_forbidden":
        return error(loc, _unknown_key(loc))
    if kind == "missing":
        needed = "true to subscribe, false to unsubscribe" if loc[-1] == "subscribed" else ""
        return error(loc[:-1], f"needs {quote(str(loc[-1]))}" + (f": {needed}" if needed else ""))
    shown = describe(value)
    if kind == "bool_type":
        unquote = " (write it without quotes)" if shown in ('"true"', '"false"') else ""
        return error(loc, f"must be true or false, not {shown}{unquote}")
    if kind == "string_type":
        quoted = f" (write it in quotes: {quote(shown)})" if isinstance(value, int | float) else ""
        return error(loc, f"must be text, not {shown}{quoted}")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return error(loc, f"must be an object {{...}}, not {shown}")
    if kind == "list_type":
        return error(loc, f"must be a list [...], not {shown}")
    return error(loc, fallback[:1].lower() + fallback[1:])


def structure_findings(raw: Any) -> list[Finding]:
    """What the models say about ``raw``: wrong types, missing and unknown keys.

    A legacy opt-in's channel is left to ``legacy.convert_legacy``, which explains it.
    """
    try:
        Payload.model_validate(raw)
    except ValidationError as exc:
        return [
            _explain(e["type"], tuple(e["loc"]), e.get("input"), e["msg"])
            for e in exc.errors(include_url=False)
            if _shape(tuple(e["loc"])) != ("traits", "optIn", "*", "channel")
        ]
    return []
