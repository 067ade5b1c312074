"""The contact profile Regal holds, and how one request body changes it.

A *profile* is shaped like a payload body without the event fields: ``userId`` and
``traits`` with ``firstName``, ``lastName``, ``phones``, ``emails``, ``address`` and custom
traits. In a profile every phone and e-mail carries an explicit ``isPrimary``, and when a
contact has phones (or e-mails) exactly one of them is primary.

The rules follow Regal's reference ("Primary" and "Updating the Primary Phone"): the first
phone added is primary; ``isPrimary: true`` moves it; when no phone is primary and none
was, the numbers are sorted alphanumerically and the first wins. Everything else merges
field by field: a body only overwrites what it sets. E-mails follow the same rules.

Bodies handed to these functions are already normalised (E.164 numbers, normalised
addresses, no legacy ``phone``/``email``/``optIn`` keys). Nothing here mutates its inputs.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel

#: Top-level keys of a body that describe an event, not the contact.
_EVENT_KEYS = frozenset({"name", "properties", "originalTimestamp", "eventSource"})


def merge_profile(known: dict[str, Any] | None, body: dict[str, Any]) -> dict[str, Any]:
    """The profile Regal holds after applying ``body`` to ``known`` (None: a new contact)."""
    profile: dict[str, Any] = copy.deepcopy(known) if known else {}
    for key, value in body.items():
        if key not in _EVENT_KEYS and key != "traits":
            profile[key] = copy.deepcopy(value)
    traits: dict[str, Any] = profile.setdefault("traits", {})
    for key, value in (body.get("traits") or {}).items():
        if key == "phones":
            traits["phones"] = _merge_points(traits.get("phones"), value, PHONE_CHANNELS)
        elif key == "emails":
            traits["emails"] = _merge_points(traits.get("emails"), value, EMAIL_CHANNELS)
        elif key == "address":
            traits["address"] = {**traits.get("address", {}), **copy.deepcopy(value)}
        else:
            traits[key] = copy.deepcopy(value)
    return profile


def _merge_points(
    known: dict[str, Any] | None, changes: dict[str, Any], channels: tuple[Channel, ...]
) -> dict[str, Any]:
    """Merge the phones (or e-mails) of a body into those a profile already has."""
    old = known or {}
    merged: dict[str, dict[str, Any]] = {point: dict(entry) for point, entry in old.items()}
    for point, change in changes.items():
        entry = merged.setdefault(point, {})
        if "label" in change:
            entry["label"] = change["label"]
        # Consent is per channel: a channel the body leaves out keeps its old opt-in,
        # and a channel it names is replaced whole (new words, new time, new IP).
        for channel in channels:
            if channel.field in change:
                entry[channel.field] = copy.deepcopy(change[channel.field])
    primary = _choose_primary(old, changes)
    return {point: _ordered(entry, point == primary, channels) for point, entry in merged.items()}


def _choose_primary(old: dict[str, Any], changes: dict[str, Any]) -> str | None:
    """Which point is primary after the change (None only when there are no points)."""
    promoted = [point for point, change in changes.items() if change.get("isPrimary") is True]
    if promoted:
        # A valid body names at most one; if several slip through, the first one wins.
        return promoted[0]
    existing = [point for point, entry in old.items() if entry.get("isPrimary") is True]
    if existing:
        # `isPrimary: false` alone does not demote: Regal documents no way to leave a
        # contact without a primary, only ways to name a new one.
        return existing[0]
    return first_in_order([*old, *changes])


def first_in_order(points: Iterable[str]) -> str | None:
    """The point Regal makes primary when none is named: the first alphanumerically."""
    return min(points, default=None)


def _ordered(entry: dict[str, Any], primary: bool, channels: tuple[Channel, ...]) -> dict[str, Any]:
    """One phone or e-mail in a stable key order, with ``isPrimary`` always present."""
    result: dict[str, Any] = {}
    if "label" in entry:
        result["label"] = entry["label"]
    result["isPrimary"] = primary
    for channel in channels:
        if channel.field in entry:
            result[channel.field] = entry[channel.field]
    return result


def identity_keys(body: dict[str, Any]) -> list[str]:
    """Directory keys of a body or profile in Regal's match order: phones, e-mails, userId.

    Keys look like ``phone:+19545582399``, ``email:jane@example.com`` (lower-cased) and
    ``user:123``.
    """
    traits = body.get("traits") or {}
    keys = [f"phone:{number}" for number in traits.get("phones") or {}]
    keys += [f"email:{address.lower()}" for address in traits.get("emails") or {}]
    user_id = body.get("userId")
    if user_id:
        keys.append(f"user:{user_id}")
    return keys


def _primary(points: dict[str, Any] | None) -> str | None:
    for point, entry in (points or {}).items():
        if entry.get("isPrimary") is True:
            return point
    return None


def primary_phone(profile: dict[str, Any]) -> str | None:
    """The number marked primary, or None."""
    return _primary((profile.get("traits") or {}).get("phones"))


def primary_email(profile: dict[str, Any]) -> str | None:
    """The address marked primary, or None."""
    return _primary((profile.get("traits") or {}).get("emails"))


def _subscribed(points: dict[str, Any] | None, point: str | None, channel: Channel) -> bool:
    if point is None or points is None:
        return False
    opt_in = points[point].get(channel.field) or {}
    return opt_in.get("subscribed") is True


def journey_reach(profile: dict[str, Any]) -> dict[str, bool]:
    """Whether journeys can call, text and e-mail this contact.

    Journeys use only the primary phone and the primary e-mail, and only when that point
    is subscribed on the channel: ``{"voice": ..., "sms": ..., "email": ...}``.
    """
    traits = profile.get("traits") or {}
    phones, emails = traits.get("phones"), traits.get("emails")
    phone, email = primary_phone(profile), primary_email(profile)
    return {
        "voice": _subscribed(phones, phone, Channel.VOICE),
        "sms": _subscribed(phones, phone, Channel.SMS),
        "email": _subscribed(emails, email, Channel.EMAIL),
    }


def display_key(body_or_profile: dict[str, Any]) -> str:
    """How to name a contact in lists: primary (else first) phone, then e-mail, then userId."""
    traits = body_or_profile.get("traits") or {}
    for points in (traits.get("phones"), traits.get("emails")):
        if points:
            return _primary(points) or next(iter(points))
    user_id = body_or_profile.get("userId")
    return str(user_id) if user_id else ""


__all__ = [
    "display_key",
    "identity_keys",
    "journey_reach",
    "merge_profile",
    "primary_email",
    "primary_phone",
]
