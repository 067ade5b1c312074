"""One Regal-shaped body as the Segment calls Regal's Segment destination reads, and what
that route would lose.

Regal's destination (``shared/seeds/segment-destination-regal-io-2025.txt``) reads an
``identify`` whose traits carry ``phone``, names and an ``optIn`` array of
``{channel, subscribed, timestamp, ip, text}`` (channels ``sms``, ``voice``, ``email``),
and a ``track`` per event. It carries one phone and one e-mail: the ones in ``traits.phone``
and ``traits.email``, which Regal makes the contact's primary. So this route sends the
body's primary phone and primary e-mail (the one marked ``isPrimary: true``, or the only
one when it is not marked false), and ``segment_problems`` says what else the body holds
that would not arrive, or would arrive and be ignored: an opt-in without a timestamp is
ignored ("Regal.io ignores opt-ins that do not have a timestamp"), one without ``ip`` is
refused from a server, consent on any other number cannot be carried at all.

The body given is the checked one (``domain.check``): numbers in E.164, the legacy shape
already converted. Nothing here does I/O.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from regal_desktop import __version__
from regal_desktop.domain.findings import Finding, Level, error, warning
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel
from regal_desktop.domain.normalise import format_phone, parse_timestamp

#: Segment's limits: one message, one batch (bytes of JSON) and messages per batch.
MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_BATCH_MESSAGES = 2500
#: Segment's HTTP Tracking API (US), and its EU one (Regal's destination is US-only).
SEGMENT_ENDPOINT = "https://api.segment.io/v1"
SEGMENT_EU_ENDPOINT = "https://events.eu1.segmentapis.com/v1"
#: Requests per second Segment asks a source to stay under.
SEGMENT_RATE = 1000

#: What every message says sent it (Segment shows it in the debugger).
LIBRARY = {"name": "regal-desktop", "version": __version__}
#: The audit fields of an opt-in the destination reads, in its order.
_OPT_IN_FIELDS = ("timestamp", "ip", "text")
#: anonymousIds are UUIDs named by the contact's primary phone or e-mail in this space,
#: so the same contact always gets the same one (uuid5 is SHA-1 based and stable).
_ANONYMOUS = uuid.UUID("6f1d7c56-2b1e-5a3c-9d4f-726567616c00")
#: Longest values a queued request puts in ``messageId`` and ``timestamp`` (a uuid4; an
#: ISO time with microseconds and offset), for the size check before they are known.
_LONGEST_ID = "x" * 36
_LONGEST_TIME = "2026-01-01T00:00:00.000000+00:00"
_DESTINATION = "Regal's Segment destination"


@dataclass(frozen=True)
class Carried:
    """The phone and e-mail the route carries (``traits.phone``/``traits.email``)."""

    phone: str | None
    email: str | None


def _traits(body: dict[str, Any]) -> dict[str, Any]:
    traits = body.get("traits")
    return traits if isinstance(traits, dict) else {}


def _points(traits: dict[str, Any], group: str) -> dict[str, Any]:
    points = traits.get(group)
    return points if isinstance(points, dict) else {}


def _carried_point(points: Any) -> str | None:
    """The point marked primary, else the only one (unless it says ``isPrimary: false``)."""
    if not isinstance(points, dict) or not points:
        return None
    for point, entry in points.items():
        if isinstance(entry, dict) and entry.get("isPrimary") is True:
            return str(point)
    if len(points) == 1:
        point, entry = next(iter(points.items()))
        if not (isinstance(entry, dict) and entry.get("isPrimary") is False):
            return str(point)
    return None


def carried(body: dict[str, Any]) -> Carried:
    """The phone and e-mail of ``body`` the Segment route sends."""
    traits = body.get("traits")
    if not isinstance(traits, dict):
        return Carried(None, None)
    return Carried(_carried_point(traits.get("phones")), _carried_point(traits.get("emails")))


def anonymous_id(key: str) -> str:
    """The stable anonymousId of a contact known by ``key`` (``phone:+1...``, ``email:...``)."""
    return str(uuid.uuid5(_ANONYMOUS, key))


def _who(body: dict[str, Any], points: Carried) -> dict[str, str]:
    """``userId`` when the body has one, else an ``anonymousId`` from its phone or e-mail."""
    user_id = body.get("userId")
    if isinstance(user_id, str) and user_id.strip():
        return {"userId": user_id}
    traits = _traits(body)
    keys = [f"phone:{points.phone}"] if points.phone else []
    keys += [f"email:{points.email.lower()}"] if points.email else []
    # A contact whose numbers the route cannot carry still gets a stable id (the check
    # refuses to send it: Regal could not tell who it is).
    keys += [f"phone:{p}" for p in sorted(_points(traits, "phones"))]
    keys += [f"email:{e.lower()}" for e in sorted(_points(traits, "emails"))]
    return {"anonymousId": anonymous_id(keys[0])} if keys else {}


def _opt_ins(traits: dict[str, Any], points: Carried) -> list[dict[str, Any]]:
    """The ``optIn`` array: the carried phone's voice and SMS, the carried e-mail's."""
    found: list[dict[str, Any]] = []
    places = (("phones", points.phone, PHONE_CHANNELS), ("emails", points.email, EMAIL_CHANNELS))
    for group, point, channels in places:
        entry = _points(traits, group).get(point) if point else None
        if not isinstance(entry, dict):
            continue
        for channel in channels:
            opt_in = entry.get(channel.field)
            if not isinstance(opt_in, dict):
                continue
            item: dict[str, Any] = {
                "channel": channel.value,
                "subscribed": opt_in.get("subscribed"),
            }
            item.update((k, opt_in[k]) for k in _OPT_IN_FIELDS if opt_in.get(k) is not None)
            found.append(item)
    return found


def identify_traits(body: dict[str, Any]) -> dict[str, Any]:
    """The identify's traits: names, ``phone``, ``email``, address, custom traits, ``optIn``."""
    traits = _traits(body)
    points = carried(body)
    result: dict[str, Any] = {}
    for key in ("firstName", "lastName"):
        if key in traits:
            result[key] = traits[key]
    if points.phone:
        result["phone"] = points.phone
    if points.email:
        result["email"] = points.email
    for key, value in traits.items():
        if key not in ("firstName", "lastName", "phones", "emails"):
            result[key] = value
    opt_ins = _opt_ins(traits, points)
    if opt_ins:
        result["optIn"] = opt_ins
    return result


def segment_time(text: str) -> str:
    """A Regal timestamp as ISO 8601, the form Segment reads (unchanged if unreadable)."""
    moment = parse_timestamp(text)
    return moment.isoformat() if moment is not None else text


def segment_calls(body: dict[str, Any], *, message_id: str, timestamp: str) -> list[dict[str, Any]]:
    """The Segment messages for one checked Regal body, in the order they are sent.

    An ``identify`` (unless the body is an event with no traits) and a ``track`` when the
    body names an event. ``messageId`` is ``{message_id}-identify`` / ``-track``, so a
    request keeps its ids across retries; ``timestamp`` is ``timestamp`` (when the request
    was queued), or for the track the event's own ``originalTimestamp``.
    """
    who = _who(body, carried(body))
    context = {"library": dict(LIBRARY)}
    calls: list[dict[str, Any]] = []
    has_traits = bool(_traits(body))
    event = body.get("name")
    properties = body.get("properties")
    if has_traits or not isinstance(event, str):
        calls.append(
            {
                "type": "identify",
                **who,
                "traits": identify_traits(body),
                "messageId": f"{message_id}-identify",
                "timestamp": timestamp,
                "context": context,
            }
        )
    if isinstance(event, str):
        stamp = body.get("originalTimestamp")
        calls.append(
            {
                "type": "track",
                **who,
                "event": event,
                "properties": dict(properties) if isinstance(properties, dict) else {},
                "messageId": f"{message_id}-track",
                "timestamp": segment_time(stamp) if isinstance(stamp, str) else timestamp,
                "context": context,
            }
        )
    return calls


def message_bytes(message: dict[str, Any]) -> int:
    """How many bytes ``message`` takes as JSON (the unit of Segment's limits)."""
    try:
        return len(orjson.dumps(message))
    except (orjson.JSONEncodeError, TypeError):  # integers beyond 64 bits
        return len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode())


# What the route would lose or have ignored.


def segment_problems(body: dict[str, Any]) -> list[Finding]:
    """What Regal's Segment destination would ignore, refuse or never get of ``body``.

    Errors (nothing of them should leave): an opt-in without a timestamp, an opt-in
    without ``ip``, consent on a phone or e-mail the route does not carry, a contact
    Regal could not identify, a message over Segment's 32 KB. Warnings: a phone or e-mail
    the route leaves out, and what Segment keeps but the destination documents no use for.
    Paths point into the Regal body. Errors come first.
    """
    points = carried(body)
    traits = _traits(body)
    found = [
        *_point_problems(traits, "phones", points.phone, PHONE_CHANNELS),
        *_point_problems(traits, "emails", points.email, EMAIL_CHANNELS),
        *_identity_problems(body, points),
        *_size_problems(body),
        *_unused(body, traits),
    ]
    return sorted(found, key=lambda f: f.level is not Level.ERROR)


def _name(group: str, point: str) -> str:
    return format_phone(point) if group == "phones" else point


def _point_problems(
    traits: dict[str, Any], group: str, kept: str | None, channels: tuple[Channel, ...]
) -> Iterator[Finding]:
    points = traits.get(group)
    if not isinstance(points, dict):
        return
    noun = "phone" if group == "phones" else "e-mail"
    trait = "phone" if group == "phones" else "email"
    for point, entry in points.items():
        if not isinstance(entry, dict):
            continue
        where = ("traits", group, point)
        consented = [c for c in channels if isinstance(entry.get(c.field), dict)]
        if point != kept:
            who = _name(group, point)
            why = _why_not_carried(points, noun)
            for channel in consented:
                yield error(
                    (*where, channel.field),
                    f"{channel.label} consent for {who} cannot go through Segment: "
                    f"{_DESTINATION} carries consent only for the primary {noun} "
                    f"(traits.{trait}){why}; send it directly to Regal, or make {who} the "
                    f"primary {noun}",
                )
            if not consented:
                yield warning(
                    where,
                    f"is not sent: through Segment only the primary {noun} reaches Regal "
                    f"(traits.{trait}){why}; send {who} directly to Regal to add it",
                )
            continue
        if entry.get("isPrimary") is not True:
            yield warning(
                where,
                f"becomes the contact's primary {noun} through Segment (Regal makes "
                f"traits.{trait} primary); mark it primary to say so",
            )
        if entry.get("label") is not None:
            yield warning(
                (*where, "label"),
                f"is not sent: {_DESTINATION} has no {noun} labels",
            )
        for channel in consented:
            yield from _opt_in_problems((*where, channel.field), entry[channel.field], channel)


def _why_not_carried(points: dict[str, Any], noun: str) -> str:
    marked = any(isinstance(e, dict) and e.get("isPrimary") is True for e in points.values())
    if marked or len(points) == 1:
        return ""
    return f", and none of the {len(points)} is marked primary"


def _opt_in_problems(
    where: tuple[str | int, ...], opt_in: dict[str, Any], channel: Channel
) -> Iterator[Finding]:
    # Named only when there is something to say: formatting a number costs as much as
    # the rest of the check (an import checks every row).
    group, point = str(where[1]), str(where[2])
    if not opt_in.get("timestamp"):
        who = _name(group, point)
        yield error(
            where,
            f"{channel.label} consent for {who} has no timestamp: {_DESTINATION} ignores an "
            "opt-in without one; give the moment consent was given",
        )
    if opt_in.get("subscribed") is True and not opt_in.get("ip"):
        who = _name(group, point)
        yield error(
            where,
            f"{channel.label} opt-in for {who} has no ip: {_DESTINATION} requires the IP "
            "address consent was given from when opting in from a server",
        )
    if opt_in.get("source") is not None:
        yield warning(
            (*where, "source"),
            f"is not sent: {_DESTINATION} reads channel, subscribed, timestamp, ip and text",
        )


def _identity_problems(body: dict[str, Any], points: Carried) -> Iterator[Finding]:
    user_id = body.get("userId")
    if isinstance(user_id, str) and user_id.strip():
        return
    if not _who(body, points):
        yield error(
            (),
            "a Segment call needs a userId or an anonymousId: give a userId, a phone or an e-mail",
        )
    elif points.phone is None and points.email is None:
        yield error(
            (),
            "Regal could not tell who this is: through Segment it matches a contact by "
            "userId or the primary phone or e-mail, and this body has no userId and no "
            "primary; give a userId or mark a phone or e-mail primary",
        )


#: Bytes a message adds to what it copies from the body: its type, ids, times, library,
#: keys and the optIn items' channel names (a few hundred; the margin is generous).
_MESSAGE_OVERHEAD = 2048


def _size_problems(body: dict[str, Any]) -> Iterator[Finding]:
    # A call copies each value of the body at most twice (a carried phone as a key and as
    # traits.phone; an opt-in's fields into optIn), so a body under half the limit cannot
    # make a message over it: most bodies are not turned into calls just to be measured.
    if 2 * message_bytes(body) + _MESSAGE_OVERHEAD <= MAX_MESSAGE_BYTES:
        return
    for call in segment_calls(body, message_id=_LONGEST_ID, timestamp=_LONGEST_TIME):
        size = message_bytes(call)
        if size > MAX_MESSAGE_BYTES:
            what = "traits" if call["type"] == "identify" else "properties"
            yield error(
                (what,),
                f"the Segment {call['type']} would be {size / 1024:.1f} KB, over Segment's "
                f"{MAX_MESSAGE_BYTES // 1024} KB per message, and would be dropped; make "
                f"the {what} smaller or send directly to Regal",
            )


def _unused(body: dict[str, Any], traits: dict[str, Any]) -> Iterator[Finding]:
    """What Segment accepts but the destination documents no use for."""
    if traits.get("address") is not None:
        yield warning(
            ("traits", "address"),
            f"Segment keeps the address, but {_DESTINATION} documents no address trait: "
            "Regal may not update it; send directly to Regal to be sure",
        )
    if body.get("eventSource") is not None:
        yield warning(
            ("eventSource",),
            "is not sent: a Segment call has no event source (Segment names the source "
            "the write key belongs to)",
        )


__all__ = [
    "LIBRARY",
    "MAX_BATCH_BYTES",
    "MAX_BATCH_MESSAGES",
    "MAX_MESSAGE_BYTES",
    "SEGMENT_ENDPOINT",
    "SEGMENT_EU_ENDPOINT",
    "SEGMENT_RATE",
    "Carried",
    "anonymous_id",
    "carried",
    "identify_traits",
    "message_bytes",
    "segment_calls",
    "segment_problems",
    "segment_time",
]
