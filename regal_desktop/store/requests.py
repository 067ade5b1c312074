"""The records the outbox takes and gives: a request to queue, one claimed, an attempt's
result, and a row of the ``requests`` table."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from regal_desktop.store.states import RequestState


@dataclass(frozen=True)
class ChangeNote:
    """What the operator said about a consent change: evidence kept in the history, never
    a field of the body sent to Regal."""

    reason: str | None = None  # why, in the operator's words
    proof: str | None = None  # call recording id, ticket, form URL
    method: str | None = None  # how an opt-out was received (``domain.consent.OPT_OUT_METHODS``)
    received_at: str | None = None  # when the person asked (an opt-out), ISO 8601
    template: str | None = None  # the consent wording's name
    template_version: str | None = None


#: The key of ``NewRequest.notes`` that applies to every change of the request.
EVERY_CHANGE = ("", "")


@dataclass(frozen=True)
class NewRequest:
    """A body to send: the exact text, which account profile and endpoint, and who."""

    profile: str
    endpoint: str
    operator: str
    body: str
    contact: str = ""  # left empty, it is the body's display key (primary phone, ...)
    origin: str = ""
    #: Notes per consent change, keyed by ``(point, channel)`` (``"+1954..."``, ``"sms"``);
    #: ``EVERY_CHANGE`` holds what applies to all of them (a reason, a proof).
    notes: Mapping[tuple[str, str], ChangeNote] = field(default_factory=dict)
    route: str = "regal"  # 'regal' or 'segment' (the account's kind)
    #: The points this request retires (``phone:+1…``, ``email:…``) with why: recorded as
    #: retired in the transaction that queues it (Contacts shows them as retired).
    retires: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Claimed:
    """A request a sender now holds: send ``body`` as is."""

    id: int
    body: str
    attempts: int  # including the one about to be made
    route: str = "regal"  # 'regal' or 'segment'
    message_id: str | None = None  # the base of its Segment message ids (route segment)
    created_at: str = ""  # when it was queued (stored UTC): its Segment calls' timestamp


class Outcome(StrEnum):
    """What an attempt means for the request."""

    # An outcome that settles a request is named after the state it leaves it in.
    DELIVERED = RequestState.DELIVERED.value
    REJECTED = RequestState.REJECTED.value
    HELD = RequestState.HELD.value
    RETRY = "retry"

    @property
    def state(self) -> RequestState:
        """The state the request is in after this outcome (a retry waits in the queue)."""
        return RequestState.QUEUED if self is Outcome.RETRY else RequestState(self.value)

    @property
    def settles(self) -> bool:
        """Whether the request is finished with: delivered or rejected."""
        return self in (Outcome.DELIVERED, Outcome.REJECTED)


@dataclass(frozen=True)
class AttemptResult:
    """One attempt to send one request, as the sender saw it."""

    request_id: int
    started_at: str
    finished_at: str
    status: int | None  # None when no HTTP answer came back
    answer: str  # Regal's answer or the network error
    outcome: Outcome
    next_attempt_at: float = 0.0  # unix time; used when outcome is RETRY
    endpoint: str | None = None  # the URL it was posted to
    batch: str | None = None  # the Segment batch it went out in (route segment)


@dataclass(frozen=True)
class RequestRow:
    """One row of the ``requests`` table."""

    id: int
    created_at: str
    profile: str
    endpoint: str
    operator: str
    contact: str
    origin: str
    body: str
    sha256: str
    state: RequestState
    attempts: int
    next_attempt_at: float
    claimed_by: str | None
    last_status: int | None
    last_answer: str | None
    finished_at: str | None
    claimed_at: float | None = None  # unix time the claim was taken or last renewed
    held_for: str | None = None  # why it is held: None, the key; "endpoint", see hold_moved
    route: str = "regal"  # 'regal' or 'segment' (schema 5)
    message_id: str | None = None  # the base of its Segment message ids (schema 5)
    db_role: str | None = None  # the team database's role that queued it (schema 7)

    def __post_init__(self) -> None:
        # The database holds the plain value; the rules come with the enum.
        object.__setattr__(self, "state", RequestState(self.state))

    @property
    def status(self) -> str:
        """The state as lists show it (``RequestState.status``), with why it is held."""
        return self.state.status(self.attempts, self.held_for)

    @property
    def help(self) -> str | None:
        """What the state means and what to do about it (``RequestState.help``)."""
        return self.state.explain(self.held_for)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> RequestRow:
        """Build from a ``SELECT * FROM requests`` row."""
        return cls(**dict(row))


__all__ = [
    "EVERY_CHANGE",
    "AttemptResult",
    "ChangeNote",
    "Claimed",
    "NewRequest",
    "Outcome",
    "RequestRow",
]
