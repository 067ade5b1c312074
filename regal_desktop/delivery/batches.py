"""Segment batches: each claimed request as its Segment messages, packed into POSTs.

The outbox keeps the Regal-shaped body; the Segment calls are derived from it at send
time (``domain.segment.segment_calls``), with the request's stored message id and its
queue time, so every attempt sends the same bytes for the same message. A batch holds
whole requests (their messages are never split across two POSTs) and stays within
Segment's limits: ``MAX_BATCH_MESSAGES`` messages and ``MAX_BATCH_BYTES`` of body,
``sentAt`` included. A message over ``MAX_MESSAGE_BYTES`` never leaves: its request is
rejected with an answer saying so.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from regal_desktop.domain.segment import (
    MAX_BATCH_BYTES,
    MAX_BATCH_MESSAGES,
    MAX_MESSAGE_BYTES,
    segment_calls,
)
from regal_desktop.store.requests import Claimed

#: ``sentAt`` is ``db.utc_now()``: always this many characters (``2026-01-31T12:00:00.000Z``).
_SENT_AT_LENGTH = 24
#: The body around the messages: ``{"batch":[...],"sentAt":"..."}``.
_ENVELOPE = len(b'{"batch":[],"sentAt":""}') + _SENT_AT_LENGTH


class NotSendable(ValueError):  # noqa: N818 - reads as what it is
    """A request that cannot go to Segment as it is; the message is the answer kept."""


@dataclass(frozen=True)
class Messages:
    """One request's Segment messages, encoded as they will be sent."""

    request: Claimed
    encoded: tuple[bytes, ...]

    @property
    def size(self) -> int:
        """Bytes the messages take in a batch, with a comma before each."""
        return sum(len(message) + 1 for message in self.encoded)


def messages_for(request: Claimed) -> Messages:
    """``request``'s Segment messages, or ``NotSendable`` saying why it cannot be sent."""
    if not request.message_id:
        raise NotSendable("not sent: the request has no Segment message id; send it again")
    try:
        # The standard library reads it: orjson would turn integers beyond 64 bits into floats.
        body = json.loads(request.body)
        calls = segment_calls(body, message_id=request.message_id, timestamp=request.created_at)
    except (ValueError, TypeError, KeyError) as exc:
        raise NotSendable(f"not sent: cannot be turned into Segment calls: {exc}") from exc
    encoded = tuple(_encode(call) for call in calls)
    for call, message in zip(calls, encoded, strict=True):
        if len(message) > MAX_MESSAGE_BYTES:
            raise NotSendable(
                f"not sent: its Segment {call.get('type', 'message')} is {len(message):,} bytes; "
                f"Segment takes at most {MAX_MESSAGE_BYTES:,} bytes (32 KB) per message: "
                "shorten its custom traits or texts, or send it directly to Regal"
            )
    return Messages(request, encoded)


def _encode(message: dict[str, Any]) -> bytes:
    """``message`` as compact UTF-8 JSON (orjson; the standard library for what it refuses,
    integers beyond 64 bits)."""
    try:
        return orjson.dumps(message)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class Batch:
    """Requests whose messages go out in one POST to ``/batch``, under one id."""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    requests: list[Claimed] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)
    size: int = _ENVELOPE - 1  # the first message has no comma before it

    def fits(self, item: Messages) -> bool:
        """Whether ``item``'s messages can join without passing a limit."""
        return (
            len(self.messages) + len(item.encoded) <= MAX_BATCH_MESSAGES
            and self.size + item.size <= MAX_BATCH_BYTES
        )

    def add(self, item: Messages) -> None:
        """Add ``item``'s request and messages (``fits`` was checked)."""
        self.requests.append(item.request)
        self.messages.extend(item.encoded)
        self.size += item.size

    @property
    def attempts(self) -> int:
        """The most attempts any of its requests has had, this one included."""
        return max((request.attempts for request in self.requests), default=1)

    def body(self, sent_at: str) -> bytes:
        """The POST body: ``{"batch": [...], "sentAt": sent_at}`` (``db.utc_now()``)."""
        return b'{"batch":[' + b",".join(self.messages) + b'],"sentAt":"' + sent_at.encode() + b'"}'


@dataclass
class Packed:
    """What ``pack`` made of some claimed requests."""

    batch: Batch
    rejected: list[tuple[Claimed, str]]  # each with why it cannot be sent
    rest: list[Claimed]  # did not fit: for the next batch, in order


def pack(requests: Sequence[Claimed]) -> Packed:
    """One batch from the front of ``requests``, in order: the requests that cannot be sent
    are set aside with why, and packing stops at the first that does not fit."""
    batch = Batch()
    rejected: list[tuple[Claimed, str]] = []
    for position, request in enumerate(requests):
        try:
            item = messages_for(request)
        except NotSendable as exc:
            rejected.append((request, str(exc)))
            continue
        if not batch.fits(item):
            if batch.requests:
                return Packed(batch, rejected, list(requests[position:]))
            rejected.append((request, _too_big(item)))  # alone it passes a limit
            continue
        batch.add(item)
    return Packed(batch, rejected, [])


def _too_big(item: Messages) -> str:
    return (
        f"not sent: its {len(item.encoded)} Segment messages ({item.size:,} bytes) do not fit "
        f"in one batch ({MAX_BATCH_MESSAGES:,} messages, {MAX_BATCH_BYTES:,} bytes)"
    )


def batch_url(endpoint: str) -> str:
    """Segment's batch address under ``endpoint`` (``https://api.segment.io/v1/batch``)."""
    return endpoint.rstrip("/") + "/batch"


__all__ = ["Batch", "Messages", "NotSendable", "Packed", "batch_url", "messages_for", "pack"]
