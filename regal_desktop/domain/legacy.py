"""The legacy shape (``traits.phone``, ``traits.email``, ``traits.optIn[]``) in today's shape.

Regal still accepts the legacy keys: the phone and the e-mail become primary ("the latest
always wins") and each ``optIn`` entry applies to that phone (voice, SMS) or e-mail. We
convert them into ``phones``/``emails`` so the preview, the directory and the profile merge
only ever see one shape. The phone or e-mail joins an entry already in ``phones``/``emails``
for the same number or address.

Works on the parsed JSON as written, never raises, and leaves a value of the wrong type
where it is (the structural check reports it). ``sources`` maps each place the conversion
created in the converted traits to the place it came from, so findings can point at what
the user actually wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from regal_desktop.domain.findings import Finding, error, quote
from regal_desktop.domain.model import Channel
from regal_desktop.domain.normalise import normalise_email, normalise_phone

#: A path as a tuple of keys and list positions (see ``findings.json_path``).
Parts = tuple[str | int, ...]

#: The legacy keys inside ``traits``.
LEGACY_KEYS = ("phone", "email", "optIn")

_CHANNEL_NAMES = '"voice", "sms" or "email"'


@dataclass
class Converted:
    """Traits in today's shape, what went wrong, and where converted parts came from."""

    traits: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    sources: dict[Parts, Parts] = field(default_factory=dict)


def convert_legacy(traits: dict[str, Any], region: str = "US") -> Converted:
    """Fold ``phone``, ``email`` and ``optIn`` of ``traits`` into ``phones`` and ``emails``.

    Paths in ``findings`` and ``sources`` start at ``traits``. The input is not modified.
    """
    converted = Converted(dict(traits))
    if not any(key in traits for key in LEGACY_KEYS):
        return converted

    def same_phone(text: str) -> str | None:
        return normalise_phone(text, region).e164

    def same_email(text: str) -> str | None:
        return normalise_email(text)[0]

    targets = {
        "phones": _adopt(converted, "phones", "phone", same_phone),
        "emails": _adopt(converted, "emails", "email", same_email),
    }
    _apply_opt_ins(converted, targets)
    return converted


def _adopt(
    converted: Converted, group: str, key: str, same: Callable[[str], str | None]
) -> str | None:
    """Make the legacy phone/e-mail the primary entry of its group; return its key there."""
    traits = converted.traits
    if key not in traits:
        return None
    value = traits[key]
    if value is None:
        del traits[key]
        return None
    entries = traits.get(group, {})
    if not isinstance(value, str) or not isinstance(entries, dict):
        return None
    entries = dict(entries)
    wanted = same(value)
    found = next(
        (k for k in entries if k == value or (wanted is not None and same(k) == wanted)), None
    )
    if found is None:
        found = value
        entries[found] = {}
        converted.sources[("traits", group, found)] = ("traits", key)
    entry = entries[found]
    if isinstance(entry, dict):
        if entry.get("isPrimary") is False:
            converted.findings.append(
                error(
                    ("traits", key),
                    f"makes {quote(value)} primary, but traits.{group} marks it "
                    '"isPrimary": false; remove one of the two',
                )
            )
        entries[found] = {**entry, "isPrimary": True}
        converted.sources[("traits", group, found, "isPrimary")] = ("traits", key)
    traits[group] = entries
    del traits[key]
    return found


def _apply_opt_ins(converted: Converted, targets: dict[str, str | None]) -> None:
    """Move each ``optIn`` entry onto the phone or e-mail it applies to."""
    traits = converted.traits
    if "optIn" not in traits:
        return
    opt_ins = traits["optIn"]
    if not isinstance(opt_ins, list):
        if opt_ins is None:
            del traits["optIn"]
        return
    for index, entry in enumerate(opt_ins):
        where: Parts = ("traits", "optIn", index)
        if not isinstance(entry, dict):
            continue
        channel = _channel(converted, where, entry)
        if channel is None:
            continue
        group, legacy_key = ("emails", "email") if channel is Channel.EMAIL else ("phones", "phone")
        target = targets[group]
        if target is None:
            converted.findings.append(
                error(
                    where,
                    f"gives {channel.label} consent, but there is no traits.{legacy_key} "
                    "for it to apply to",
                )
            )
            continue
        entries = traits[group]
        entry_now = entries.get(target)
        if not isinstance(entry_now, dict):
            continue
        if channel.field in entry_now:
            converted.findings.append(
                error(
                    where,
                    f"gives {channel.label} consent for {quote(target)} a second time "
                    f"(it already has {channel.field}); keep one",
                )
            )
            continue
        opt_in = {k: v for k, v in entry.items() if k != "channel"}
        entries[target] = {**entry_now, channel.field: opt_in}
        converted.sources[("traits", group, target, channel.field)] = where
    del traits["optIn"]


def _channel(converted: Converted, where: Parts, entry: dict[str, Any]) -> Channel | None:
    """The entry's channel, or None after reporting why it has none."""
    if "channel" not in entry:
        converted.findings.append(error(where, f'needs a "channel": {_CHANNEL_NAMES}'))
        return None
    value = entry["channel"]
    for channel in Channel:
        if value == channel.value:
            return channel
    shown = quote(value) if isinstance(value, str) else "a value of another type"
    converted.findings.append(error((*where, "channel"), f"must be {_CHANNEL_NAMES}, not {shown}"))
    return None
