"""A big import checked in worker processes gives the very plan one process gives."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from regal_desktop.services.bulk_import import ImportPlan, plan_file
from regal_desktop.services.checking import checker_for

KNOWN = "+19545582399"


def _file(tmp_path: Path, rows: int) -> Path:
    """Good rows, with an empty row, bad cells and broken quoting now and then."""
    path = tmp_path / "mixed.csv"
    lines = ["userId,phone,phoneIsPrimary,smsOptIn,email,optInText\n"]
    for n in range(rows):
        if n % 997 == 5:
            lines.append(",,,,,\n")
        elif n % 1009 == 7:
            lines.append(f"u{n},555-12,,maybe,not-an-address,x\n")
        elif n % 1013 == 9:
            lines.append(f'u{n},"+19545580000"x,,,,\n')
        elif n % 1021 == 11:
            # Primary without consent: a warning unless the directory knows it as primary.
            lines.append(f"u{n},{KNOWN},true,,,\n")
        else:
            lines.append(f"u{n},+1954{2000000 + n:07d},,yes,user{n}@example.com,Texts from Acme\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _lookup(key: str) -> dict[str, Any] | None:
    if key == f"phone:{KNOWN}":
        return {"traits": {"phones": {KNOWN: {"isPrimary": True}}}}
    return None


def _shape(plan: ImportPlan) -> tuple[Any, ...]:
    return (
        plan.rows,
        plan.skipped,
        plan.consent_changes,
        plan.good,
        plan.rejected,
    )


def test_workers_give_the_same_plan_in_the_same_order(tmp_path: Path) -> None:
    path = _file(tmp_path, 5_000)
    alone = plan_file(path, checker=checker_for("US", _lookup))
    seen: list[tuple[int, int]] = []
    shared = plan_file(
        path,
        region="US",
        lookup=_lookup,
        workers=2,
        on_progress=lambda line, total: seen.append((line, total)),
    )
    assert _shape(shared) == _shape(alone)
    assert [row.line for row in shared.good] == sorted(row.line for row in shared.good)
    assert shared.rejected and shared.skipped and shared.good
    assert seen[-1] == (5_001, 5_001) and len(seen) == 5_000 // 500 + 1
    # The directory was asked: its profile changes what the known phone's rows say.
    without = plan_file(path, workers=2)
    assert _shape(without) != _shape(shared)
    assert plan_file(path, region="US", lookup=_lookup, workers=1).good == shared.good


def test_stopping_from_progress_stops_the_workers(tmp_path: Path) -> None:
    path = _file(tmp_path, 30_000)

    class StopError(Exception):
        pass

    def stop(line: int, total: int) -> None:
        if line > 2_000:
            raise StopError

    with pytest.raises(StopError):
        plan_file(path, workers=2, on_progress=stop)
    assert not multiprocessing.active_children()
