"""A Segment send in the evidence export and the directory, like a Regal one: delivered to
a real loopback server playing Segment, its rows name the route, the message id Segment
saw and the batch that delivered it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from regal_desktop.delivery.client import Backoff
from regal_desktop.delivery.segment import sender_for
from regal_desktop.delivery.sender import DeliveryTarget
from regal_desktop.domain.check import check
from regal_desktop.services.accounts import AccountProfile, Destination
from regal_desktop.services.evidence import EVIDENCE_COLUMNS, write_evidence
from regal_desktop.services.sending import Prepared, queue
from regal_desktop.store import Store, open_store
from tests.helpers.segment import CONSENT, NUMBER, opted_in
from tests.helpers.servers import SegmentServer, segment_server

__all__ = ["segment_server"]  # the fixture, for pytest

FAST = Backoff(base=0.02, cap=0.1)


def deliver(db_path: Path, server: SegmentServer) -> None:
    """Deliver the ``seg`` account's outbox to ``server`` (retries after a moment)."""
    target = DeliveryTarget("seg", server.url, None, route="segment")
    sender_for(db_path, target, backoff=FAST).run_sync()


def queue_for(store: Store, profile: AccountProfile, *bodies: dict[str, Any]) -> list[int]:
    prepared = [Prepared(f"b{n}", check(body)) for n, body in enumerate(bodies)]
    return queue(store, prepared, Destination(profile, None), "tester")


def sent_through_segment(
    db_path: Path, server: SegmentServer, body: dict[str, Any], *answers: int
) -> int:
    """Queue ``body`` for a Segment account at ``server`` and deliver it, the server first
    answering each of ``answers`` (500, 400, ...); the request's id."""
    seg = AccountProfile(name="seg", kind="segment", endpoint=server.url)
    with open_store(db_path) as store:
        (request_id,) = queue_for(store, seg, body)
    for status in answers:
        server.answer(status, {"success": False, "message": "invalid batch"})
    deliver(db_path, server)
    return request_id


def evidence(db_path: Path) -> dict[int, dict[str, Any]]:
    with open_store(db_path) as store:
        return {row["request_id"]: row for row in store.history.evidence()}


def test_a_segment_send_records_its_route_message_id_and_the_batch_that_delivered_it(
    tmp_path: Path, segment_server: SegmentServer
) -> None:
    db_path = tmp_path / "desk.db"
    regal = AccountProfile(name="main", endpoint="http://127.0.0.1:9/events")
    with open_store(db_path) as store:
        (direct,) = queue_for(store, regal, opted_in("u-2"))  # never sent
    # The first batch fails with a 500; a second one delivers it.
    sent = sent_through_segment(db_path, segment_server, opted_in("u-1"), 500)

    first, second = segment_server.batches()
    assert (first.status, second.status) == (500, 200)
    with open_store(db_path) as store:
        attempts = store.history.attempts(sent)
        request = store.outbox.get(sent)
    assert request is not None and request.message_id
    assert [a.status for a in attempts] == [500, 200]
    assert attempts[0].batch != attempts[1].batch  # each POST is a batch of its own
    rows = evidence(db_path)
    assert {k: rows[sent][k] for k in ("route", "message_id", "batch", "state")} == {
        "route": "segment",
        "message_id": request.message_id,
        "batch": attempts[1].batch,  # the one that delivered it, not the failed one
        "state": "delivered",
    }
    assert second.message_ids == [f"{request.message_id}-identify"]  # what Segment saw
    # Queued for Regal, not yet sent: no message id, no batch.
    assert {k: rows[direct][k] for k in ("route", "message_id", "batch")} == {
        "route": "regal",
        "message_id": None,
        "batch": None,
    }
    # Everything else is the evidence of any send.
    assert (rows[sent]["point"], rows[sent]["channel"], rows[sent]["ip"]) == (
        NUMBER,
        "sms",
        CONSENT["ip"],
    )


def test_a_rejected_segment_request_names_no_batch(
    tmp_path: Path, segment_server: SegmentServer
) -> None:
    db_path = tmp_path / "desk.db"
    request_id = sent_through_segment(db_path, segment_server, opted_in("u-1"), 400)

    row = evidence(db_path)[request_id]
    assert (row["state"], row["route"], row["batch"]) == ("rejected", "segment", None)
    assert row["message_id"]


def test_the_directory_records_a_segment_send_like_a_regal_one(
    tmp_path: Path, segment_server: SegmentServer
) -> None:
    db_path = tmp_path / "desk.db"
    body = opted_in("u-1")
    body["traits"]["firstName"] = "Jane"
    sent_through_segment(db_path, segment_server, body)

    with open_store(db_path) as store:
        by_phone, by_user = store.directory.get(NUMBER), store.directory.get("u-1")
        (timeline,) = store.history.consent_timeline(NUMBER)
    assert by_phone is not None and by_phone == by_user
    assert by_phone["traits"]["firstName"] == "Jane"
    sms = by_phone["traits"]["phones"][NUMBER]["smsOptIn"]
    assert (sms["subscribed"], sms["timestamp"], sms["ip"]) == (
        True,
        CONSENT["timestamp"],
        CONSENT["ip"],
    )
    assert (timeline.profile, timeline.state) == ("seg", "delivered")


def test_the_export_has_the_route_columns_last_in_csv_and_json_lines(
    tmp_path: Path, segment_server: SegmentServer
) -> None:
    db_path = tmp_path / "desk.db"
    sent_through_segment(db_path, segment_server, opted_in("u-1"))
    with open_store(db_path) as store:
        rows = list(store.history.evidence())
    assert EVIDENCE_COLUMNS[-3:] == ("route", "message_id", "batch")

    csv_text, jsonl = io.StringIO(), io.StringIO()
    write_evidence(rows, csv_text, "csv")
    write_evidence(rows, jsonl, "jsonl")

    header, line = csv_text.getvalue().splitlines()
    assert header.endswith(",route,message_id,batch")
    assert line.endswith(f",segment,{rows[0]['message_id']},{rows[0]['batch']}")
    record = json.loads(jsonl.getvalue())
    assert record["route"] == "segment" and record["batch"] == rows[0]["batch"]
