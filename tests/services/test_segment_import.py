"""An import planned for a Segment account: each row the route cannot carry is rejected
with its line and the finding in words, like any rejected row; the others go."""

from __future__ import annotations

from pathlib import Path

from regal_desktop.domain.import_rows import ColumnMapping
from regal_desktop.services.accounts import Destination
from regal_desktop.services.bulk_import import ImportPlan, plan_file, write_rejected
from regal_desktop.services.import_plan import plan_with_directory
from regal_desktop.services.sending import queue
from regal_desktop.store import open_store
from tests.helpers.segment import SEGMENT

HEADER = "userId,phone,phoneIsPrimary,smsOptIn,optInTimestamp,optInIp,optInText\n"
GOOD = "u-1,+19545582399,true,yes,2020-08-25T21:23:43Z,172.16.254.1,I agree\n"
NO_IP = "u-2,+19545582398,true,yes,2020-08-25T21:23:43Z,,I agree\n"
NO_TIME = "u-3,+19545582397,true,yes,,172.16.254.1,I agree\n"
#: Bad for Regal too (not a phone number), and without an ip.
BOTH = "u-4,555-12,true,yes,2020-08-25T21:23:43Z,,I agree\n"
#: No consent at all: nothing the destination would ignore.
PLAIN = "u-5,+19545582396,true,,,,\n"


def csv_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def reasons(plan: ImportPlan) -> dict[int, str]:
    return {row.line: row.reason for row in plan.rejected}


def test_each_row_the_segment_route_cannot_carry_is_rejected_with_why(tmp_path: Path) -> None:
    path = csv_file(tmp_path, GOOD, NO_IP, NO_TIME, PLAIN)

    plan = plan_file(path, route="segment")

    assert plan.route == "segment"
    assert [row.line for row in plan.good] == [2, 5]
    assert reasons(plan) == {
        3: "SMS opt-in for +1 954-558-2398 has no ip: Regal's Segment destination requires "
        "the IP address consent was given from when opting in from a server",
        4: "SMS consent for +1 954-558-2397 has no timestamp: Regal's Segment destination "
        "ignores an opt-in without one; give the moment consent was given",
    }
    assert plan.summary() == "4 rows: 2 good (1 with warnings), 2 rejected, 0 empty (skipped)"
    # The same file for a Regal account: Regal itself takes every row.
    regal = plan_file(path)
    assert (regal.route, len(regal.good), regal.rejected) == ("regal", 4, [])


def test_a_rows_own_errors_and_the_routes_are_listed_together(tmp_path: Path) -> None:
    plan = plan_file(csv_file(tmp_path, BOTH), route="segment")
    (reason,) = reasons(plan).values()
    assert reason.startswith('traits.phones["555-12"]: ')  # Regal's own check first
    assert "has no ip: Regal's Segment destination requires" in reason


def test_the_routes_warnings_join_the_rows_warnings(tmp_path: Path) -> None:
    unmarked = "u-6,+19545582395,,yes,2020-08-25T21:23:43Z,172.16.254.1,I agree\n"
    plan = plan_file(csv_file(tmp_path, unmarked), route="segment")
    (row,) = plan.good
    assert [w.message for w in row.warnings] == [
        "becomes the contact's primary phone through Segment (Regal makes traits.phone "
        "primary); mark it primary to say so"
    ]
    assert plan_file(csv_file(tmp_path, unmarked)).good[0].warnings == ()


def test_worker_processes_check_the_route_too(tmp_path: Path) -> None:
    path = csv_file(tmp_path, *[GOOD, NO_IP, NO_TIME, PLAIN] * 50)
    alone = plan_file(path, route="segment", workers=1)
    shared = plan_file(path, route="segment", workers=2)
    assert (shared.good, shared.rejected) == (alone.good, alone.rejected)
    assert len(shared.rejected) == 100


def test_the_rejected_rows_file_says_why_and_the_good_rows_queue(tmp_path: Path) -> None:
    path = csv_file(tmp_path, GOOD, NO_IP)
    db_path = tmp_path / "desk.db"
    with open_store(db_path):
        pass
    plan = plan_with_directory(db_path, "US", path, ColumnMapping(), route="segment")
    write_rejected(plan, tmp_path / "rejected.csv")
    saved = (tmp_path / "rejected.csv").read_text(encoding="utf-8")
    assert saved.splitlines()[1].startswith("3,SMS opt-in for +1 954-558-2398 has no ip")

    with open_store(db_path) as store:
        ids = queue(store, plan.prepared(), Destination(SEGMENT, "wk"), "tester")
        (request,) = [store.outbox.get(i) for i in ids]
    assert request is not None and request.route == "segment" and request.origin.endswith(":2")
