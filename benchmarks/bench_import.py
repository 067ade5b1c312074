"""Bulk import of a 100,000-row CSV (read, map, check every row), against ``csv.reader``,
and the same for a Segment account (the route's checks too), against a Regal account's.

Memory is measured with tracemalloc on the first 10,000 rows: tracing makes the checker
about four times slower, and the plan grows linearly with the good rows it keeps.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from benchmarks.common import Result, best_of, peak_memory
from regal_desktop.services.bulk_import import plan_file

ROWS = 100_000
MEMORY_ROWS = 10_000
HEADER = (
    "userId,firstName,lastName,phone,phoneLabel,smsOptIn,voiceOptIn,email,emailOptIn,"
    "optInText,optInIp,optInTimestamp,optInSource\r\n"
)


def write_csv(path: Path, rows: int) -> None:
    """A web-form export: every row a new contact with a phone, an e-mail and consent."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(HEADER)
        for i in range(rows):
            stream.write(
                f'u{i},Jane,"Doe, {i}",+1954{2000000 + i:07d},mobile,yes,yes,'
                f"user{i}@example.com,subscribed,"
                '"I agree to receive automated marketing calls and texts",'
                f"203.0.113.{i % 250},2026-11-25T09:12:28-05:00,web form\r\n"
            )


def read_with_csv(path: Path) -> list[list[str]]:
    """The baseline: every row of the file as ``csv.reader`` gives it."""
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def run() -> list[Result]:
    """Rows per second and peak memory of ``plan_file`` against ``csv.reader``."""
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder) / "big.csv", Path(folder) / "small.csv"
        write_csv(big, ROWS)
        write_csv(small, MEMORY_ROWS)
        baseline = best_of(lambda: read_with_csv(big), repeat=3)
        plan_file(small)  # warm the imports and the checker's compiled patterns
        elapsed = best_of(lambda: plan_file(big), repeat=1)
        # The same rows checked for a Segment account: the route's checks on every row.
        segment = best_of(lambda: plan_file(big, route="segment"), repeat=1)
        plan_peak = peak_memory(lambda: plan_file(small))
        reader_peak = peak_memory(lambda: read_with_csv(small))
    return [
        Result(
            f"import+check {ROWS:,}-row CSV",
            elapsed,
            "s",
            "csv.reader",
            baseline,
            note=f"{ROWS / elapsed:,.0f} rows/s (csv.reader {ROWS / baseline:,.0f} rows/s)",
        ),
        Result(
            f"import+check {ROWS:,}-row CSV for a Segment account",
            segment,
            "s",
            "the same for a Regal account",
            elapsed,
            note=f"{ROWS / segment:,.0f} rows/s; each row also through the Segment route's checks",
        ),
        Result(
            f"import plan memory, {MEMORY_ROWS:,} rows",
            plan_peak,
            "MiB",
            "csv.reader rows in a list",
            reader_peak,
            note=f"{plan_peak * 2**20 / MEMORY_ROWS / 1024:.1f} KiB per row at peak",
            peak_mib=plan_peak,
        ),
    ]
