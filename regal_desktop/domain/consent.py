"""The consent changes a request body carries, one per number or address and channel,
and the words consent is shown in.

The changes are what the history keeps as evidence ("when did +1 954-558-2399 agree to
SMS, and to what words?") and what the review step lists before a send. Every view that
names a consent state or a change uses ``CONSENT_WORDS`` and ``change_word``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel, ConsentState
from regal_desktop.domain.normalise import format_phone, normalise_ip, parse_timestamp

#: How each consent state reads for people, in the order they are offered.
CONSENT_WORDS: Mapping[ConsentState, str] = MappingProxyType(
    {
        ConsentState.NO_STATUS: "No status",
        ConsentState.SUBSCRIBED: "Subscribed",
        ConsentState.UNSUBSCRIBED: "Unsubscribed",
    }
)


def consent_state(opt_in: object) -> ConsentState:
    """The state an opt-in object records: No status without one, Subscribed only for
    ``subscribed: true``."""
    if not isinstance(opt_in, dict):
        return ConsentState.NO_STATUS
    return (
        ConsentState.SUBSCRIBED if opt_in.get("subscribed") is True else ConsentState.UNSUBSCRIBED
    )


#: How an opt-out can be received, as stored (``ChangeNote.method``) -> as people read it.
OPT_OUT_METHODS: Mapping[str, str] = MappingProxyType(
    {
        "stop_reply": "STOP reply",
        "call": "Call",
        "email": "E-mail",
        "web_form": "Web form",
        "agent": "Agent",
    }
)


def change_word(subscribed: bool) -> str:
    """What one change records: ``opt-in`` or ``opt-out``."""
    return "opt-in" if subscribed else "opt-out"


@dataclass(frozen=True)
class ConsentChange:
    """One opt-in or opt-out of one phone number or e-mail address on one channel."""

    kind: Literal["phone", "email"]
    point: str  # the E.164 number or the e-mail address, as the body names it
    channel: Channel
    subscribed: bool
    text: str | None
    ip: str | None
    timestamp: str | None
    source: str | None


def consent_changes(body: dict[str, Any]) -> list[ConsentChange]:
    """Every opt-in object in ``body``: phones first (voice before SMS), then e-mails."""
    traits = body.get("traits") or {}
    changes: list[ConsentChange] = []
    kinds: tuple[tuple[Literal["phone", "email"], str, tuple[Channel, ...]], ...] = (
        ("phone", "phones", PHONE_CHANNELS),
        ("email", "emails", EMAIL_CHANNELS),
    )
    for kind, trait, channels in kinds:
        for point, entry in (traits.get(trait) or {}).items():
            for channel in channels:
                opt_in = entry.get(channel.field)
                if opt_in is None:
                    continue
                changes.append(
                    ConsentChange(
                        kind=kind,
                        point=point,
                        channel=channel,
                        subscribed=bool(opt_in["subscribed"]),
                        text=opt_in.get("text"),
                        ip=opt_in.get("ip"),
                        timestamp=opt_in.get("timestamp"),
                        source=opt_in.get("source"),
                    )
                )
    return changes


def format_point(point: str) -> str:
    """A number as people read it (``+1 954-558-2399``); anything else unchanged."""
    return format_phone(point) if point.startswith("+") else point


def describe_change(change: ConsentChange) -> str:
    """One line for people, e.g. ``SMS opt-out for +1 954-558-2399``."""
    return describe_consent(change.channel, change.subscribed, change.point)


def describe_consent(
    channel: Channel, subscribed: bool, point: str, *, restatement: bool = False
) -> str:
    """``SMS opt-out for +1 954-558-2399``; a restatement of the known state says so:
    ``SMS opt-out restated for +1 954-558-2399`` (it changed nothing)."""
    word = change_word(subscribed) + (" restated" if restatement else "")
    return f"{channel.label} {word} for {format_point(point)}"


def count_words(changes: int, restatements: int) -> str:
    """``2 changes``, ``1 change, 1 restatement``, ``no change``."""
    parts = [f"{changes} change{'s' * (changes != 1)}"] if changes else []
    if restatements:
        parts.append(f"{restatements} restatement{'s' * (restatements != 1)}")
    return ", ".join(parts) or "no change"


#: The fields of an opt-in compared with the known one.
_CONSENT_FIELDS = frozenset(("subscribed", "timestamp", "text", "ip", "source"))


def same_consent(sent: Any, known: Any) -> bool:
    """Does the opt-in ``sent`` (normalised by the checker) record what ``known`` does:
    the same subscribed, the same moment (``-04:00`` and ``Z`` spellings of one time are
    equal), the same text and source (spaces aside) and the same IP address?"""
    if not isinstance(sent, dict) or not isinstance(known, dict):
        return False
    if set(sent) - _CONSENT_FIELDS or set(known) - _CONSENT_FIELDS:
        return False
    subscribed = sent.get("subscribed")
    if not isinstance(subscribed, bool) or known.get("subscribed") is not subscribed:
        return False
    if not _same_moment(sent.get("timestamp"), known.get("timestamp")):
        return False
    if _words(sent.get("text")) != _words(known.get("text")):
        return False
    if _words(sent.get("source")) != _words(known.get("source")):
        return False
    return bool(_ip(sent.get("ip")) == _ip(known.get("ip")))


def _words(value: Any) -> Any:
    """Text with its spaces normalised; empty text is no text."""
    if isinstance(value, str):
        return " ".join(value.split()) or None
    return value


def _ip(value: Any) -> Any:
    if isinstance(value, str):
        address, _ = normalise_ip(value)
        return address or value.strip() or None
    return value


def older_than_known(sent: Any, known: Any) -> bool:
    """Does ``sent`` record the other state than ``known``, at an earlier consent time?
    (Regal keeps the state sent last, so sending it would undo the newer change.) False
    when either time is missing or has no zone: then nothing can be said."""
    if not isinstance(sent, dict) or not isinstance(known, dict):
        return False
    if sent.get("subscribed") is known.get("subscribed"):
        return False
    moments = [_words(v.get("timestamp")) for v in (sent, known)]
    if not all(isinstance(m, str) for m in moments):
        return False
    ours, theirs = (parse_timestamp(m) for m in moments)
    if ours is None or theirs is None or ours.tzinfo is None or theirs.tzinfo is None:
        return False
    return ours < theirs


def _same_moment(first: Any, second: Any) -> bool:
    """One time however written: both missing, or both naming the same moment."""
    first, second = _words(first), _words(second)
    if isinstance(first, str) and isinstance(second, str):
        a, b = parse_timestamp(first), parse_timestamp(second)
        if a is not None and b is not None:
            # A time without a zone equals only the same time without a zone.
            return (a.tzinfo is None) == (b.tzinfo is None) and a == b
    return bool(first == second)


__all__ = [
    "CONSENT_WORDS",
    "OPT_OUT_METHODS",
    "ConsentChange",
    "change_word",
    "consent_changes",
    "consent_state",
    "count_words",
    "describe_change",
    "describe_consent",
    "format_point",
    "older_than_known",
    "same_consent",
]
