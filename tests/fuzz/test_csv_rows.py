"""CSV files fuzzed through ``services.bulk_import.plan_file`` (what ``import`` and the
window's import both use): random cells, delimiters, quoting, line endings and BOMs.

The promise: either ``ImportFileError`` naming the file, or a plan in which every row is
counted once, every rejected row has its line and a reason, and every good row is a body
the checker passed.
"""

from __future__ import annotations

import codecs
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from regal_desktop.domain.import_rows import FIELDS
from regal_desktop.services.bulk_import import ImportFileError, plan_file

FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Cell values that mean something to the importer, and text that troubles CSV readers.
MEANINGFUL = [
    "+19545582399", "(954) 558-2399", "954558", "jane@example.com", "JANE@EXAMPLE.COM",
    "not-an-email", "yes", "no", "true", "1", "0", "maybe", "2026-11-25T14:03:07-05:00",
    "2026-13-45", "mobile", "Zoë", "123", "",
]  # fmt: skip
TROUBLE = ['"', '""', ",", ";", "\n", "\r\n", "\r", "\x00", "\ufeff", " ", "\t", "\u202e"]

cells = (
    st.sampled_from(MEANINGFUL)
    | st.sampled_from(MEANINGFUL)
    | st.lists(st.sampled_from(TROUBLE) | st.characters(codec="utf-8"), max_size=8).map("".join)
)


def _spell(cell: str, style: str) -> str:
    """A cell as a person's spreadsheet (or a broken script) might write it."""
    if style == "quoted":
        return '"' + cell.replace('"', '""') + '"'
    if style == "half-quoted":
        return '"' + cell
    return cell


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV file: a header of importer fields (and maybe strangers), then random rows."""
    delimiter = draw(st.sampled_from([",", ";"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    header = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=6, unique=True))
    if draw(st.integers(0, 5)) == 0:  # now and then a column the importer does not know
        header.append(draw(st.sampled_from(["Phone Number", "Notes", "", "E-mail"])))
    lines = [delimiter.join(header)]
    for _ in range(draw(st.integers(0, 8))):
        width = draw(st.integers(0, len(header) + 1))
        row = [
            _spell(draw(cells), draw(st.sampled_from(["plain", "plain", "quoted", "half-quoted"])))
            for _ in range(width)
        ]
        lines.append(delimiter.join(row))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    data = text.encode("utf-8", errors="surrogatepass")
    return (codecs.BOM_UTF8 if draw(st.booleans()) else b"") + data


def _plan(data: bytes) -> None:
    """Plan ``data`` as a CSV file and assert the importer's promises."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.csv"
        path.write_bytes(data)
        try:
            plan = plan_file(path)
        except ImportFileError as exc:
            assert str(path) in str(exc), f"the message does not name the file: {exc}"
            event("file refused")
            return
    event("some rows rejected" if plan.rejected else "no row rejected")
    event("some rows good" if plan.good else "no good row")
    lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1
    assert plan.rows == len(plan.good) + len(plan.rejected) + plan.skipped
    for rejected in plan.rejected:
        assert 2 <= rejected.line <= lines, f"line {rejected.line} is not in the file"
        assert rejected.reason.strip(), f"line {rejected.line} was rejected without a reason"
    for good in plan.good:
        assert 2 <= good.line <= lines
        assert isinstance(json.loads(good.compact), dict)


@FUZZ
@given(csv_files())
def test_a_generated_csv_file_is_planned_without_crashing(data: bytes) -> None:
    _plan(data)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_as_csv_are_refused_or_planned(data: bytes) -> None:
    _plan(data)
