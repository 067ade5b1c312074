"""Regal's own contact events (``contact.subscribed``, ``contact.unsubscribed``, ...),
read from any of the shapes they arrive in, checked, and reduced to one ``RegalEvent``.

Three shapes are read the same way:

- a Segment track call: ``{"type": "track", "event": ..., "userId": ..., "messageId":
  ..., "properties": {"phone", "channel", "source", "text", "ip", "timestamp", ...}}``;
- Regal's own samples: ``name`` instead of ``event``, ``traits.phone``,
  ``originalTimestamp``, ``eventSource`` and the undocumented ``new_subscription``;
- a row of a warehouse table Segment wrote (CSV export): flat snake_case columns
  ``id``, ``event``/``event_text``, ``user_id``, ``received_at``, ``phone``, ``channel``...

Unknown fields are ignored (and kept in ``raw``). Where a field is in more than one place,
``properties`` wins over ``traits``, which wins over the top level and ``context.traits``.

Pure: no I/O. Reading files is ``services.regal_events``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from regal_desktop.domain.findings import quote
from regal_desktop.domain.normalise import normalise_email, normalise_phone, parse_timestamp

SUBSCRIBED = "contact.subscribed"
UNSUBSCRIBED = "contact.unsubscribed"
ATTRIBUTE_EDITED = "contact.attribute.edited"

#: Every event the Regal source sends to Segment (the seeds), so a warehouse table's
#: slug (``contact_unsubscribed``) can be read back as the event's name.
KNOWN_EVENTS = frozenset(
    {
        "agent.activity.updated",
        "call.completed",
        "call.recording.available",
        SUBSCRIBED,
        UNSUBSCRIBED,
        ATTRIBUTE_EDITED,
        "contact.experiment.assigned",
        "scheduled.callback.requested",
        "sms.conversation.completed",
        "sms.queued",
        "sms.sent",
        "sms.undelivered",
        "sms.received",
        "task.canceled",
        "task.created",
        "task.reservation.created",
        "task.reservation.accepted",
    }
)
_BY_SLUG = {name.replace(".", "_"): name for name in KNOWN_EVENTS}

#: Segment calls that are not events (a batch may mix them in).
_NOT_EVENTS = frozenset({"identify", "page", "screen", "group", "alias"})

#: Fields that say when a copy was sent or loaded, not what happened: left out of the
#: content an event without a message id is known by, so a copy delivered twice is one.
_TRANSPORT_FIELDS = frozenset(
    {"sentAt", "receivedAt", "sent_at", "received_at", "uuid_ts", "loaded_at", "_metadata"}
)

_CHANNELS = {"voice": "voice", "sms": "sms", "email": "email", "e-mail": "email"}
_TRUE = frozenset({"true", "1", "yes", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "f", "n"})

#: A number already in E.164 (Regal's own form): taken as it is, without the metadata
#: lookups that make the full check the slowest part of reading an event.
_E164 = re.compile(r"\+[1-9]\d{6,14}")

#: Unix times above this are read as milliseconds (it is the year 5138 in seconds).
_MILLISECONDS = 100_000_000_000


class EventError(ValueError):
    """An event that cannot be taken; the message says what is wrong and where."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RegalEvent:
    """One contact event as Regal reported it, checked and normalised.

    ``identity`` is the message id where the event has one, else ``sha256:`` and the hash
    of its content (canonical JSON), so the same event read twice is stored once.
    ``point`` is the E.164 number or the lower-cased e-mail address the event is about,
    ``channel`` ``voice``, ``sms`` or ``email``, ``subscribed`` the state a subscription
    event records (None for other events), ``timestamp`` the consent time in the store's
    UTC form (``2024-05-01T14:00:00.000Z``).
    """

    identity: str
    event: str
    kind: str | None
    point: str | None
    channel: str | None
    subscribed: bool | None
    user_id: str | None
    source: str | None
    text: str | None
    ip: str | None
    timestamp: str | None
    raw: dict[str, Any] = field(compare=False, hash=False, repr=False)

    @property
    def from_regal(self) -> bool | None:
        """True when the change was made in Regal (a STOP reply, an agent: ``source``
        starts with ``RegalVoice.``), False when the brand made it outside Regal
        (``Brand.``), None when the source says neither."""
        return made_in_regal(self.source)

    @property
    def is_consent(self) -> bool:
        """True for an event that records a subscribed state on a point and channel."""
        return self.subscribed is not None and self.point is not None


def made_in_regal(source: str | None) -> bool | None:
    """Whether a ``source`` names a change made in Regal (True), by the brand outside
    Regal (False), or neither (None). Compared without regard to case: samples seen in
    the wild are lower-case (``regalvoice.agent_desktop``)."""
    lowered = (source or "").strip().lower()
    if lowered.startswith(("regalvoice.", "regal.")):
        return True
    if lowered.startswith("brand."):
        return False
    return None


def store_time(moment: datetime) -> str:
    """An aware ``moment`` in the store's UTC form, ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    # isoformat is several times faster than strftime, and this runs for every event.
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def event_time(value: Any) -> str:
    """``value`` (Unix seconds as a number or a string, milliseconds, or an ISO 8601
    time; a time without an offset is UTC, as Segment writes them) in the store's UTC
    form; ``EventError`` when it is none of these."""
    if isinstance(value, bool):
        raise EventError(f"{value!r} is not a time")
    number: float | None = None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return _iso_time(text)
    else:
        raise EventError(f"{type(value).__name__} is not a time")
    if not math.isfinite(number):
        raise EventError(f"{quote(str(value))} is not a time")
    if abs(number) >= _MILLISECONDS:
        number /= 1000
    try:
        return store_time(datetime.fromtimestamp(number, UTC))
    except (OverflowError, OSError, ValueError):
        raise EventError(f"{quote(str(value))} is out of range for a Unix time") from None


def _iso_time(text: str) -> str:
    cleaned = text
    if cleaned.upper().endswith(" UTC"):  # warehouse exports: '2024-05-01 14:00:00.000 UTC'
        cleaned = cleaned[:-4] + "Z"
    moment = parse_timestamp(cleaned)
    if moment is None:
        raise EventError(
            f"{quote(text)} is not a time: write Unix seconds or ISO 8601 like 2024-05-01T14:00:00Z"
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return store_time(moment)


def _text(value: Any) -> str | None:
    """A field as text: strings trimmed, numbers written out, empty and other as None."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _flag(value: Any) -> bool | None:
    """A yes/no field (a JSON boolean, or its spelling in a CSV cell), else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class _Fields:
    """The places a field may be in, in order: properties, traits, the top level,
    context.traits. ``get`` returns the first that is present and not empty."""

    def __init__(self, obj: dict[str, Any]) -> None:
        self.top = obj
        places = (
            ("properties.", _dict(obj.get("properties"))),
            ("traits.", _dict(obj.get("traits"))),
            ("", obj),
            ("context.traits.", _dict(_dict(obj.get("context")).get("traits"))),
        )
        self.places = tuple((prefix, place) for prefix, place in places if place)

    def find(self, *names: str) -> tuple[str, Any] | None:
        """``(path, value)`` of the first present, non-empty field among ``names``."""
        for prefix, place in self.places:
            for name in names:
                value = place.get(name)
                if value is not None and value != "":
                    return prefix + name, value
        return None

    def text(self, *names: str) -> str | None:
        found = self.find(*names)
        return _text(found[1]) if found else None


def identity_of(obj: Mapping[str, Any]) -> str:
    """The message id (``messageId``, ``message_id``, or a warehouse row's ``id``) where
    there is one, else ``sha256:`` and the hash of the event's content as canonical JSON
    (keys sorted, transport fields such as ``receivedAt`` left out)."""
    for name in ("messageId", "message_id", "id"):
        value = _text(obj.get(name))
        if value:
            return value
    content = {key: value for key, value in obj.items() if key not in _TRANSPORT_FIELDS}
    try:
        canonical = orjson.dumps(content, default=str, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):  # keys that are not text, huge integers
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        canonical = text.encode("utf-8", "surrogatepass")
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def _event_name(obj: dict[str, Any]) -> str:
    kind = _text(obj.get("type"))
    if kind and kind.lower() in _NOT_EVENTS:
        raise EventError(f"a Segment {kind} call is not an event (only track calls are read)")
    for name in ("event_text", "event", "name"):
        value = obj.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise EventError(f"{name}: the event name must be text, not {type(value).__name__}")
        text = value.strip()
        return _BY_SLUG.get(text, text)
    raise EventError("no event name: expected 'event' or 'name' (e.g. contact.unsubscribed)")


def _subscribed(name: str, fields: _Fields) -> bool | None:
    """The state a subscription event records: its name decides; otherwise an explicit
    ``subscribed`` or Regal's ``new_subscription`` flag, when it is a yes or a no."""
    if name == SUBSCRIBED:
        return True
    if name == UNSUBSCRIBED:
        return False
    for flag in ("subscribed", "new_subscription"):
        found = fields.find(flag)
        if found is not None and _flag(found[1]) is not None:
            return _flag(found[1])
    return None


def _channel(fields: _Fields, consent: bool) -> str | None:
    found = fields.find("channel")
    if found is None:
        if consent and fields.find("email") and not fields.find("phone", "contact_phone"):
            return "email"  # an e-mail consent event may name its address and no channel
        if consent:
            raise EventError("no channel: expected properties.channel (voice, SMS or email)")
        return None
    path, value = found
    channel = _CHANNELS.get(str(value).strip().lower())
    if channel is None and consent:
        raise EventError(f"{path}: {quote(str(value))} is not a channel (voice, SMS or email)")
    return channel


def _point(
    fields: _Fields, channel: str | None, consent: bool, region: str
) -> tuple[str | None, str | None]:
    """``(kind, point)``: the e-mail address for the e-mail channel (or when an event has
    an address and no number), else the phone number."""
    phone = fields.find("phone", "contact_phone")
    email = fields.find("email")
    if channel == "email" or (channel is None and phone is None and email is not None):
        if email is None:
            if consent:
                raise EventError("an e-mail consent event needs properties.email")
            return None, None
        address, why = normalise_email(str(email[1]))
        if address is None:
            raise EventError(f"{email[0]}: {why}")
        return "email", address.lower()
    if phone is None:
        if consent:
            raise EventError("no phone number: expected properties.phone or traits.phone")
        return None, None
    written = str(_text(phone[1]) or "")
    if _E164.fullmatch(written):
        return "phone", written  # as Regal writes its identifier: already the stored form
    result = normalise_phone(written, region)
    if result.e164 is None:
        raise EventError(f"{phone[0]}: {result.error}")
    return "phone", result.e164


def _consent_time(fields: _Fields) -> str | None:
    for names in (("timestamp",), ("originalTimestamp", "original_timestamp")):
        found = fields.find(*names)
        if found is not None:
            try:
                return event_time(found[1])
            except EventError as exc:
                raise EventError(f"{found[0]}: {exc.reason}") from None
    found = fields.find("receivedAt", "received_at")
    if found is None:
        return None
    try:
        return event_time(found[1])
    except EventError:
        return None  # only a fallback: the copy's arrival time is not the event's


def parse_event(obj: Any, region: str = "US") -> RegalEvent:
    """Check one event (any of the three shapes) and reduce it to a ``RegalEvent``.

    Numbers without a ``+`` are read as in ``region``. Raises ``EventError`` with a
    one-line reason (naming the field) for an event that cannot be taken: not an object,
    no event name, or a subscription event without a readable point, channel or time.
    """
    if not isinstance(obj, dict):
        what = "a list" if isinstance(obj, list) else type(obj).__name__
        raise EventError(f"an event must be a JSON object, not {what}")
    name = _event_name(obj)
    fields = _Fields(obj)
    subscribed = _subscribed(name, fields)
    consent = subscribed is not None
    channel = _channel(fields, consent)
    kind, point = _point(fields, channel, consent, region)
    return RegalEvent(
        identity=identity_of(obj),
        event=name,
        kind=kind,
        point=point,
        channel=channel,
        subscribed=subscribed,
        user_id=_text(obj.get("userId")) or _text(obj.get("user_id")),
        source=fields.text("source"),
        text=fields.text("text"),
        ip=fields.text("ip"),
        timestamp=_consent_time(fields),
        raw=obj,
    )


def events_in(body: Any) -> list[Any]:
    """The events a body holds: a Segment batch (``{"batch": [...]}``), an array, or one
    event."""
    if isinstance(body, dict) and isinstance(body.get("batch"), list):
        return list(body["batch"])
    if isinstance(body, list):
        return body
    return [body]


__all__ = [
    "ATTRIBUTE_EDITED",
    "KNOWN_EVENTS",
    "SUBSCRIBED",
    "UNSUBSCRIBED",
    "EventError",
    "RegalEvent",
    "event_time",
    "events_in",
    "identity_of",
    "made_in_regal",
    "parse_event",
    "store_time",
]
