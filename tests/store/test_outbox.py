"""The outbox queues, hands out and settles requests without ever losing one."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import threading
import time
from pathlib import Path

import pytest

from regal_desktop.store import AttemptResult, Location, Outcome, Store, open_store
from regal_desktop.store.claimers import LEASE, this_claimer
from regal_desktop.store.db import DatabaseError
from tests.helpers.store import opt_in_body, request

T0 = "2024-05-01T10:00:00.000Z"
T1 = "2024-05-01T10:00:01.000Z"


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test here runs on SQLite and on PostgreSQL (``any_store``)."""
    return any_store


def queued_before_t0(store: Store) -> None:
    """Every request queued before T0 (recorded times never precede the queuing)."""
    store.conn.execute("UPDATE requests SET created_at = '2024-05-01T09:00:00.000Z'")


def result(request_id: int, outcome: Outcome, status: int | None, **extra: float) -> AttemptResult:
    answer = '{"message":"ok"}' if outcome is Outcome.DELIVERED else "no"
    return AttemptResult(request_id, T0, T1, status, answer, outcome, **extra)


def test_enqueue_stores_exact_body_with_sha256_and_consent_rows(store: Store) -> None:
    item = request(opt_in_body("+19545582399", "voice"), origin="editor")

    [request_id] = store.outbox.enqueue([item])

    row = store.outbox.get(request_id)
    assert row is not None
    assert row.body == item.body
    assert row.sha256 == hashlib.sha256(item.body.encode("utf-8")).hexdigest()
    assert (row.state, row.attempts, row.origin) == ("queued", 0, "editor")
    assert row.contact == "+19545582399"  # left empty: the body's display key
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", row.created_at)
    changes = store.conn.execute(
        "SELECT point, channel, subscribed FROM consent_changes WHERE request_id = ?",
        (request_id,),
    ).fetchall()
    assert [tuple(change) for change in changes] == [("+19545582399", "voice", 1)]


def test_enqueue_of_ten_thousand_is_one_transaction(db_path: Path) -> None:
    """SQLite: the statements traced (PostgreSQL's one transaction: the next test)."""
    with open_store(db_path) as store:
        _enqueue_ten_thousand_in_one_transaction(store)


def _enqueue_ten_thousand_in_one_transaction(store: Store) -> None:
    items = [request(opt_in_body(f"+1954555{n:04d}")) for n in range(10_000)]
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)

    ids = store.outbox.enqueue(items)

    store.conn.set_trace_callback(None)
    assert ids == list(range(1, 10_001))
    assert [s for s in statements if s in ("BEGIN IMMEDIATE", "COMMIT")] == [
        "BEGIN IMMEDIATE",
        "COMMIT",
    ]
    assert store.outbox.counts()["queued"] == 10_000
    assert store.conn.execute("SELECT count(*) FROM consent_changes").fetchone()[0] == 10_000


def test_a_failure_midway_leaves_nothing_queued(store: Store) -> None:
    items = [request(opt_in_body(f"+1954555{n:04d}")) for n in range(100)]
    # A NULL profile breaks a NOT NULL constraint on the 51st insert.
    items[50] = request(opt_in_body("+19545550050"), profile=None)  # type: ignore[arg-type]

    with pytest.raises(DatabaseError):
        store.outbox.enqueue(items)

    assert store.conn.execute("SELECT count(*) FROM requests").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM consent_changes").fetchone()[0] == 0
    assert not store.conn.in_transaction


def test_a_body_that_is_not_json_is_refused_with_its_position(store: Store) -> None:
    good = request(opt_in_body("+19545582399"))
    bad = dataclasses.replace(request({}, contact="+15155552355"), body="{not json")

    with pytest.raises(ValueError, match=r"request 2 of 2 for \+15155552355: the body is not JSON"):
        store.outbox.enqueue([good, bad])
    assert store.outbox.counts()["queued"] == 0


def test_claim_takes_due_requests_of_one_profile_oldest_first(store: Store) -> None:
    ids = store.outbox.enqueue([request(opt_in_body(f"+1954555000{n}")) for n in range(5)])
    [other] = store.outbox.enqueue([request(opt_in_body("+19545550009"), profile="staging")])
    store.conn.execute("UPDATE requests SET next_attempt_at = 500 WHERE id = ?", (ids[0],))

    claimed = store.outbox.claim("production", 3, "host:1", now=100)

    assert [c.id for c in claimed] == ids[1:4]
    assert all(c.attempts == 1 for c in claimed)
    row = store.outbox.get(ids[1])
    assert row is not None and (row.state, row.claimed_by) == ("sending", "host:1")
    assert [c.id for c in store.outbox.claim("production", 10, "host:1", now=600)] == [
        ids[0],
        ids[4],
    ]
    assert store.outbox.claim("production", 10, "host:1") == []
    assert [c.id for c in store.outbox.claim("staging", 10, "host:1")] == [other]


def test_two_connections_never_claim_the_same_request(
    store: Store, store_location: Location
) -> None:
    store.outbox.enqueue([request(opt_in_body(f"+1954555{n:04d}")) for n in range(600)])
    claimed: dict[str, list[int]] = {"a": [], "b": []}

    def sender(name: str) -> None:
        with open_store(store_location) as own:
            while batch := own.outbox.claim("production", 7, name):
                claimed[name].extend(c.id for c in batch)

    threads = [threading.Thread(target=sender, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not set(claimed["a"]) & set(claimed["b"])
    assert sorted(claimed["a"] + claimed["b"]) == list(range(1, 601))


def test_two_desks_queueing_at_once_get_ids_of_their_own(
    store: Store, store_location: Location
) -> None:
    """Each enqueue's ids are contiguous and no two desks get the same (SQLite's write
    lock; on PostgreSQL, the lock every enqueue takes first)."""
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def desk(name: str) -> None:
        try:
            with open_store(store_location) as own:
                for batch in range(5):
                    numbers = [f"+1954{batch}{name}{n:05d}" for n in range(100)]
                    got[f"{name}{batch}"] = own.outbox.enqueue(
                        [request(opt_in_body(number)) for number in numbers]
                    )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(name,)) for name in "12"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert all(ids == list(range(ids[0], ids[0] + 100)) for ids in got.values())
    assert sorted(i for ids in got.values() for i in ids) == list(range(1, 1001))
    assert store.conn.execute("SELECT count(*) FROM request_keys").fetchone()[0] == 1000


def test_record_delivered_settles_and_updates_the_directory(store: Store) -> None:
    [request_id] = store.outbox.enqueue([request(opt_in_body("+19545582399"))])
    store.outbox.claim("production", 1, "host:1")
    queued_before_t0(store)

    store.outbox.record([result(request_id, Outcome.DELIVERED, 200)])

    row = store.outbox.get(request_id)
    assert row is not None
    assert (row.state, row.finished_at, row.last_status, row.claimed_by) == (
        "delivered",
        T1,
        200,
        None,
    )
    assert row.last_answer == '{"message":"ok"}'
    [attempt] = store.history.attempts(request_id)
    assert (attempt.started_at, attempt.status) == (T0, 200)
    profile = store.directory.get("+19545582399")
    assert profile is not None
    assert profile["traits"]["phones"]["+19545582399"]["smsOptIn"]["subscribed"] is True


@pytest.mark.parametrize(
    ("outcome", "status", "state", "finished"),
    [
        (Outcome.REJECTED, 400, "rejected", True),
        (Outcome.HELD, 401, "held", False),
        (Outcome.RETRY, 503, "queued", False),
    ],
)
def test_record_other_outcomes(
    store: Store, outcome: Outcome, status: int, state: str, finished: bool
) -> None:
    [request_id] = store.outbox.enqueue([request(opt_in_body("+19545582399"))])
    store.outbox.claim("production", 1, "host:1")

    store.outbox.record([result(request_id, outcome, status, next_attempt_at=1234.5)])

    row = store.outbox.get(request_id)
    assert row is not None
    assert (row.state, row.last_status, row.claimed_by) == (state, status, None)
    assert (row.finished_at is not None) is finished
    assert store.directory.count() == 0  # only a delivered body changes the directory
    if outcome is Outcome.RETRY:
        assert store.outbox.next_due("production") == 1234.5
        assert store.outbox.claim("production", 1, "host:1", now=1000) == []
        [again] = store.outbox.claim("production", 1, "host:1", now=1300)
        assert again.attempts == 2


def test_recover_requeues_only_rows_of_senders_that_are_gone(store: Store) -> None:
    ids = store.outbox.enqueue([request(opt_in_body(f"+1954555000{n}")) for n in range(3)])
    store.outbox.claim("production", 1, this_claimer())
    store.outbox.claim("production", 1, "elsewhere.example.com:1")
    store.outbox.claim("production", 1, "not a claimer")

    assert store.outbox.recover() == 1  # another host's claim lives while its lease does
    assert store.outbox.recover(now=time.time() + 2 * LEASE) == 1

    states = {request_id: store.outbox.get(request_id).state for request_id in ids}  # type: ignore[union-attr]
    assert states == {ids[0]: "sending", ids[1]: "queued", ids[2]: "queued"}
    assert store.outbox.recover(lambda claimer: False) == 1
    assert store.outbox.counts()["queued"] == 3


def test_retry_drop_and_release_held(store: Store) -> None:
    ids = store.outbox.enqueue([request(opt_in_body(f"+1954555000{n}")) for n in range(4)])
    store.outbox.claim("production", 3, "host:1")
    store.outbox.record(
        [
            result(ids[0], Outcome.REJECTED, 400),
            result(ids[1], Outcome.HELD, 403),
            result(ids[2], Outcome.DELIVERED, 200),
        ]
    )

    store.outbox.retry(ids[0])
    with pytest.raises(ValueError, match=f"request {ids[2]} is delivered; only queued, rejected"):
        store.outbox.retry(ids[2])
    with pytest.raises(ValueError, match="there is no request 99 in the outbox"):
        store.outbox.retry(99)
    assert store.outbox.release_held("production") == 1
    store.outbox.drop(ids[3])
    with pytest.raises(ValueError, match="is dropped; only queued or held or rejected"):
        store.outbox.drop(ids[3])

    assert store.outbox.counts() == {
        "queued": 2,
        "sending": 0,
        "held": 0,
        "rejected": 0,
        "delivered": 1,
        "dropped": 1,
    }
    dropped = store.outbox.get(ids[3])
    assert dropped is not None and dropped.finished_at is not None  # kept, not deleted
    assert [row.id for row in store.outbox.pending()] == [ids[0], ids[1]]
    assert store.outbox.pending("staging") == []


def test_replace_body_keeps_the_rejected_original_and_queues_the_fix(store: Store) -> None:
    [old_id] = store.outbox.enqueue([request(opt_in_body("+19545582399"), origin="editor")])
    store.outbox.claim("production", 1, "host:1")
    store.outbox.record([result(old_id, Outcome.REJECTED, 400)])
    old = store.outbox.get(old_id)
    fixed = json.dumps(opt_in_body("+15155552355", "voice"), indent=2)

    new_id = store.outbox.replace_body(old_id, fixed)

    assert store.outbox.get(old_id) == old
    new = store.outbox.get(new_id)
    assert new is not None
    assert (new.state, new.body, new.origin, new.contact) == (
        "queued",
        fixed,
        f"fix:{old_id}",
        "+15155552355",
    )
    assert new.sha256 == hashlib.sha256(fixed.encode()).hexdigest()
    timeline = store.history.consent_timeline("+15155552355")
    assert [entry.request_id for entry in timeline] == [new_id]


def test_replace_body_of_a_queued_request_drops_it_so_only_the_fix_goes(store: Store) -> None:
    [old_id] = store.outbox.enqueue([request(opt_in_body("+19545582399"))])

    new_id = store.outbox.replace_body(old_id, json.dumps(opt_in_body("+19545582399", "voice")))

    assert [c.id for c in store.outbox.claim("production", 10, "host:1")] == [new_id]
    old = store.outbox.get(old_id)
    assert old is not None and old.state == "dropped"
    with pytest.raises(ValueError, match="is sending; only rejected, queued or held"):
        store.outbox.replace_body(new_id, "{}")
