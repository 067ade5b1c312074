"""What a send is about to do, in words: the question asked before a request leaves.

Sends to the sandbox or another receiver on loopback go without asking. Anything else
reaches a real Regal account, so the user sees where it goes (production marked), who it
is for, and what it changes that journeys depend on: every consent change and a move of
the primary phone. This module builds the words; the window's dialogs show them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from regal_desktop.domain.consent import consent_changes, describe_change, format_point
from regal_desktop.domain.profile import display_key, merge_profile, primary_phone
from regal_desktop.services.accounts import AccountProfile
from regal_desktop.services.routes import route_of


@dataclass(frozen=True)
class Confirmation:
    """What a send is about to do, in words for the confirmation dialog."""

    profile: str
    endpoint: str
    production: bool
    contact: str
    changes: tuple[str, ...]
    #: Why the endpoint may not be Regal's (``AccountProfile.warning``), or None.
    warning: str | None = None
    #: How it travels (``services.routes.route_of``): ``regal``, or ``segment`` for a
    #: Segment account (the calls go to Segment, which passes them on to Regal).
    route: str = "regal"

    @property
    def title(self) -> str:
        """The dialog's title."""
        if self.production:
            return "Send to production?"
        return "Send through Segment?" if self.route == "segment" else "Send to Regal?"

    @property
    def question(self) -> str:
        """One sentence naming the route and the account, with production in capitals."""
        where = "the PRODUCTION account" if self.production else "the account"
        through = "through Segment " if self.route == "segment" else ""
        return f"Send this request {through}to {where} “{self.profile}” ({self.endpoint})?"

    @property
    def details(self) -> str:
        """Who it is for and each change worth a second look, one per line."""
        lines = [f"⚠ Warning: {self.warning}"] if self.warning else []
        lines.append(f"Contact: {self.contact or '(no phone, e-mail or userId)'}")
        if self.changes:
            lines.append("This request records:")
            lines.extend(f"• {change}" for change in self.changes)
        else:
            lines.append("No consent changes and no change of the primary phone.")
        return "\n".join(lines)

    @property
    def text(self) -> str:
        """The whole question as plain text."""
        return f"{self.question}\n\n{self.details}"


def primary_phone_change(known: dict[str, Any] | None, body: dict[str, Any]) -> str | None:
    """``Primary phone becomes +1 … (was +1 …)`` when the send moves it, else None."""
    before = primary_phone(known) if known else None
    after = primary_phone(merge_profile(known, body))
    if after is None or after == before:
        return None
    was = f" (was {format_point(before)})" if before else ""
    return f"Primary phone becomes {format_point(after)}{was}"


def primary_phone_move(earlier: Iterable[dict[str, Any]], body: dict[str, Any]) -> str | None:
    """``primary_phone_change`` for a request of the history: ``earlier`` are the bodies
    sent before it for the same contact, oldest first, which shaped what Regal knew."""
    known: dict[str, Any] | None = None
    for before in earlier:
        phones = (before.get("traits") or {}).get("phones")
        if isinstance(phones, dict) and phones:
            # Only the phones and who is primary matter here; consent is left out.
            marks = {
                point: {"isPrimary": entry.get("isPrimary")} if isinstance(entry, dict) else {}
                for point, entry in phones.items()
            }
            known = merge_profile(known, {"traits": {"phones": marks}})
    return primary_phone_change(known, body)


def build_confirmation(
    profile: AccountProfile, body: dict[str, Any], known: dict[str, Any] | None
) -> Confirmation:
    """Describe sending ``body`` to ``profile`` for a contact this desk knew as ``known``."""
    changes = [describe_change(change) for change in consent_changes(body)]
    primary = primary_phone_change(known, body)
    if primary:
        changes.append(primary)
    return Confirmation(
        profile=profile.name,
        endpoint=profile.endpoint,
        production=profile.is_production,
        contact=format_point(display_key(body)),
        changes=tuple(changes),
        warning=profile.warning,
        route=route_of(profile),
    )


def bulk_confirmation(
    profile: AccountProfile, rows: int, changes: int, source: str
) -> Confirmation:
    """Describe sending ``rows`` imported contacts carrying ``changes`` consent changes."""
    return Confirmation(
        profile=profile.name,
        endpoint=profile.endpoint,
        production=profile.is_production,
        contact=f"{rows:,} contacts from {source}",
        changes=(f"{changes:,} consent changes (opt-ins and opt-outs)",) if changes else (),
        warning=profile.warning,
        route=route_of(profile),
    )


def session_only(profile: str) -> str:
    """What to say when a key cannot be saved."""
    return (
        f"No keychain on this computer: the API key for {profile} is kept for this session "
        "only and never saved."
    )


__all__ = [
    "Confirmation",
    "build_confirmation",
    "bulk_confirmation",
    "primary_phone_change",
    "primary_phone_move",
    "session_only",
]
