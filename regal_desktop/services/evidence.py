"""Writing exports: consent evidence from the history as CSV or JSON lines, atomically.

Every export is written through ``text_files.atomic_output``, so a failure (a full disk,
a bad filter, an interrupted run) never leaves a half-written export where a complete one
is expected.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from regal_desktop.services.csv_output import csv_writer
from regal_desktop.services.text_files import FileWriteError, atomic_output

#: The columns of an evidence export, in order (the keys ``History.evidence`` yields).
EVIDENCE_COLUMNS = (
    "point",
    "kind",
    "channel",
    "subscribed",
    "text",
    "ip",
    "timestamp",
    "source",
    "operator",
    "db_role",
    "profile",
    "endpoint",
    "queued_at",
    "accepted_at",
    "state",
    "request_id",
    "sha256",
    "change",
    "was",
    "reason",
    "proof",
    "method",
    "received_at",
    "template",
    "template_version",
    "route",
    "message_id",
    "batch",
)
FORMATS = ("csv", "jsonl")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class ExportError(Exception):
    """An export cannot be written; ``str()`` says where and why."""


def format_for(out: str, given: str | None) -> str:
    """The export format: ``given``, else from the suffix of ``out`` (``-`` means CSV)."""
    if given is not None:
        if given not in FORMATS:
            raise ExportError(f"unknown format {given!r}; use {' or '.join(FORMATS)}")
        return given
    if out == "-":
        return "csv"
    found = _SUFFIXES.get(Path(out).suffix.lower())
    if found is None:
        raise ExportError(
            f"{out}: cannot tell the format from the name; end it in .csv or .jsonl, "
            "or give --format"
        )
    return found


@contextlib.contextmanager
def export_output(path: Path, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """``text_files.atomic_output`` for an export: a failure is an ExportError."""
    try:
        with atomic_output(path, encoding=encoding) as stream:
            yield stream
    except FileWriteError as exc:
        raise ExportError(str(exc)) from None


def _cell(value: Any) -> str:
    """How a value reads in a CSV cell: true/false, empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_evidence(rows: Iterable[dict[str, Any]], stream: TextIO, fmt: str) -> int:
    """Write evidence rows to ``stream`` as ``csv`` or ``jsonl``; returns how many.

    CSV cells that would run as a spreadsheet formula get a quote in front
    (``services.csv_output``); JSON lines hold every value exactly.
    """
    count = 0
    if fmt == "csv":
        writer = csv_writer(stream)
        writer.writerow(EVIDENCE_COLUMNS)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in EVIDENCE_COLUMNS])
            count += 1
    else:
        for row in rows:
            record = {column: row.get(column) for column in EVIDENCE_COLUMNS}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def export_evidence(rows: Iterable[dict[str, Any]], path: Path, fmt: str) -> int:
    """Write evidence to ``path`` atomically; returns how many rows.

    A CSV file starts with a byte-order mark so spreadsheet programs read it as UTF-8.
    """
    with export_output(path, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as stream:
        return write_evidence(rows, stream, fmt)


__all__ = [
    "EVIDENCE_COLUMNS",
    "FORMATS",
    "ExportError",
    "export_evidence",
    "export_output",
    "format_for",
    "write_evidence",
]
