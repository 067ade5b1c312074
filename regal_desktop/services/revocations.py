"""Revocations tracked to the deadline: every opt-out this desk recorded, when the person
asked, when Regal accepted it, the business days used and whether it is overdue.

How a day counts is ``domain.revocations`` (UTC, Monday to Friday, the day of receipt not
counted). When the person asked is the opt-out's "received at" where the operator gave
one, else the consent object's own time, else the time it was queued here. The window
and ``regal-desktop revocations`` both list these, with "now" from the caller's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from regal_desktop.domain.revocations import (
    business_days_used,
    deadline,
    is_late,
    is_overdue,
    parse_moment,
)
from regal_desktop.store import Store
from regal_desktop.store.revocations import RevocationRow
from regal_desktop.store.states import RequestState

#: Where ``received_at`` came from, as lists say it.
RECEIVED_FROM = {
    "received": "when the person asked, as recorded",
    "consent": "the opt-out's consent time (no received time was recorded)",
    "queued": "the time it was queued (no received or consent time was recorded)",
}


@dataclass(frozen=True)
class Revocation:
    """One opt-out, measured against its deadline at ``now``."""

    point: str  # E.164 number or e-mail address
    kind: str  # 'phone' or 'email'
    channel: str  # 'voice', 'sms' or 'email'
    received_at: datetime  # UTC
    received_from: str  # a key of RECEIVED_FROM
    queued_at: datetime  # UTC
    accepted_at: datetime | None  # UTC; None: Regal has not accepted it yet
    due_by: datetime  # UTC: overdue from this moment unless accepted
    business_days: int  # from receipt to acceptance, or to now
    overdue: bool  # not accepted and past its deadline
    late: bool  # accepted, but after its deadline
    state: RequestState  # of the request that carried it
    request_id: int
    accepted_by: int | None  # the request Regal accepted it in (its own or a later one)
    operator: str
    method: str | None
    reason: str | None

    @property
    def due_day(self) -> date:
        """The last business day (a UTC date) by whose end Regal must have accepted it."""
        return (self.due_by - timedelta(days=1)).date()

    def as_json(self) -> dict[str, Any]:
        """One JSON object for ``--format jsonl`` (times in UTC, ISO 8601)."""
        return {
            "point": self.point,
            "kind": self.kind,
            "channel": self.channel,
            "received_at": utc_text(self.received_at),
            "received_from": self.received_from,
            "queued_at": utc_text(self.queued_at),
            "accepted_at": utc_text(self.accepted_at) if self.accepted_at else None,
            "due_by": utc_text(self.due_by),
            "due_day": self.due_day.isoformat(),
            "business_days": self.business_days,
            "overdue": self.overdue,
            "late": self.late,
            "state": self.state.value,
            "request_id": self.request_id,
            "accepted_by": self.accepted_by,
            "operator": self.operator,
            "method": self.method,
            "reason": self.reason,
        }


def utc_text(moment: datetime) -> str:
    """``2026-11-27T14:03:07Z``: a UTC time as the JSON output writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def measure(row: RevocationRow, now: datetime) -> Revocation:
    """``row`` measured against its deadline at ``now``."""
    queued = parse_moment(row.queued_at) or now
    received, source = parse_moment(row.received_at), "received"
    if received is None:
        received, source = parse_moment(row.timestamp), "consent"
    if received is None:
        received, source = queued, "queued"
    accepted = parse_moment(row.accepted_at)
    return Revocation(
        point=row.point,
        kind=row.kind,
        channel=row.channel,
        received_at=received,
        received_from=source,
        queued_at=queued,
        accepted_at=accepted,
        due_by=deadline(received),
        business_days=business_days_used(received, accepted or now),
        overdue=is_overdue(received, accepted, now),
        late=is_late(received, accepted),
        state=row.state,
        request_id=row.request_id,
        accepted_by=row.accepted_by,
        operator=row.operator,
        method=row.method,
        reason=row.reason,
    )


def revocations(store: Store, now: datetime, *, overdue_only: bool = False) -> list[Revocation]:
    """Every opt-out the desk recorded at ``now``: overdue ones first, then the oldest
    received first (ties by request)."""
    found = [measure(row, now) for row in store.revocations.all()]
    if overdue_only:
        found = [r for r in found if r.overdue]
    found.sort(key=lambda r: (not r.overdue, r.received_at, r.request_id, r.channel))
    return found


__all__ = ["RECEIVED_FROM", "Revocation", "measure", "revocations", "utc_text"]
