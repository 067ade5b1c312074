"""Retiring a number or address: Regal cannot delete one from a profile, so it is
unsubscribed on every channel, and primary moves away from it where another exists.

The body sends ``subscribed: false`` on every channel of the point (voice and SMS for a
number, e-mail for an address) with the time of retiring and the source ``RETIRED_SOURCE``.
When the directory knows the contact and the point is its primary, the first other point
of the same kind in Regal's order (``domain.profile.first_in_order``) gets
``isPrimary: true``. The reason is evidence kept here (``ChangeNote``), never sent; the
retirement is recorded in the same transaction as the request is queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from regal_desktop.domain.check import Checked, check
from regal_desktop.domain.consent import format_point
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS
from regal_desktop.domain.normalise import normalise_email, normalise_phone, now_timestamp
from regal_desktop.domain.profile import first_in_order
from regal_desktop.services.accounts import Destination
from regal_desktop.services.routes import route_errors, route_of
from regal_desktop.store import NewRequest, Store
from regal_desktop.store.requests import EVERY_CHANGE, ChangeNote

#: The ``source`` of every consent object a retirement sends.
RETIRED_SOURCE = "regal-desktop: retired"
#: The ``origin`` of a retirement's request in the outbox and the history.
RETIRED_ORIGIN = "retire"


class RetireError(ValueError):
    """The point cannot be retired as asked; the message says why."""


@dataclass(frozen=True)
class Retirement:
    """What retiring one point sends, and what it knows of the contact."""

    kind: Literal["phone", "email"]
    point: str  # E.164 number or normalised address, as the body names it
    reason: str
    checked: Checked  # the body, checked
    known: dict[str, Any] | None  # the directory's profile of the contact, if any
    new_primary: str | None  # the point made primary in its place, if any
    was_primary: bool = False  # the directory has it as the contact's primary

    @property
    def key(self) -> str:
        """The directory key: ``phone:+1…`` or ``email:…`` (lower-cased)."""
        return f"{self.kind}:{self.point.lower() if self.kind == 'email' else self.point}"

    @property
    def text(self) -> str:
        """The body as it will be sent."""
        return self.checked.text

    def summary(self) -> str:
        """One line for people: what is retired and where primary goes."""
        line = f"retires {format_point(self.point)}: unsubscribed on every channel"
        if self.new_primary:
            line += f"; {format_point(self.new_primary)} becomes primary"
        elif self.was_primary:
            other = "number" if self.kind == "phone" else "address"
            line += f"; it stays primary: the contact has no other {other}"
        elif self.known is None:
            line += " (no contact in the directory has it; primary left as Regal has it)"
        return line


def parse_point(text: str, region: str = "US") -> tuple[Literal["phone", "email"], str]:
    """``("phone", "+1…")`` or ``("email", "…")`` for a number in any format or an
    address; RetireError saying why ``text`` is neither."""
    written = text.strip()
    if not written:
        raise RetireError("say which number or address to retire")
    if "@" in written:
        address, why = normalise_email(written)
        if address is None:
            raise RetireError(why or f"{written!r} is not a valid e-mail address")
        return "email", address
    number = normalise_phone(written, region)
    if number.e164 is None:
        raise RetireError(number.error or f"{written!r} is not a phone number")
    return "phone", number.e164


def _find(points: dict[str, Any], point: str) -> str | None:
    """The spelling of ``point`` among ``points`` (addresses match in any case)."""
    if point in points:
        return point
    lowered = point.lower()
    return next((p for p in points if p.lower() == lowered), None)


def plan(store: Store, text: str, reason: str, now: datetime, region: str = "US") -> Retirement:
    """The retirement of the point ``text`` names, at ``now`` (an aware time)."""
    why = reason.strip()
    if not why:
        raise RetireError("say why the point is retired (--reason TEXT): it is kept as evidence")
    kind, point = parse_point(text, region)
    known = store.directory.get(f"{kind}:{point.lower() if kind == 'email' else point}")
    trait = "phones" if kind == "phone" else "emails"
    points: dict[str, Any] = ((known or {}).get("traits") or {}).get(trait) or {}
    point = _find(points, point) or point
    stamp = now_timestamp(now)
    channels = PHONE_CHANNELS if kind == "phone" else EMAIL_CHANNELS
    entry = {
        channel.field: {"subscribed": False, "timestamp": stamp, "source": RETIRED_SOURCE}
        for channel in channels
    }
    body: dict[str, Any] = {"traits": {trait: {point: entry}}}
    new_primary = None
    was_primary = points.get(point, {}).get("isPrimary") is True
    if was_primary:
        new_primary = first_in_order(p for p in points if p != point)
        if new_primary is not None:
            body["traits"][trait][new_primary] = {"isPrimary": True}
    checked = check(body, region=region, known=known)
    if not checked.sendable:  # not expected: the body is built from checked parts
        raise RetireError("; ".join(f.message for f in checked.errors))
    return Retirement(kind, point, why, checked, known, new_primary, was_primary)


def queue_retirement(
    store: Store, retirement: Retirement, destination: Destination, operator: str
) -> int:
    """Queue the retirement's request and record the point as retired, in one
    transaction; returns the request's id. RetireError when the account's route cannot
    carry the body."""
    errors = route_errors(destination.profile, retirement.checked)
    if errors:
        raise RetireError("; ".join(f.message for f in errors))
    note = ChangeNote(reason=retirement.reason, method="agent")
    request = NewRequest(
        profile=destination.profile.name,
        endpoint=destination.profile.endpoint,
        operator=operator,
        body=retirement.text,
        contact=retirement.point,
        origin=RETIRED_ORIGIN,
        notes={EVERY_CHANGE: note},
        route=route_of(destination.profile),
        retires={retirement.key: retirement.reason},
    )
    (request_id,) = store.outbox.enqueue([request])
    return request_id


__all__ = [
    "RETIRED_ORIGIN",
    "RETIRED_SOURCE",
    "RetireError",
    "Retirement",
    "parse_point",
    "plan",
    "queue_retirement",
]
