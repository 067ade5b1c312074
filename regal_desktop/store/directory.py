"""The directory: every contact as this desk has shaped it, found by any identifier.

Each delivered request is merged into the profile Regal would now hold (``merge_profile``)
and the contact is indexed by its identity keys (``phone:+1…``, ``email:…``, ``user:…``)
and by the words of its name. Lookups are indexed prefix range queries, so search stays
fast as you type with a hundred thousand contacts.

A key belongs to one contact at a time: if a body ties a number already filed under
another contact to this one, the number's key moves here (the latest request wins),
while the other contact's stored profile still lists it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from regal_desktop.store.db import transaction, utc_now
from regal_desktop.store.revocations import Revocations

# The domain (pydantic, phonenumbers) is imported where it is used, so that opening the
# store does not load it: the window paints before the domain is needed.

#: What a phone number may look like when typed: digits, spaces, + ( ) - and dots.
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-]+$")
#: Greater than any character, to close a prefix range: key >= p AND key < p + _END (on
#: PostgreSQL the key columns are ``COLLATE "C"``: code point order, as SQLite's).
_END = "\U0010ffff"
#: A candidate of a name search also has a word starting with another typed word.
_OTHER_WORD = (
    " AND EXISTS (SELECT 1 FROM contact_words o WHERE o.contact_id = w.contact_id "
    "AND o.word >= ? AND o.word < ?)"
)


@dataclass(frozen=True)
class ContactSummary:
    """One line of a search result."""

    id: int
    display: str  # primary phone, else e-mail, else userId
    name: str  # "First Last" as entered
    user_id: str | None
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    #: The numbers and addresses among ``phones`` and ``emails`` this desk retired.
    retired: frozenset[str] = frozenset()
    #: Only Regal's events know this contact (``services.known.find_contacts``); id 0.
    from_regal: bool = False


def _e164(text: str) -> str | None:
    """The E.164 form of a typed phone number (US when no country code), or None."""
    if not _PHONE_LIKE.match(text.strip()):
        return None
    from regal_desktop.domain.normalise import normalise_phone

    return normalise_phone(text, "US").e164


def lookup_keys(text: str) -> list[str]:
    """The directory keys ``text`` could mean, most specific first.

    A ready key (``phone:…``, ``email:…``, ``user:…``) is taken as is; a phone number in
    any format becomes ``phone:+E164``; an address becomes ``email:`` lower-cased;
    anything can also be a userId.
    """
    text = text.strip()
    if not text:
        return []
    if text.startswith(("phone:", "email:", "user:")):
        return [text]
    keys = []
    if "@" in text:
        keys.append(f"email:{text.lower()}")
    number = _e164(text)
    if number is not None:
        keys.append(f"phone:{number}")
    keys.append(f"user:{text}")
    return keys


def email_domains(keys: list[str]) -> set[str]:
    """The domain of each ``email:`` key and every ending of it after a dot."""
    parts = set()
    for key in keys:
        if key.startswith("email:") and "@" in key:
            rest = key.rpartition("@")[2]
            while rest:
                parts.add(rest)
                rest = rest.partition(".")[2]
    return parts


def _full_name(profile: dict[str, Any]) -> str:
    traits = profile.get("traits") or {}
    parts = (traits.get("firstName"), traits.get("lastName"))
    return " ".join(str(part) for part in parts if part)


class Directory:
    """Contacts by phone, e-mail, userId and name; fed by delivered requests."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _match(self, keys: list[str]) -> sqlite3.Row | None:
        """The contact the first matching key names, in Regal's order (phone, e-mail, id)."""
        for key in keys:
            row = self.conn.execute(
                "SELECT c.id, c.profile FROM contact_keys k JOIN contacts c "
                "ON c.id = k.contact_id WHERE k.key = ?",
                (key,),
            ).fetchone()
            if row is not None:
                return row  # type: ignore[no-any-return]
        return None

    def apply(self, body: dict[str, Any], *, now: str | None = None) -> int | None:
        """Merge a delivered body into its contact; return the contact's id.

        Returns None when the body finds no contact and cannot create one: Regal creates
        a contact only from a phone or an e-mail. Joins the caller's open transaction.
        """
        from regal_desktop.domain.profile import identity_keys, merge_profile

        keys = identity_keys(body)
        with transaction(self.conn):
            found = self._match(keys)
            if found is None and not any(k.startswith(("phone:", "email:")) for k in keys):
                return None
            known = json.loads(found["profile"]) if found is not None else None
            profile = merge_profile(known, body)
            name = _full_name(profile).lower()
            values = (profile.get("userId"), name, json.dumps(profile), now or utc_now())
            if found is None:
                contact_id = int(
                    self.conn.execute(
                        "INSERT INTO contacts (user_id, name, profile, updated_at) "
                        "VALUES (?, ?, ?, ?) RETURNING id",
                        values,
                    ).fetchone()[0]
                )
            else:
                contact_id = int(found["id"])
                self.conn.execute(
                    "UPDATE contacts SET user_id = ?, name = ?, profile = ?, updated_at = ? "
                    "WHERE id = ?",
                    (*values, contact_id),
                )
            # Re-index from the merged profile: a changed userId drops the old one.
            self.conn.execute("DELETE FROM contact_keys WHERE contact_id = ?", (contact_id,))
            self.conn.executemany(
                "INSERT INTO contact_keys (key, contact_id) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET contact_id = excluded.contact_id",
                [(key, contact_id) for key in identity_keys(profile)],
            )
            self.conn.execute("DELETE FROM contact_domains WHERE contact_id = ?", (contact_id,))
            self.conn.executemany(
                "INSERT INTO contact_domains (part, contact_id) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                [(part, contact_id) for part in email_domains(identity_keys(profile))],
            )
            self.conn.execute("DELETE FROM contact_words WHERE contact_id = ?", (contact_id,))
            self.conn.executemany(
                "INSERT INTO contact_words (word, contact_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(word, contact_id) for word in name.split()],
            )
        return contact_id

    def get(self, key: str) -> dict[str, Any] | None:
        """The profile of the contact with this phone (any format), e-mail or userId."""
        found = self._match(lookup_keys(key))
        return None if found is None else json.loads(found["profile"])

    def keys_for(self, text: str) -> list[str]:
        """Every identity key of the contact ``text`` names, or the keys ``text`` could be."""
        from regal_desktop.domain.profile import identity_keys

        profile = self.get(text)
        return identity_keys(profile) if profile is not None else lookup_keys(text)

    def _key_prefixes(self, text: str) -> list[str]:
        """Key prefixes to search for what was typed so far."""
        prefixes = [f"email:{text.lower()}", f"user:{text}"]
        if _PHONE_LIKE.match(text):
            digits = re.sub(r"\D", "", text)
            if digits:
                # Without a leading + the number may be typed with or without the 1.
                prefixes[:0] = (
                    [f"phone:+{digits}"]
                    if text.startswith("+")
                    else [f"phone:+{digits}", f"phone:+1{digits}"]
                )
        return prefixes

    def find(self, text: str, limit: int = 50) -> list[ContactSummary]:
        """Contacts whose phone, e-mail or userId starts with ``text``, whose e-mail domain
        (or a part of it after a dot) starts with ``text``, or whose name has words
        starting with each word of ``text``; phone matches first."""
        text = text.strip()
        if not text or limit <= 0:
            return []
        ids: dict[int, None] = {}  # insertion-ordered set
        for prefix in self._key_prefixes(text):
            rows = self.conn.execute(
                "SELECT contact_id FROM contact_keys WHERE key >= ? AND key < ? "
                "ORDER BY key LIMIT ?",
                (prefix, prefix + _END, limit),
            )
            ids.update((row[0], None) for row in rows)
        domain = text.lower().removeprefix("@")
        if domain and " " not in domain and "@" not in domain:
            rows = self.conn.execute(
                "SELECT contact_id FROM contact_domains WHERE part >= ? AND part < ? "
                "ORDER BY part LIMIT ?",
                (domain, domain + _END, limit),
            )
            ids.update((row[0], None) for row in rows)
        for contact_id in self._find_by_name(text.lower().split(), limit):
            ids[contact_id] = None
        return self._summaries(list(ids)[:limit])

    def recent(self, limit: int, offset: int = 0) -> list[ContactSummary]:
        """Contacts most recently changed first: ``limit`` of them after the first
        ``offset``."""
        if limit <= 0:
            return []
        rows = self.conn.execute(
            "SELECT id FROM contacts ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
            (limit, max(offset, 0)),
        )
        return self._summaries([int(row[0]) for row in rows])

    def _find_by_name(self, words: list[str], limit: int) -> list[int]:
        """Contacts with, for every typed word, a name word starting with it."""
        # The longest word narrows most; each other word is looked up among the words of
        # those candidates alone, so only matches come back (a round trip on a server).
        longest = max(words, key=len)
        others = [w for w in words if w != longest]
        rows = self.conn.execute(
            "SELECT w.contact_id FROM contact_words w WHERE w.word >= ? AND w.word < ?"
            + _OTHER_WORD * len(others)
            + " ORDER BY w.word LIMIT ?",
            (longest, longest + _END, *(a for w in others for a in (w, w + _END)), limit),
        )
        return [int(row[0]) for row in rows]

    def _summaries(self, ids: list[int]) -> list[ContactSummary]:
        if not ids:
            return []
        from regal_desktop.domain.profile import display_key, identity_keys

        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT id, user_id, profile FROM contacts WHERE id IN ({marks})", ids
        )
        by_id = {int(row["id"]): row for row in rows}
        profiles = {key: json.loads(row["profile"]) for key, row in by_id.items()}
        revocations = Revocations(self.conn)
        retired = (  # most desks retire nothing: one cheap look before reading keys
            revocations.retired(k for profile in profiles.values() for k in identity_keys(profile))
            if revocations.any_retired()
            else {}
        )
        summaries = []
        for contact_id in ids:
            row = by_id[contact_id]
            profile = profiles[contact_id]
            traits = profile.get("traits") or {}
            keys = identity_keys(profile) if retired else []
            summaries.append(
                ContactSummary(
                    id=contact_id,
                    display=display_key(profile),
                    name=_full_name(profile),
                    user_id=row["user_id"],
                    phones=tuple(traits.get("phones") or ()),
                    emails=tuple(traits.get("emails") or ()),
                    retired=frozenset(k.partition(":")[2] for k in keys if k in retired),
                )
            )
        return summaries

    def count(self) -> int:
        """How many contacts the directory holds."""
        return int(self.conn.execute("SELECT count(*) FROM contacts").fetchone()[0])


__all__ = ["ContactSummary", "Directory", "email_domains", "lookup_keys"]
