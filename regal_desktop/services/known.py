"""The merged known state of a contact: what this desk sent and Regal accepted (the
directory), with what Regal itself reported (its contact events) where that is newer.

For each number or address and channel the known consent is the latest by consent time
among the two (``domain.reconcile.latest_known``); each comes with since when and from
where (``Known``: "this desk", or "Regal (regalvoice.sms)"). A contact that only Regal's
events mention is known too, found by its phone, e-mail or userId. The editor's
baseline, the CSV import's checks, "Profile after send" and ``contacts show`` read it.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from regal_desktop.domain.consent import format_point
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel
from regal_desktop.domain.profile import display_key, merge_profile
from regal_desktop.domain.reconcile import Known, Reported, known_state
from regal_desktop.services.clock import local_time
from regal_desktop.store import ContactSummary, Store
from regal_desktop.store.accepted import AcceptedChanges, regal_events_exist
from regal_desktop.store.directory import lookup_keys
from regal_desktop.store.events import EventRow, reported

#: Looks a directory key (``phone:+1...``, ``email:...``, ``user:...``) up.
Lookup = Callable[[str], dict[str, Any] | None]


@dataclass(frozen=True)
class KnownContact:
    """A contact's merged profile and, per (point, channel), where its consent is from."""

    profile: dict[str, Any]  # payload-shaped, explicit isPrimary (like the directory's)
    provenance: dict[tuple[str, str], Known] = field(default_factory=dict)
    in_directory: bool = True  # False: only Regal's events know this contact

    def known(self, point: str, channel: Channel | str) -> Known | None:
        """What is known of ``point`` on ``channel``, or None."""
        return self.provenance.get((point, Channel(channel).value))


def _events_of(store: Store, key: str, profile: dict[str, Any] | None) -> list[EventRow]:
    """Every event about the contact: its points, its userId, and (for a contact only
    Regal knows) the other points its events' userIds name."""
    seen: dict[int, EventRow] = {}

    def take(rows: Iterable[EventRow]) -> None:
        seen.update((row.id, row) for row in rows)

    if profile is not None:
        traits = profile.get("traits") or {}
        for point in (*(traits.get("phones") or {}), *(traits.get("emails") or {})):
            take(store.events.for_point(point))
        if profile.get("userId"):
            take(store.events.for_user(str(profile["userId"])))
        return list(seen.values())
    for found in lookup_keys(key):
        kind, _, value = found.partition(":")
        take(store.events.for_user(value) if kind == "user" else store.events.for_point(value))
    for user_id in {row.user_id for row in seen.values() if row.user_id}:
        take(store.events.for_user(user_id))
    return list(seen.values())


def _channels(point: str) -> tuple[Channel, ...]:
    return EMAIL_CHANNELS if "@" in point else PHONE_CHANNELS


def known_contact(store: Store, key: str) -> KnownContact | None:
    """The merged profile of the contact ``key`` names (phone in any format, e-mail,
    userId, or a directory key), or None when neither this desk nor Regal knows it."""
    profile = store.directory.get(key)
    rows = _events_of(store, key, profile) if regal_events_exist(store.conn) else []
    if profile is None and not rows:
        return None
    by_point: dict[str, list[Reported]] = defaultdict(list)
    points: dict[str, None] = {}
    user_id = None
    for row in rows:
        if row.point is not None:
            points[row.point] = None
        user_id = user_id or row.user_id
        change = reported(row)
        if change is not None:
            by_point[change.point].append(change)
    merged = copy.deepcopy(profile) if profile is not None else {}
    if profile is None and user_id:
        merged["userId"] = user_id
    traits = merged.setdefault("traits", {})
    new_points: dict[str, dict[str, Any]] = {"phones": {}, "emails": {}}
    for point in points:
        trait = "emails" if "@" in point else "phones"
        if point not in (traits.get(trait) or {}):
            new_points[trait][point] = {}
    additions = {trait: found for trait, found in new_points.items() if found}
    if additions:  # points Regal knows that this desk never sent: primary rules apply
        merged = merge_profile(merged, {"traits": additions})
        traits = merged["traits"]
    all_points = [*(traits.get("phones") or {}), *(traits.get("emails") or {})]
    accepted = AcceptedChanges(store.conn).latest(all_points) if profile is not None else {}
    provenance: dict[tuple[str, str], Known] = {}
    for trait in ("phones", "emails"):
        for point, entry in (traits.get(trait) or {}).items():
            for channel in _channels(point):
                opt_in = entry.get(channel.field)
                last = accepted.get((point, channel.value))
                events = [r for r in by_point.get(point, ()) if r.channel == channel.value]
                known = known_state(
                    opt_in if isinstance(opt_in, dict) else None,
                    last.accepted_at if last is not None else None,
                    events,
                )
                if known is not None:
                    entry[channel.field] = known.opt_in
                    provenance[(point, channel.value)] = known
    return KnownContact(merged, provenance, in_directory=profile is not None)


def known_profile(store: Store, key: str) -> dict[str, Any] | None:
    """The merged profile (payload-shaped, like the directory's) of the contact ``key``
    names, with Regal's newer consent merged in; None when nobody knows it."""
    if not regal_events_exist(store.conn):  # one indexed look; a CSV import asks per row
        return store.directory.get(key)
    found = known_contact(store, key)
    return found.profile if found is not None else None


def known_with_sources(
    store: Store, key: str
) -> tuple[dict[str, Any] | None, dict[tuple[str, str], str]]:
    """``known_profile`` with where each consent is from, keyed ``(point, channel)``
    ("Regal (regalvoice.sms)"); empty when only this desk's sends are known."""
    if not regal_events_exist(store.conn):
        return store.directory.get(key), {}
    found = known_contact(store, key)
    if found is None:
        return None, {}
    return found.profile, {where: known.source for where, known in found.provenance.items()}


def provenance(store: Store, point: str, channel: Channel | str) -> Known | None:
    """What is known of ``point`` (phone in any format, or e-mail) on ``channel``: the
    state, since when and from where; None when nothing is."""
    keys = [k for k in lookup_keys(point) if not k.startswith("user:")]
    if not keys:
        return None
    found = known_contact(store, keys[0])
    if found is None:
        return None
    return found.known(keys[0].partition(":")[2], channel)


def provenance_words(known: Known) -> str:
    """``unsubscribed since 2026-11-21 04:30:00, from Regal (regalvoice.sms)``."""
    state = "subscribed" if known.subscribed else "unsubscribed"
    confirmed = ", confirmed by Regal" if known.confirmed else ""
    return f"{state} since {local_time(known.since)}, from {known.source}{confirmed}"


def provenance_lines(found: KnownContact) -> list[str]:
    """One line per consent: ``+1 954-555-2399 SMS: unsubscribed since ..., from ...``."""
    lines = [] if found.in_directory else ["Known only from Regal's events."]
    for (point, channel), known in found.provenance.items():
        lines.append(f"{format_point(point)} {Channel(channel).label}: {provenance_words(known)}")
    return lines


#: How a contact only Regal's events know is marked in lists.
KNOWN_FROM_REGAL = "known from Regal"


def regal_only_contact(store: Store, text: str) -> ContactSummary | None:
    """The contact ``text`` names exactly (phone in any format, e-mail or userId) when
    only Regal's events know it, as a line of a search result (``from_regal``, id 0);
    None when the directory knows it, or nobody does. One indexed look without events."""
    if not text.strip() or not regal_events_exist(store.conn):
        return None
    found = known_contact(store, text)
    if found is None or found.in_directory:
        return None
    traits = found.profile.get("traits") or {}
    user_id = found.profile.get("userId")
    return ContactSummary(
        id=0,
        display=display_key(found.profile),
        name="",
        user_id=str(user_id) if user_id else None,
        phones=tuple(traits.get("phones") or ()),
        emails=tuple(traits.get("emails") or ()),
        from_regal=True,
    )


def find_contacts(store: Store, text: str, limit: int = 50) -> list[ContactSummary]:
    """``Directory.find``, with first the contact only Regal's events know that ``text``
    names exactly (``regal_only_contact``)."""
    found = store.directory.find(text, limit)
    regal = regal_only_contact(store, text)
    return found if regal is None else [regal, *found[: max(limit - 1, 0)]]


def known_lookup(store: Store) -> Lookup:
    """A lookup for checks (``services.checking``): the merged profile by key."""

    def lookup(key: str) -> dict[str, Any] | None:
        return known_profile(store, key)

    return lookup


__all__ = [
    "KNOWN_FROM_REGAL",
    "KnownContact",
    "Lookup",
    "find_contacts",
    "known_contact",
    "known_lookup",
    "known_profile",
    "known_with_sources",
    "provenance",
    "provenance_lines",
    "provenance_words",
    "regal_only_contact",
    "reported",
]
