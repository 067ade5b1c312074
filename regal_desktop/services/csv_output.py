"""The one way the product writes CSV: every cell safe to open in a spreadsheet.

Evidence exports and rejected-rows files are opened by people in Excel, LibreOffice or
Google Sheets; a cell starting like a formula gets a quote in front
(``domain.spreadsheet.formula_safe``, CWE-1236). Nothing else in ``regal_desktop`` calls
``csv.writer`` (``tests/services/test_csv_output.py`` checks).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from regal_desktop.domain.spreadsheet import formula_safe


class SafeCsvWriter:
    """``csv.writer`` whose every cell passes through ``formula_safe``."""

    def __init__(self, stream: TextIO, delimiter: str = ",") -> None:
        self._writer = csv.writer(stream, delimiter=delimiter)

    def writerow(self, cells: Iterable[str]) -> None:
        """Write one row of text cells."""
        self._writer.writerow([formula_safe(cell) for cell in cells])


def csv_writer(stream: TextIO, delimiter: str = ",") -> SafeCsvWriter:
    """A writer of formula-safe CSV rows to ``stream`` (opened with ``newline=""``)."""
    return SafeCsvWriter(stream, delimiter)


__all__ = ["SafeCsvWriter", "csv_writer"]
