"""Formula-safe CSV cells (CWE-1236): what a spreadsheet would run gets a quote in front,
and reading takes it off again, so the product's own files import exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regal_desktop.domain.spreadsheet import FORMULA_STARTS, formula_restored, formula_safe

texts = st.text(st.sampled_from(["'", *FORMULA_STARTS, "a", "1", " ", '"', "\n"]) | st.characters())


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (
            '=HYPERLINK("https://evil.example","Click")',
            '\'=HYPERLINK("https://evil.example","Click")',
        ),
        ("+19545550123", "'+19545550123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("I agree = yes", "I agree = yes"),
        ("'quoted'", "'quoted'"),
        ("", ""),
    ],
)
def test_formula_starts_get_a_quote(cell: str, written: str) -> None:
    assert formula_safe(cell) == written
    assert formula_restored(written) == cell


@given(texts)
def test_round_trip_is_exact_and_nothing_written_runs(text: str) -> None:
    written = formula_safe(text)
    assert not written.startswith(FORMULA_STARTS)
    assert formula_restored(written) == text
