"""Checking a payload against what this desk knows of the contact.

Whether a primary phone is "new" depends on the profile the directory holds for the
contact. The directory is consulted only when the check asked about it, so a keystroke in
the editor costs one check, not two.
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


def check_known(raw: Any, region: str, lookup: Lookup) -> tuple[Checked, dict[str, Any] | None]:
    """Check ``raw``; if a finding depends on the known profile, check again with it.

    Returns the result and the profile the directory holds for the contact (or None).
    """
    first = check(raw, region=region)
    known = known_profile(first.body, lookup)
    if known is None or not first.asked_known:
        return first, known
    return check(raw, region=region, known=known), known


def checker_for(region: str, lookup: Lookup) -> Callable[[Any], Checked]:
    """A one-argument checker that knows the directory (what bulk import takes)."""

    def checker(raw: Any) -> Checked:
        return check_known(raw, region, lookup)[0]

    return checker
