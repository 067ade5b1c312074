"""Packing a Segment account's requests into batches: Segment's limits, whole requests."""

from __future__ import annotations

import json

import orjson

from regal_desktop.delivery.batches import Batch, Messages, batch_url, messages_for, pack
from regal_desktop.domain.model import body_text
from regal_desktop.domain.segment import MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, MAX_MESSAGE_BYTES
from regal_desktop.store.db import utc_now
from regal_desktop.store.requests import Claimed

QUEUED_AT = "2026-05-01T10:00:00.000Z"


def claimed(number: int, body: dict[str, object] | None = None) -> Claimed:
    body = body or {"userId": f"user-{number}", "traits": {"firstName": "Ann"}}
    return Claimed(number, body_text(body), 1, "segment", f"base-{number}", QUEUED_AT)


def item(number: int, *messages: bytes) -> Messages:
    return Messages(claimed(number), messages or (b'{"n":1}',))


def test_a_batch_takes_at_most_2500_messages() -> None:
    batch = Batch()
    for number in range(MAX_BATCH_MESSAGES):
        assert batch.fits(item(number))
        batch.add(item(number))
    assert not batch.fits(item(MAX_BATCH_MESSAGES))
    assert len(json.loads(batch.body(utc_now()))["batch"]) == 2500


def test_a_request_with_two_messages_is_never_split() -> None:
    batch = Batch()
    for number in range(MAX_BATCH_MESSAGES // 2 - 1):
        batch.add(item(number, b"{}", b"{}"))
    assert len(batch.messages) == 2498
    assert batch.fits(item(1, b"{}", b"{}"))  # 2,500 exactly
    batch.add(item(1, b"{}", b"{}"))
    assert not batch.fits(item(2, b"{}", b"{}"))
    assert not batch.fits(item(3, b"{}"))


def test_the_byte_limit_counts_the_whole_body_sent_at_included() -> None:
    batch = Batch()
    chunk = b'{"p":"' + b"x" * 10_000 + b'"}'
    number = 0
    while batch.fits(Messages(claimed(number), (chunk,))):
        batch.add(Messages(claimed(number), (chunk,)))
        number += 1
    # The last message fills the body to the byte.
    left = MAX_BATCH_BYTES - len(batch.body(utc_now())) - 1  # less its comma
    last = b'{"p":"' + b"y" * (left - 8) + b'"}'
    assert len(last) == left
    assert not batch.fits(Messages(claimed(number), (last + b" ",)))
    assert batch.fits(Messages(claimed(number), (last,)))
    batch.add(Messages(claimed(number), (last,)))
    body = batch.body(utc_now())
    assert len(body) == batch.size == MAX_BATCH_BYTES
    assert json.loads(body)["sentAt"].endswith("Z")


def test_messages_are_the_segment_calls_with_the_stored_id_and_queue_time() -> None:
    messages = messages_for(claimed(7))
    [identify] = [orjson.loads(message) for message in messages.encoded]
    assert identify["messageId"] == "base-7-identify"
    assert identify["timestamp"] == QUEUED_AT
    assert identify["userId"] == "user-7"


def test_pack_sets_aside_a_message_over_32_kb_and_stops_at_the_first_that_does_not_fit() -> None:
    big = claimed(0, {"userId": "big", "traits": {"notes": "n" * MAX_MESSAGE_BYTES}})
    padded = [
        claimed(number, {"userId": f"u{number}", "traits": {"notes": "n" * 30_000}})
        for number in range(1, 40)
    ]
    packed = pack([big, *padded])

    [(request, why)] = packed.rejected
    assert request is big
    assert why.startswith("not sent: its Segment identify is ")
    assert "at most 32,768 bytes (32 KB) per message" in why
    assert packed.batch.requests == padded[: len(packed.batch.requests)]
    assert packed.rest == padded[len(packed.batch.requests) :]
    assert packed.rest  # 39 × 30 KB do not fit in 500 KB
    assert len(packed.batch.body(utc_now())) <= MAX_BATCH_BYTES


def test_a_request_without_a_message_id_is_not_sent() -> None:
    request = Claimed(1, body_text({"userId": "u"}), 1, "segment", None, QUEUED_AT)
    [(_, why)] = pack([request]).rejected
    assert "no Segment message id" in why


def test_the_batch_address_is_under_the_api_root() -> None:
    assert batch_url("https://api.segment.io/v1") == "https://api.segment.io/v1/batch"
    assert batch_url("http://127.0.0.1:9/v1/") == "http://127.0.0.1:9/v1/batch"


def test_an_integer_beyond_64_bits_is_sent_exactly() -> None:
    body = {"userId": "u", "traits": {"accountNumber": 2**70 + 1}}
    [identify] = messages_for(claimed(1, body)).encoded
    assert json.loads(identify)["traits"]["accountNumber"] == 2**70 + 1
