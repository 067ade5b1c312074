"""Checking a payload against what this desk knows of the contact.

Whether a primary phone is "new", and whether a consent object is a change worth
sending, depends on the profile the directory holds for the contact, found by the
identifiers the payload names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from regal_desktop.domain.check import Checked, check
from regal_desktop.domain.profile import identity_keys

#: Looks a directory key (``phone:+1...``, ``email:...``, ``user:...``) up.
Lookup = Callable[[str], dict[str, Any] | None]


def known_profile(body: dict[str, Any], lookup: Lookup) -> dict[str, Any] | None:
    """The profile of the first identifier the directory knows, in Regal's match order."""
    for key in identity_keys(body):
        profile = lookup(key)
        if profile is not None:
            return profile
    return None


def check_known(
    raw: Any, region: str, lookup: Lookup, *, restate: bool = False
) -> tuple[Checked, dict[str, Any] | None]:
    """Check ``raw``; if a finding or what is sent depends on the known profile (a
    primary phone, any consent object), check again with it: consent objects equal to
    the known ones are then left out of the body unless ``restate``.

    The first check already uses the profile the identifiers as written name (a number
    written in E.164, an e-mail, the userId: what the editor and most files hold), so
    for a known contact a keystroke costs one check, not two; a second check runs only
    when the normalised body names another contact.

    Returns the result and the profile the directory holds for the contact (or None).
    """
    guess = known_profile(raw, lookup) if isinstance(raw, dict) and _keyed(raw) else None
    first = check(raw, region=region, known=guess, restate=restate)
    known = known_profile(first.body, lookup) if _keyed(first.body) else None
    if not first.asked_known or known == guess:
        return first, known
    return check(raw, region=region, known=known, restate=restate), known


def _keyed(raw: dict[str, Any]) -> bool:
    """Are the phones and e-mails of ``raw`` maps (the shape ``identity_keys`` reads)?"""
    traits = raw.get("traits")
    if traits is None:
        return True
    if not isinstance(traits, dict):
        return False
    return all(isinstance(traits.get(group) or {}, dict) for group in ("phones", "emails"))


def checker_for(region: str, lookup: Lookup, restate: bool = False) -> Callable[[Any], Checked]:
    """A one-argument checker that knows the directory (what bulk import takes)."""

    def checker(raw: Any) -> Checked:
        return check_known(raw, region, lookup, restate=restate)[0]

    return checker
