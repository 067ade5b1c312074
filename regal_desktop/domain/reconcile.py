"""Reconciling what this desk sent with what Regal reported, and the known state.

Two sources say what a number or address agreed to on a channel: the consent changes
this desk sent and Regal accepted (``Sent``), and the contact events Regal reported
(``Reported``: a STOP reply, an agent's change in Regal, or Regal echoing a change this
desk made). Both are put on one line of time per point and channel, ordered by *consent
time* (the opt-in's ``timestamp``; a change sent without one counts from when Regal
accepted it, an event without one from when this desk stored it). Times are compared in
the store's UTC format (``2026-11-25T19:03:07.123Z``), which sorts as text.

``reconcile`` gives one ``Line`` per change this desk sent and per change Regal reported
that this desk did not send, with a ``Status``. ``latest_known`` gives the state a point
and channel is in now, since when and from where. Pure: no I/O, no clock of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import groupby
from operator import itemgetter
from typing import Any

from regal_desktop.domain.normalise import parse_timestamp

#: How long a change Regal accepted may wait for Regal's report before it is a problem.
DEFAULT_GRACE = timedelta(hours=24)
#: Where knowledge that this desk sent comes from, as people read it.
THIS_DESK = "this desk"


def stored_time(moment: datetime) -> str:
    """``moment`` in the store's UTC format (``2026-11-25T19:03:07.123Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def consent_moment(text: str | None) -> str | None:
    """A consent timestamp as written (any form Regal reads) in the store's UTC format,
    or None when missing or unreadable. A time without an offset is taken as UTC."""
    if not text:
        return None
    if len(text) == _STORED_LENGTH and text[-1] == "Z" and text[19] == ".":
        return text  # already in the store's form (Regal's events, this function's own)
    moment: datetime | None = None
    if len(text.strip()) > len("2026-11-25"):  # a date alone is not a moment
        try:  # the C parser reads the common forms ten times faster
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            moment = parse_timestamp(text)
    if moment is None:
        return None
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


#: ``len("2026-11-25T19:03:07.123Z")``
_STORED_LENGTH = 24


def parse_stored(text: str) -> datetime:
    """A stored UTC time as an aware datetime."""
    return datetime.fromisoformat(text)


def regal_source(source: str | None) -> str:
    """Where Regal's knowledge came from, as people read it: ``Regal (regalvoice.sms)``."""
    return f"Regal ({source})" if source else "Regal"


@dataclass(slots=True)
class Sent:
    """A consent change this desk sent and Regal accepted. Read-only by convention (not
    frozen: reconcile makes a hundred thousand, and frozen ones take five times longer)."""

    point: str  # E.164 number or lower-cased e-mail address
    channel: str  # 'voice', 'sms' or 'email'
    subscribed: bool
    at: str  # consent time (stored UTC): the timestamp, else when Regal accepted it
    accepted_at: str  # when Regal accepted the request (stored UTC)
    request_id: int
    restatement: bool = False  # sent again on purpose, the state already known
    kind: str = "phone"
    timestamp: str | None = None  # as sent
    text: str | None = None
    ip: str | None = None
    source: str | None = None
    operator: str = ""

    def to_json(self) -> dict[str, Any]:
        """The change as a JSON object (``ours`` in ``reconcile --format jsonl``)."""
        return {
            "request_id": self.request_id,
            "subscribed": self.subscribed,
            "consent_time": self.at,
            "timestamp": self.timestamp,
            "accepted_at": self.accepted_at,
            "change": "restatement" if self.restatement else "change",
            "text": self.text,
            "ip": self.ip,
            "source": self.source,
            "operator": self.operator,
        }


@dataclass(slots=True)
class Reported:
    """A consent change Regal reported (a ``contact.subscribed``/``unsubscribed`` event).
    Read-only by convention, like ``Sent``."""

    point: str
    channel: str
    subscribed: bool
    at: str  # consent time (stored UTC): the event's timestamp, else when it was stored
    identity: str  # the event's message id, or its content's hash
    event: str = ""
    kind: str = "phone"
    source: str | None = None
    text: str | None = None
    ip: str | None = None
    user_id: str | None = None
    origin: str = ""  # 'FILE:LINE' or 'listen'

    def to_json(self) -> dict[str, Any]:
        """The event as a JSON object (``regal`` in ``reconcile --format jsonl``)."""
        return {
            "id": self.identity,
            "event": self.event,
            "subscribed": self.subscribed,
            "timestamp": self.at,
            "source": self.source,
            "text": self.text,
            "ip": self.ip,
            "user_id": self.user_id,
            "origin": self.origin,
        }


class Status(StrEnum):
    """How a change stands between this desk and Regal."""

    CONFIRMED = "confirmed"  #: Regal reported the same state, not before the consent time
    NOT_CONFIRMED = "not-confirmed"  #: Regal accepted it but has not reported it (yet)
    CHANGED_IN_REGAL = "changed-in-regal"  #: a later Regal event says otherwise
    REGAL_ONLY = "regal-only"  #: a change Regal reported that this desk never sent

    @property
    def label(self) -> str:
        """How people read it."""
        return {
            "confirmed": "Confirmed",
            "not-confirmed": "Not confirmed",
            "changed-in-regal": "Changed in Regal",
            "regal-only": "Regal only",
        }[self.value]


@dataclass(slots=True)
class Line:
    """One change and how it stands. Read-only by convention, like ``Sent``."""

    point: str
    channel: str
    status: Status
    ours: Sent | None
    regal: Reported | None  # the confirming or contradicting event, or Regal's own change
    waiting: timedelta | None = None  # not-confirmed: how long since Regal accepted it
    confirmed_by: Reported | None = None  # changed-in-regal: what had confirmed it first
    #: Not confirmed, and a later change this desk sent took its place: nothing waits for
    #: it any more, so it is not a problem however long ago it was accepted.
    superseded: bool = False

    @property
    def at(self) -> str:
        """When the line's change happened (consent time)."""
        if self.ours is not None:
            return self.ours.at
        return self.regal.at if self.regal is not None else ""

    def problem(self, grace: timedelta = DEFAULT_GRACE) -> bool:
        """Changed in Regal, or not confirmed for longer than ``grace`` (and not
        superseded by a later change this desk sent)."""
        if self.status is Status.CHANGED_IN_REGAL:
            return True
        if self.status is not Status.NOT_CONFIRMED or self.superseded:
            return False
        return (self.waiting or timedelta()) > grace

    def to_json(self) -> dict[str, Any]:
        """One object of ``reconcile --format jsonl``."""
        waiting = self.waiting.total_seconds() / 3600 if self.waiting is not None else None
        return {
            "point": self.point,
            "channel": self.channel,
            "status": self.status.value,
            "ours": self.ours.to_json() if self.ours else None,
            "regal": self.regal.to_json() if self.regal else None,
            "waiting_hours": round(waiting, 2) if waiting is not None else None,
            "confirmed_by": self.confirmed_by.to_json() if self.confirmed_by else None,
            "superseded": self.superseded,
        }


def _one_key(point: str, channel: str, changes: list[Sent | Reported], now: datetime) -> list[Line]:
    """The lines of one point and channel, its changes in time order."""
    lines: list[Line] = []
    state: bool | None = None  # the state as far as the line of time has come
    open_at = -1  # where the latest change this desk sent is, while an event can move it
    for item in changes:
        if isinstance(item, Sent):
            if item.restatement and state == item.subscribed:
                continue  # sent again, nothing changed: not a change to reconcile
            if open_at >= 0 and lines[open_at].status is Status.NOT_CONFIRMED:
                lines[open_at].superseded = True
            waiting = max(now - parse_stored(item.accepted_at), timedelta())
            lines.append(Line(point, channel, Status.NOT_CONFIRMED, item, None, waiting))
            open_at, state = len(lines) - 1, item.subscribed
            continue
        ours = lines[open_at].ours if open_at >= 0 else None
        if ours is not None and ours.subscribed == item.subscribed:
            if lines[open_at].status is Status.NOT_CONFIRMED:
                lines[open_at] = Line(point, channel, Status.CONFIRMED, ours, item)
            continue  # confirms (again) what this desk sent: not listed again
        if ours is not None:
            before = lines[open_at]
            confirmed = before.regal if before.status is Status.CONFIRMED else None
            lines[open_at] = Line(
                point, channel, Status.CHANGED_IN_REGAL, ours, item, confirmed_by=confirmed
            )
            open_at, state = -1, item.subscribed
            continue
        if state != item.subscribed:
            lines.append(Line(point, channel, Status.REGAL_ONLY, None, item))
            state = item.subscribed
    return lines


def reconcile(sent: Iterable[Sent], reported: Iterable[Reported], now: datetime) -> list[Line]:
    """Every change this desk sent and every change Regal reported that this desk did not
    send, with its status; by point, channel and consent time.

    For each point and channel, on one line of time: a change this desk sent is
    ``confirmed`` by the first Regal event with the same state not older than its consent
    time, and ``changed-in-regal`` when a later event (before this desk's next change)
    says otherwise; with neither it is ``not-confirmed``, waiting since Regal accepted
    it (``superseded`` once this desk sent a later change there, which is then the one
    waiting). A Regal event that changes the state otherwise is ``regal-only``; one that only
    repeats the state is not listed. A restatement this desk sent is listed only when it
    changed the state (Regal had reported otherwise). ``now`` is an aware datetime.
    """
    # One sort of everything by point, channel and consent time; at the same time what
    # this desk sent comes first (an event at exactly the consent time confirms it).
    keyed: list[tuple[str, str, str, int, str, int, Sent | Reported]] = [
        (s.point, s.channel, s.at, 0, s.accepted_at, s.request_id, s) for s in sent
    ]
    keyed += [(r.point, r.channel, r.at, 1, r.identity, 0, r) for r in reported]
    keyed.sort(key=_ORDER)
    lines: list[Line] = []
    for (point, channel), group in groupby(keyed, key=_POINT_AND_CHANNEL):
        lines.extend(_one_key(point, channel, [item[6] for item in group], now))
    return lines


#: The sort key of ``reconcile``'s items (never the item itself), and its grouping.
_ORDER = itemgetter(0, 1, 2, 3, 4, 5)
_POINT_AND_CHANNEL = itemgetter(0, 1)


#: The order problems come first in: what Regal changed, what waits, then the rest.
_URGENCY = {
    Status.CHANGED_IN_REGAL: 0,
    Status.NOT_CONFIRMED: 1,
    Status.REGAL_ONLY: 2,
    Status.CONFIRMED: 3,
}


def problems_first(lines: Iterable[Line], grace: timedelta = DEFAULT_GRACE) -> list[Line]:
    """``lines`` with problems first (changed in Regal, then overdue), newest first within
    each status."""
    ordered = sorted(lines, key=lambda line: line.at, reverse=True)
    return sorted(ordered, key=lambda line: (not line.problem(grace), _URGENCY[line.status]))


@dataclass(frozen=True)
class Known:
    """What is known of one point on one channel: the state, since when, from where."""

    subscribed: bool
    since: str  # stored UTC: when the state last changed, by consent time
    source: str  # "this desk" or "Regal (regalvoice.sms)"
    from_regal: bool
    confirmed: bool  # this desk's state, reported back by Regal since
    opt_in: dict[str, Any]  # the consent object, payload-shaped


def opt_in_of(reported: Reported) -> dict[str, Any]:
    """Regal's event as a consent object (``subscribed``, ``timestamp``, ``text``, ...)."""
    opt_in: dict[str, Any] = {"subscribed": reported.subscribed, "timestamp": reported.at}
    for key in ("text", "ip", "source"):
        value = getattr(reported, key)
        if value is not None:
            opt_in[key] = value
    return opt_in


def latest_known(
    sent_at: str | None, sent_opt_in: dict[str, Any] | None, reported: Iterable[Reported]
) -> Known | None:
    """The known state of a point on a channel: the latest by consent time among what
    this desk sent (its consent object ``sent_opt_in``, counted at ``sent_at``) and what
    Regal reported.

    "Since" and "from where" name who brought the state about: the first of the latest
    run of changes that agree. The consent object is this desk's when this desk's change
    is in that run (Regal's later reports only repeat it: ``confirmed``), else the
    latest Regal event's.
    """
    # (consent time, this desk first at the same time, identity, event or None for ours)
    items: list[tuple[str, int, str, Reported | None]] = [
        (r.at, 1, r.identity, r) for r in reported
    ]
    desk_state: bool | None = None
    if sent_opt_in is not None and sent_at is not None:
        desk_state = sent_opt_in.get("subscribed") is True
        items.append((sent_at, 0, "", None))
    if not items:
        return None
    items.sort(key=lambda item: item[:3])
    states = [item[3].subscribed if item[3] is not None else desk_state for item in items]
    start = len(items) - 1
    while start > 0 and states[start - 1] == states[-1]:
        start -= 1
    run = items[start:]
    first, latest = run[0][3], run[-1][3]
    desk_in_run = sent_opt_in is not None and any(item[3] is None for item in run)
    if desk_in_run and sent_opt_in is not None:
        opt_in = dict(sent_opt_in)
    else:
        assert latest is not None  # without this desk's change, every item is an event
        opt_in = opt_in_of(latest)
    return Known(
        subscribed=states[-1] is True,
        since=run[0][0],
        source=THIS_DESK if first is None else regal_source(first.source),
        from_regal=first is not None,
        confirmed=first is None and len(run) > 1,
        opt_in=opt_in,
    )


def known_state(
    opt_in: dict[str, Any] | None, accepted_at: str | None, reported: Iterable[Reported]
) -> Known | None:
    """``latest_known`` of the directory's consent object ``opt_in`` (what this desk sent
    and Regal accepted) and Regal's reports: the desk's change counts at its consent time,
    without a readable one from when Regal accepted it (``accepted_at``). The one rule the
    merged profile (``services.known``) and the outbox's change-or-restatement use."""
    sent_at = None
    if opt_in is not None:
        sent_at = consent_moment(opt_in.get("timestamp")) or accepted_at or ""
    return latest_known(sent_at, opt_in, reported)


__all__ = [
    "DEFAULT_GRACE",
    "THIS_DESK",
    "Known",
    "Line",
    "Reported",
    "Sent",
    "Status",
    "consent_moment",
    "known_state",
    "latest_known",
    "opt_in_of",
    "parse_stored",
    "problems_first",
    "reconcile",
    "regal_source",
    "stored_time",
]
