"""A Segment account's outbox delivered in batches to a real loopback server playing Segment."""

from __future__ import annotations

import base64
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from regal_desktop.delivery.client import Backoff
from regal_desktop.delivery.segment import SegmentSender, sender_for
from regal_desktop.delivery.sender import DeliveryTarget, Sender
from regal_desktop.domain.model import body_text
from regal_desktop.domain.segment import MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, MAX_MESSAGE_BYTES
from regal_desktop.store import NewRequest, open_store
from tests.helpers.delivery import make_body, states
from tests.helpers.servers import SegmentServer

FAST = Backoff(base=0.02, cap=0.1)
PROFILE = "seg"
KEY = "wk_segment_write_key_9c1e"


def queue(db_path: Path, bodies: list[str], route: str = "segment") -> list[int]:
    """Queue ``bodies`` for the Segment profile and return their ids."""
    store = open_store(db_path)
    try:
        return store.outbox.enqueue(
            [NewRequest(PROFILE, "sandbox", "tester", body, route=route) for body in bodies]
        )
    finally:
        store.close()


def send(db_path: Path, server: SegmentServer, key: str | None = KEY, **options: Any) -> Sender:
    target = DeliveryTarget(PROFILE, server.url, key, route="segment", **options)
    return sender_for(db_path, target, backoff=FAST)


def rows(db_path: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db_path)) as conn:
        return [tuple(row) for row in conn.execute(sql, args)]


def message_ids(db_path: Path) -> dict[int, str]:
    """Each request's stored message id base."""
    return dict(rows(db_path, "SELECT id, message_id FROM requests"))  # type: ignore[arg-type]


def event_body(number: int) -> str:
    return body_text(
        {
            "userId": f"user-{number}",
            "traits": {"firstName": "Ann"},
            "name": "Loan Application Approved",
            "properties": {"amount": number},
        }
    )


def padded_body(number: int, pad: int) -> str:
    """A contact with a custom trait of ``pad`` characters."""
    return body_text({"userId": f"user-{number}", "traits": {"notes": "n" * pad}})


def test_a_batch_carries_every_request_as_segment_calls_with_basic_auth(
    db_path: Path, segment_server: SegmentServer
) -> None:
    ids = queue(db_path, [make_body(n) for n in range(3)] + [event_body(9)])
    summary = send(db_path, segment_server).run_sync()

    assert summary.message == "Delivered 4 requests for profile seg"
    [post] = segment_server.batches()
    assert post.path == "/v1/batch"
    token = base64.b64encode(f"{KEY}:".encode()).decode()
    assert post.authorization == f"Basic {token}"  # write key as user name, empty password
    assert set(post.body) == {"batch", "sentAt"}
    bases = message_ids(db_path)
    queued_at = dict(rows(db_path, "SELECT id, created_at FROM requests"))
    expected = [f"{bases[i]}-identify" for i in ids] + [f"{bases[ids[-1]]}-track"]
    assert post.message_ids == expected
    identify = post.body["batch"][0]
    assert (identify["type"], identify["userId"]) == ("identify", "user-0")
    assert identify["timestamp"] == queued_at[ids[0]]  # when it was queued
    track = post.body["batch"][-1]
    assert (track["type"], track["event"], track["properties"]) == (
        "track",
        "Loan Application Approved",
        {"amount": 9},
    )
    assert states(db_path) == {"delivered": 4}
    # History: each attempt names the batch and where it was posted.
    attempts = rows(db_path, "SELECT request_id, status, batch, endpoint FROM attempts")
    assert {a[2] for a in attempts} == {attempts[0][2]} and attempts[0][2]
    assert {(a[1], a[3]) for a in attempts} == {(200, f"{segment_server.url}/batch")}
    assert sorted(a[0] for a in attempts) == ids


def test_the_message_ids_survive_a_500(db_path: Path, segment_server: SegmentServer) -> None:
    queue(db_path, [make_body(n) for n in range(5)])
    segment_server.answer(500, {"success": False, "message": "Internal Server Error"})
    summary = send(db_path, segment_server).run_sync()

    first, second = segment_server.batches()
    assert (first.status, second.status) == (500, 200)
    assert first.message_ids == second.message_ids  # Segment drops any copy by these
    assert len(set(first.message_ids)) == 5
    assert summary.delivered == 5 and states(db_path) == {"delivered": 5}
    batches = rows(db_path, "SELECT status, batch FROM attempts ORDER BY id")
    assert [status for status, _ in batches] == [500] * 5 + [200] * 5
    assert len({batch for _, batch in batches}) == 2  # one id per POST


def test_429_waits_for_retry_after(db_path: Path, segment_server: SegmentServer) -> None:
    queue(db_path, [make_body(1)])
    segment_server.answer(429, {"success": False}, {"Retry-After": "1"})
    send(db_path, segment_server).run_sync()

    first, second = segment_server.batches()
    assert first.message_ids == second.message_ids
    # The backoff alone would wait at most 0.1 s (FAST); Retry-After asked for a second.
    assert second.at - first.at >= 0.9
    assert states(db_path) == {"delivered": 1}


def test_a_400_rejects_the_batch_keeping_segments_answer(
    db_path: Path, segment_server: SegmentServer
) -> None:
    queue(db_path, [make_body(n) for n in range(3)])
    segment_server.answer(400, {"success": False, "message": "batch[1].traits is invalid"})
    summary = send(db_path, segment_server).run_sync()

    assert len(segment_server.batches()) == 1  # a 400 is not retried
    assert summary.rejected == 3
    assert "3 rejected by Segment" in summary.message
    answers = rows(db_path, "SELECT state, last_status, last_answer FROM requests")
    assert {answer for answer in answers} == {
        ("rejected", 400, '{"success": false, "message": "batch[1].traits is invalid"}')
    }


def test_a_refused_write_key_holds_the_batch_and_sends_nothing_more(
    db_path: Path, segment_server: SegmentServer
) -> None:
    segment_server.write_key = "wk_the_right_one_0000"
    queue(db_path, [make_body(n) for n in range(3)])
    summary = send(db_path, segment_server, key="wk_a_wrong_one_1111").run_sync()

    assert [post.status for post in segment_server.batches()] == [401]
    assert summary.auth_failed and summary.held == 3
    assert summary.message == (
        "Segment refused the write key for profile seg (HTTP 401); nothing more was sent"
    )
    assert states(db_path) == {"held": 3}


def test_the_write_key_never_reaches_the_history(
    db_path: Path, segment_server: SegmentServer
) -> None:
    token = base64.b64encode(f"{KEY}:".encode()).decode()
    # A receiver that echoes the credentials it was given, in both spellings.
    segment_server.answer(400, {"message": f"bad auth Basic {token} for {KEY}"})
    queue(db_path, [make_body(1)])
    send(db_path, segment_server).run_sync()

    [(answer,)] = rows(db_path, "SELECT answer FROM attempts")
    assert KEY not in answer and token not in answer
    assert "[API key hidden]" in answer


def test_batches_stay_within_500_kb_and_never_split_a_request(
    db_path: Path, segment_server: SegmentServer
) -> None:
    # Events with ~20 KB of properties: identify + track, ~40 KB a request.
    bodies = [
        body_text(
            {
                "userId": f"user-{n}",
                "traits": {"firstName": "Ann"},
                "name": "Viewed",
                "properties": {"page": "p" * 20_000},
            }
        )
        for n in range(40)
    ]
    ids = queue(db_path, bodies)
    send(db_path, segment_server, workers=1).run_sync()

    posts = segment_server.batches()
    assert len(posts) > 1 and all(post.status == 200 for post in posts)
    for post in posts:
        size = len(json.dumps(post.body, separators=(",", ":"), ensure_ascii=False).encode())
        assert size <= MAX_BATCH_BYTES
        # identify and track of one request travel together.
        bases = [mid.rsplit("-", 1)[0] for mid in post.message_ids]
        assert bases[0::2] == bases[1::2]
    bases = message_ids(db_path)
    assert sorted(segment_server.delivered_ids()) == sorted(
        f"{bases[i]}-{kind}" for i in ids for kind in ("identify", "track")
    )
    assert states(db_path) == {"delivered": 40}


def test_a_message_over_32_kb_never_leaves(db_path: Path, segment_server: SegmentServer) -> None:
    small, big = queue(db_path, [make_body(1), padded_body(2, MAX_MESSAGE_BYTES)])
    summary = send(db_path, segment_server).run_sync()

    [post] = segment_server.batches()
    assert [m["userId"] for m in post.body["batch"]] == ["user-1"]
    assert (summary.delivered, summary.rejected) == (1, 1)
    [(state, status, answer)] = rows(
        db_path, "SELECT state, last_status, last_answer FROM requests WHERE id = ?", big
    )
    assert (state, status) == ("rejected", None)
    assert "Segment takes at most 32,768 bytes (32 KB) per message" in answer
    assert rows(db_path, "SELECT state FROM requests WHERE id = ?", small) == [("delivered",)]


def test_a_fixed_request_gets_new_message_ids(db_path: Path, segment_server: SegmentServer) -> None:
    [request] = queue(db_path, [make_body(1)])
    segment_server.answer(400, {"success": False, "message": "no"})
    send(db_path, segment_server).run_sync()
    store = open_store(db_path)
    try:
        fixed = store.outbox.replace_body(request, make_body(2))
        row = store.outbox.get(fixed)
    finally:
        store.close()
    assert row is not None and row.route == "segment"
    assert row.message_id and row.message_id != message_ids(db_path)[request]
    send(db_path, segment_server).run_sync()
    assert segment_server.batches()[-1].message_ids == [f"{row.message_id}-identify"]


def test_the_route_picks_the_sender(db_path: Path) -> None:
    regal = DeliveryTarget(PROFILE, "http://127.0.0.1:1/events", None)
    segment = DeliveryTarget(PROFILE, "http://127.0.0.1:1/v1", None, route="segment")
    assert type(sender_for(db_path, regal)) is Sender
    assert isinstance(sender_for(db_path, segment), SegmentSender)


def test_requests_queued_for_the_other_route_are_held(
    db_path: Path, segment_server: SegmentServer
) -> None:
    [regal] = queue(db_path, [make_body(1)], route="regal")
    [segment] = queue(db_path, [make_body(2)])
    target = DeliveryTarget(PROFILE, segment_server.url, KEY, route="segment", queued_for="sandbox")
    summary = sender_for(db_path, target, backoff=FAST).run_sync()

    assert summary.delivered == 1 and summary.held == 1
    assert [m["userId"] for m in segment_server.batches()[0].body["batch"]] == ["user-2"]
    [(state, answer)] = rows(db_path, "SELECT state, last_answer FROM requests WHERE id = ?", regal)
    assert state == "held" and "account kind changed" in answer
    assert rows(db_path, "SELECT state FROM requests WHERE id = ?", segment) == [("delivered",)]


def test_thousands_of_requests_go_in_batches_within_both_limits(
    db_path: Path, segment_server: SegmentServer
) -> None:
    ids = queue(db_path, [body_text({"userId": f"u{n}"}) for n in range(2600)])
    send(db_path, segment_server, workers=1).run_sync()

    posts = segment_server.batches()
    assert len(posts) >= 2
    for post in posts:
        assert len(post.message_ids) <= MAX_BATCH_MESSAGES
        size = len(json.dumps(post.body, separators=(",", ":"), ensure_ascii=False).encode())
        assert size <= MAX_BATCH_BYTES
    bases = message_ids(db_path)
    # In queue order, each request once.
    assert segment_server.delivered_ids() == [f"{bases[i]}-identify" for i in ids]
    assert states(db_path) == {"delivered": 2600}
