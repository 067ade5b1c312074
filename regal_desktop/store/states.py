"""Where a request stands in the outbox, and what each state allows: the one definition.

Life of a request: ``queued`` → ``sending`` (claimed by one sender) → ``delivered``,
``rejected`` (Regal said the payload is wrong), ``held`` (the key was refused; waits for
a new key) or back to ``queued`` with a later attempt time (transient failure). People
can retry, drop or fix-and-resend a request; a dropped one stays as evidence.

The values are what the database stores (``requests.state``; its CHECK constraint lists
the same names, and a test keeps the two equal). Adding a state means one member here and
one row in ``_RULES``, plus a migration widening that constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RequestState(StrEnum):
    """The state of one request, in the order people read them."""

    QUEUED = "queued"
    SENDING = "sending"
    HELD = "held"
    REJECTED = "rejected"
    DELIVERED = "delivered"
    DROPPED = "dropped"

    @property
    def waiting(self) -> bool:
        """Delivery still owes it: queued, or being sent right now."""
        return _RULES[self].waiting

    @property
    def pending(self) -> bool:
        """Not yet delivered or dropped: shown in the outbox, it needs the sender or someone."""
        return _RULES[self].pending

    @property
    def settled(self) -> bool:
        """A delivery run is done with it (until someone retries it)."""
        return not _RULES[self].waiting

    @property
    def needs_attention(self) -> bool:
        """Only a person can move it on (a new key, a fix, a retry or a drop)."""
        return self.pending and not self.waiting

    @property
    def can_retry(self) -> bool:
        """It may be queued again as it is, due now (``Outbox.retry``): a queued one
        waiting for a retry is sent at once."""
        return _RULES[self].retry

    @property
    def can_drop(self) -> bool:
        """It may be given up on before it goes out (``Outbox.drop``)."""
        return _RULES[self].drop

    @property
    def can_fix(self) -> bool:
        """It may be fixed and resent as a new request (``Outbox.replace_body``)."""
        return _RULES[self].fix

    @property
    def dropped_by_fix(self) -> bool:
        """Its fix drops it, so it can never go out as well as the fix (a rejected one
        stays as it was, as evidence)."""
        return _RULES[self].fix_drops

    @property
    def label(self) -> str:
        """The state's name for people, e.g. in a filter: ``Delivered``."""
        return self.value.capitalize()

    @property
    def words(self) -> str:
        """The state as the outbox and history lists show it: ``Held: key refused``."""
        return _RULES[self].words or self.label

    @property
    def help(self) -> str | None:
        """What the state means and what to do about it (a tooltip), when worth saying."""
        return _RULES[self].help

    def explain(self, held_for: str | None = None) -> str | None:
        """``help``, for a request held for ``held_for`` (``requests.held_for``)."""
        if self is RequestState.HELD and held_for in _HELD_FOR:
            return _HELD_FOR[held_for][1]
        return self.help

    def status(self, attempts: int, held_for: str | None = None) -> str:
        """The state as lists show it, after ``attempts`` tries: a queued request that
        already failed once is ``Retrying``; a held one says why (``held_for``)."""
        if self is RequestState.QUEUED and attempts > 0:
            return "Retrying"
        if self is RequestState.HELD and held_for in _HELD_FOR:
            return _HELD_FOR[held_for][0]
        return self.words

    @classmethod
    def pending_states(cls) -> tuple[RequestState, ...]:
        """The states shown in the outbox, in reading order."""
        return tuple(state for state in cls if state.pending)

    @classmethod
    def names(cls) -> str:
        """Every state's value, comma separated (for messages and help)."""
        return ", ".join(cls)


@dataclass(frozen=True)
class _Rules:
    waiting: bool = False
    pending: bool = False
    retry: bool = False
    drop: bool = False
    fix: bool = False
    fix_drops: bool = False
    words: str = ""
    help: str | None = None


_RULES: dict[RequestState, _Rules] = {
    RequestState.QUEUED: _Rules(
        waiting=True,
        pending=True,
        retry=True,  # made due now: a wait for a retry (Retry-After, backoff) is cut short
        drop=True,
        fix=True,
        fix_drops=True,
        help="Waiting to be sent",
    ),
    RequestState.SENDING: _Rules(
        waiting=True, pending=True, words="Sending…", help="Being sent now"
    ),
    RequestState.HELD: _Rules(
        pending=True,
        retry=True,
        drop=True,
        fix=True,
        fix_drops=True,
        words="Held: key refused",
        help="Regal refused the API key; set the key in Settings, then Retry",
    ),
    RequestState.REJECTED: _Rules(
        pending=True,
        retry=True,
        drop=True,
        fix=True,
        help="Regal said the payload is wrong; open it in the editor to fix and resend",
    ),
    RequestState.DELIVERED: _Rules(),
    RequestState.DROPPED: _Rules(),
}

#: ``requests.held_for`` of a request held because its account's endpoint changed after it
#: was queued (``Outbox.hold_moved``); NULL is a refused key.
ENDPOINT_CHANGED = "endpoint"
#: How lists show a request held for a reason other than a refused key: words and help.
_HELD_FOR = {
    ENDPOINT_CHANGED: (
        "Held: endpoint changed",
        "Its account's endpoint changed after it was queued, so it was not sent; Retry "
        "sends it to the account's endpoint now, Drop gives it up",
    ),
}

#: How messages name the states each action accepts, by the action's past participle:
#: "only rejected or held requests can be retried". A test keeps each naming exactly the
#: states its rule (``can_retry``, ``can_drop``, ``can_fix``) allows.
ALLOWED_WORDS = {
    "retried": "queued, rejected or held",
    "dropped": "queued or held or rejected",
    "fixed and resent": "rejected, queued or held",
}


__all__ = ["ALLOWED_WORDS", "ENDPOINT_CHANGED", "RequestState"]
