"""Bulk import: read a CSV file, turn every row into a checked payload, and report.

``plan_file`` reads the whole file and returns an ``ImportPlan``: the good rows (ready to
queue or write as JSON lines), the rejected rows with their line and reason, and the
counts. Nothing is sent here; the window and the command line decide what to do with
the plan. Every row is checked by the same ``check`` as a single payload.

Line numbers are physical lines of the file, where the row starts (a quoted cell may hold
line breaks), so a person can find the row in a text editor.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, overload

from regal_desktop.domain.check import Checked, check
from regal_desktop.domain.consent import consent_changes
from regal_desktop.domain.finding_words import finding_words
from regal_desktop.domain.findings import Finding, Level
from regal_desktop.domain.import_rows import (
    REJECTED_COLUMNS,
    ColumnMapping,
    Columns,
    MappingError,
    is_empty,
    read_header,
    row_payload,
)
from regal_desktop.domain.spreadsheet import formula_restored
from regal_desktop.services.checking import Lookup, known_profile
from regal_desktop.services.csv_output import csv_writer
from regal_desktop.services.evidence import export_output
from regal_desktop.services.routes import findings_for_route
from regal_desktop.services.sending import Prepared
from regal_desktop.services.text_files import UnreadableFileError, read_utf8
from regal_desktop.store.requests import ChangeNote
from regal_desktop.store.settings import IMPORT_MAPPINGS, SettingError, Settings

if TYPE_CHECKING:
    from _csv import Reader  # the type of csv.reader(...); named only in the stubs

#: How often (in rows) ``on_progress`` is called.
_PROGRESS_EVERY = 500
#: The most columns a header may have: a CRM export has tens; a million took a minute and
#: a line of output per column.
MAX_COLUMNS = 1_000
#: How many columns a header problem names one by one before counting the rest.
_NAMED_PROBLEMS = 10


class ImportFileError(Exception):
    """The file cannot be imported at all; ``str()`` names the file and the reason."""


class HeaderError(ImportFileError):
    """The header names columns that are not fields and not mapped (or names one twice)."""


@dataclass(frozen=True)
class GoodRow:
    """A row that can be sent: its line and its body as compact JSON, with its warnings.

    The body is kept as text, not as objects: a plan of 100,000 rows stays small.
    """

    line: int
    compact: str
    warnings: tuple[Finding, ...]
    #: How and when the row's opt-outs were received (its optOutMethod and receivedAt).
    method: str | None = None
    received_at: str | None = None

    def notes(self) -> dict[tuple[str, str], ChangeNote]:
        """The row's opt-out evidence for each opt-out it sends (``NewRequest.notes``)."""
        if self.method is None and self.received_at is None:
            return {}
        note = ChangeNote(method=self.method, received_at=self.received_at)
        return {
            (change.point, change.channel.value): note
            for change in consent_changes(self.body)
            if not change.subscribed
        }

    @property
    def body(self) -> dict[str, Any]:
        """The body to send, as parsed JSON."""
        parsed: dict[str, Any] = json.loads(self.compact)
        return parsed

    @property
    def checked(self) -> Checked:
        """The row as the checker saw it (its ``text`` is exactly the text to send)."""
        return Checked(self.body, self.warnings)


@dataclass(frozen=True)
class RejectedRow:
    """A row that cannot be sent: where it starts, its cells as read, and why."""

    line: int
    cells: tuple[str, ...]
    reason: str


#: Quoted values and numbers in a warning: what differs between warnings of one kind.
_VALUES = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s"]+@[^\s"]+|\+?\d[\d ().-]*\d|\d')


@dataclass
class WarningKind:
    """Warnings that say the same thing about different rows: how many, and where."""

    #: The message with its values left out (``… will be sent as …``).
    text: str
    #: The first warning of the kind in full, in the user's words (no JSON path).
    example: str
    count: int = 0
    #: The lines of the first few rows with this warning.
    lines: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        where = ", ".join(str(line) for line in self.lines)
        more = ", …" if self.count > len(self.lines) else ""
        word = "line" if len(self.lines) == 1 and not more else "lines"
        return f"{self.count:,} × {self.example} ({word} {where}{more})"


@dataclass
class ImportPlan:
    """What a CSV file holds, row by row, before anything is sent."""

    source: str
    header: tuple[str, ...]
    delimiter: str
    bom: bool
    #: What the user should know about the columns (ignored ones, unused mappings).
    notices: tuple[str, ...]
    good: list[GoodRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    #: Rows read after the header, empty ones included.
    rows: int = 0
    #: Rows without any text, not sent and not rejected.
    skipped: int = 0
    #: Consent changes (opt-ins and opt-outs) the good rows carry, counted while planning.
    consent_changes: int = 0
    #: The route the rows were checked for (``services.routes``): ``regal`` or ``segment``.
    route: str = "regal"

    @property
    def warnings(self) -> int:
        """How many good rows carry at least one warning."""
        return sum(1 for row in self.good if row.warnings)

    def warning_kinds(self, examples: int = 3) -> list[WarningKind]:
        """The distinct warnings of the good rows, most frequent first.

        Warnings that differ only in the values they quote or the numbers they name
        (``"(515) 555-2355" will be sent as +15155552355``) are one kind.
        """
        kinds: dict[str, WarningKind] = {}
        for row in self.good:
            for finding in row.warnings:
                key = _VALUES.sub("…", finding.message)
                kind = kinds.get(key)
                if kind is None:
                    kind = kinds[key] = WarningKind(key, finding_words(finding))
                kind.count += 1
                if len(kind.lines) < examples and row.line not in kind.lines:
                    kind.lines.append(row.line)
        return sorted(kinds.values(), key=lambda kind: -kind.count)

    def prepared(self) -> Sequence[Prepared]:
        """The good rows, ready for ``services.sending.queue`` (origin ``FILE:LINE``).

        Each is parsed when it is read, not all at once: a parsed body is several times
        the size of its text, and ``queue`` only needs one at a time.
        """
        return _PreparedRows(self.source, self.good)

    def summary(self) -> str:
        """One line of counts, e.g. ``10 rows: 7 good (2 with warnings), 2 rejected, ...``."""
        rows = f"{self.rows} row" + ("" if self.rows == 1 else "s")
        return (
            f"{rows}: {len(self.good)} good ({self.warnings} with warnings), "
            f"{len(self.rejected)} rejected, {self.skipped} empty (skipped)"
        )


class _PreparedRows(Sequence[Prepared]):
    """The good rows of a plan as ``Prepared`` payloads, built as they are read."""

    def __init__(self, source: str, rows: list[GoodRow]) -> None:
        self._source = source
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Prepared: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Prepared]: ...
    def __getitem__(self, index: int | slice) -> Prepared | Sequence[Prepared]:
        if isinstance(index, slice):
            return _PreparedRows(self._source, self._rows[index])
        row = self._rows[index]
        return Prepared(f"{self._source}:{row.line}", row.checked, row.notes())


def _read(path: Path) -> bytes:
    """The file's bytes, once they are known to be UTF-8 text that is not blank."""
    try:
        # Decoded once to find a bad byte's line; rows are read from the bytes later,
        # a chunk at a time, so the whole text never sits in memory as one big string.
        data, text = read_utf8(path, "a CSV file", "save the file as CSV UTF-8")
    except UnreadableFileError as exc:
        raise ImportFileError(str(exc)) from None
    if not text.strip():
        raise ImportFileError(f"{path}: is empty; it needs a header line naming the columns")
    return data


def _text(data: bytes) -> io.TextIOWrapper:
    """The file's text as the csv module wants it: no BOM, line endings left alone."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


def _delimiter(first_line: str) -> str:
    """Comma or semicolon: whichever splits the header line into more columns."""
    try:
        commas = next(csv.reader([first_line], delimiter=","), [])
        semicolons = next(csv.reader([first_line], delimiter=";"), [])
    except csv.Error:
        return ","  # the header's own problem is reported when it is read as a row
    return ";" if len(semicolons) > len(commas) else ","


def _csv_problem(exc: csv.Error, first: int, last: int) -> str:
    """A csv module error in words, for the row starting on line ``first``."""
    message = str(exc)
    if "unexpected end of data" in message:
        return (
            f'a quoted cell starting on line {first} is never closed (a " is missing); '
            f"lines {first}-{last} were read as one row"
        )
    if "expected after" in message:
        return 'a quote (") inside a quoted cell must be written twice ("")'
    if "NUL" in message:
        return "the row contains a NUL byte; is this a text CSV file?"
    if "field larger than field limit" in message:
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters; probably a "
            'quote (") that is never closed'
        )
    return f"the row cannot be read as CSV: {message}"


class _Lines:
    """The physical lines of the file, split the way the csv reader counts them."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._lines: list[str] | None = None

    def between(self, first: int, last: int) -> str:
        """Lines ``first`` to ``last`` (1-based, inclusive) without their final newline."""
        if self._lines is None:
            self._lines = _text(self._data).readlines()
        return "".join(self._lines[first - 1 : last]).rstrip("\r\n")


def _open(path: Path, data: bytes) -> tuple[str, Reader, list[str]]:
    """The delimiter, a csv reader past the header, and the header's column names."""
    first_line = _text(data).readline().rstrip("\r\n")
    if not first_line.strip():
        raise ImportFileError(f"{path}:1: no header: the first line must name the columns")
    delimiter = _delimiter(first_line)
    reader = csv.reader(_text(data), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        problem = _csv_problem(exc, 1, 1)
        raise ImportFileError(f"{path}:1: the header cannot be read: {problem}") from None
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(
            f"{path}:1: the header has {len(header):,} columns; an import reads at most "
            f"{MAX_COLUMNS:,} (remove the columns you do not need)"
        )
    return delimiter, reader, [formula_restored(name) for name in header]


def peek_header(path: Path) -> tuple[str, ...]:
    """The column names of the CSV file at ``path``, for choosing a mapping before planning.

    Raises ``ImportFileError`` like ``plan_file``. ``domain.import_rows.nearest_field``
    suggests a field for each name.
    """
    return tuple(_open(path, _read(path))[2])


def plan_file(
    path: Path,
    mapping: ColumnMapping | None = None,
    *,
    checker: Callable[[dict[str, Any]], Checked] | None = None,
    region: str = "US",
    lookup: Lookup | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    restate: bool = False,
    route: str = "regal",
) -> ImportPlan:
    """Read and check every row of the CSV file at ``path``.

    Each payload is checked with ``check`` in ``region`` and, when a finding depends on
    the contact's known profile, again with the one ``lookup`` finds in the directory
    (``services.checking.check_known``). A big file is checked by ``workers`` processes
    (default: one per core) a chunk at a time, a few chunks ahead, in row order; the
    directory is read in this process. ``checker``, if given, replaces all that with one
    function called here on every payload. ``on_progress(line, lines)`` is called every
    few hundred rows with the physical line reached and the file's line count; to stop
    early (a Cancel button), raise from it: the exception propagates and no plan is
    returned. A consent object equal to what the directory knows is left out of the
    row's body unless ``restate`` (``domain.check.check``). With ``route`` ``segment``
    (the account the rows go to is a Segment one, ``services.routes.route_of``) each row
    must also pass that route's checks: a row the destination would ignore is rejected
    with the finding in words, and its warnings join the row's. Raises ``ImportFileError``
    when the file cannot be read, is empty, or its header cannot be used
    (``HeaderError``: a column is neither a field nor mapped).
    """
    data = _read(path)
    delimiter, reader, header = _open(path, data)
    try:
        columns = read_header(header, mapping or ColumnMapping())
    except MappingError as exc:
        named = list(exc.problems[:_NAMED_PROBLEMS])
        if len(exc.problems) > _NAMED_PROBLEMS:
            rest = len(exc.problems) - _NAMED_PROBLEMS
            named.append(f"... and {rest:,} more problems with the header")
        raise HeaderError("\n".join(f"{path}: {p}" for p in named)) from None
    bom = data.startswith(codecs.BOM_UTF8)
    plan = ImportPlan(str(path), tuple(header), delimiter, bom, columns.notices, route=route)
    total = data.count(b"\n") + (not data.endswith(b"\n"))
    chunks = _chunks(reader, _Lines(data))
    job = _Job(columns, region, lookup is not None, restate, route)
    if workers is None:
        workers = min(os.cpu_count() or 1, _MAX_WORKERS) if total >= _PARALLEL_FROM else 1
    outcomes: Generator[_Outcome, None, None]
    if checker is not None:
        outcomes = (_checked_with(checker, job, row) for chunk in chunks for row in chunk)
    elif workers > 1:
        outcomes = _in_workers(job, chunks, workers)
    else:
        outcomes = (outcome for chunk in chunks for outcome in _plan_chunk(job, chunk))
    try:
        for outcome in outcomes:
            plan.rows += 1
            _add(plan, outcome, job, lookup)
            if on_progress is not None and plan.rows % _PROGRESS_EVERY == 0:
                on_progress(_line_of(outcome), total)
    finally:
        outcomes.close()  # stopped early: the workers stop now, not when collected
    if on_progress is not None:
        on_progress(total, total)
    return plan


#: Rows read together and checked by one worker process at a time.
_CHUNK_ROWS = 2_000
#: Files of fewer lines are checked in this process: starting workers costs about 0.5 s.
_PARALLEL_FROM = 20_000
#: At most this many worker processes; each keeps two chunks waiting, so memory is bounded.
_MAX_WORKERS = 4

#: One row as read: its line and its cells, or its line, its text and why it is unreadable.
_Read = tuple[int, list[str]] | tuple[int, str, str]


@dataclass(frozen=True)
class _Job:
    """What a worker needs to check rows: picklable, no directory."""

    columns: Columns
    region: str
    ask_known: bool
    restate: bool = False
    route: str = "regal"


@dataclass(frozen=True)
class _Recheck:
    """A row whose check asked about the contact's known profile: the directory decides."""

    line: int
    cells: tuple[str, ...]
    raw: dict[str, Any]
    problems: tuple[str, ...]
    notes: tuple[Finding, ...]
    checked: Checked
    evidence: tuple[str | None, str | None] = (None, None)


#: A row's outcome: its line when empty, a good row with its consent changes, a rejected
#: row, or a row to check again with the directory's profile.
_Outcome = int | tuple[GoodRow, int] | RejectedRow | _Recheck


def _chunks(reader: Reader, lines: _Lines) -> Iterator[list[_Read]]:
    """The rows after the header, ``_CHUNK_ROWS`` at a time."""
    chunk: list[_Read] = []
    while True:
        first = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raw = lines.between(first, reader.line_num)
            chunk.append((first, raw, _csv_problem(exc, first, reader.line_num)))
        else:
            # A quote the product put in front of a formula-like cell is not its text.
            chunk.append((first, [formula_restored(cell) for cell in cells]))
        if len(chunk) >= _CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in_workers(
    job: _Job, chunks: Iterator[list[_Read]], workers: int
) -> Generator[_Outcome, None, None]:
    """The outcomes of every chunk, checked in ``workers`` processes, in row order."""
    # Spawned, not forked: the window plans on a thread, and forking a process with
    # threads can copy a held lock into the child.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context)
    try:
        waiting: deque[Future[list[_Outcome]]] = deque()
        for chunk in chunks:
            waiting.append(pool.submit(_plan_chunk, job, chunk))
            if len(waiting) >= 2 * workers:
                yield from waiting.popleft().result()
        while waiting:
            yield from waiting.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _plan_chunk(job: _Job, chunk: list[_Read]) -> list[_Outcome]:
    """The outcome of every row of ``chunk`` (run in a worker process, or here)."""
    return [_plan_row(job, read) for read in chunk]


def _line_of(outcome: _Outcome) -> int:
    if isinstance(outcome, int):
        return outcome
    return outcome[0].line if isinstance(outcome, tuple) else outcome.line


def _plan_row(job: _Job, read: _Read) -> _Outcome:
    """One row as empty, rejected, good, or to check again with the directory."""
    if len(read) == 3:
        return RejectedRow(read[0], (read[1],), read[2])
    line, cells = read
    if is_empty(cells):
        return line
    row = row_payload(cells, job.columns)
    # Checked even when a cell was unreadable, so the reason lists every problem at once.
    checked = check(row.raw, region=job.region, restate=job.restate)
    evidence = (row.method, row.received_at)
    if job.ask_known and checked.asked_known:
        return _Recheck(line, tuple(cells), row.raw, row.problems, row.notes, checked, evidence)
    return _outcome(line, cells, row.problems, row.notes, checked, evidence, job.route)


def _checked_with(checker: Callable[[dict[str, Any]], Checked], job: _Job, read: _Read) -> _Outcome:
    """``_plan_row`` with a checker of the caller's."""
    if len(read) == 3:
        return RejectedRow(read[0], (read[1],), read[2])
    line, cells = read
    if is_empty(cells):
        return line
    row = row_payload(cells, job.columns)
    evidence = (row.method, row.received_at)
    return _outcome(line, cells, row.problems, row.notes, checker(row.raw), evidence, job.route)


def _outcome(
    line: int,
    cells: Sequence[str],
    problems: tuple[str, ...],
    notes: tuple[Finding, ...],
    checked: Checked,
    evidence: tuple[str | None, str | None] = (None, None),
    route: str = "regal",
) -> _Outcome:
    # The route's findings (a Segment account's) on the body as it would be sent.
    routed = findings_for_route(route, checked)
    refused = [finding_words(f) for f in routed if f.level is Level.ERROR]
    if problems or not checked.sendable or refused:
        reasons = [*problems, *(f"{f.path}: {f.message}" for f in checked.errors), *refused]
        return RejectedRow(line, tuple(cells), "; ".join(reasons))
    compact = json.dumps(checked.body, ensure_ascii=False)
    warned = tuple(f for f in routed if f.level is Level.WARNING)
    good = GoodRow(line, compact, notes + checked.warnings + warned, *evidence)
    return good, len(consent_changes(checked.body))


def _add(plan: ImportPlan, outcome: _Outcome, job: _Job, lookup: Lookup | None) -> None:
    """Add one row's outcome to the plan (checking it with the directory if it asked)."""
    if isinstance(outcome, _Recheck):
        assert lookup is not None  # asked only when there is a directory
        checked = outcome.checked
        known = known_profile(checked.body, lookup)
        if known is not None:
            checked = check(outcome.raw, region=job.region, known=known, restate=job.restate)
        outcome = _outcome(
            outcome.line,
            outcome.cells,
            outcome.problems,
            outcome.notes,
            checked,
            outcome.evidence,
            job.route,
        )
    if isinstance(outcome, int):
        plan.skipped += 1
    elif isinstance(outcome, RejectedRow):
        plan.rejected.append(outcome)
    elif isinstance(outcome, tuple):
        good, changes = outcome
        plan.good.append(good)
        plan.consent_changes += changes


def write_rejected_to(plan: ImportPlan, stream: TextIO) -> int:
    """Write the rejected rows as CSV (header, ``line`` and ``reason``); returns how many.

    The original columns keep their names and order, so the file imports again once the
    rows are fixed (``line`` and ``reason`` are ignored on import). A file that already
    has those columns (a rejected-rows file imported again) keeps its shape. Cells that
    would run as a spreadsheet formula get a quote in front, which the import takes off
    again (``domain.spreadsheet``), so the file imports exactly as it was read.
    """
    header = list(plan.header)
    added = [name for name in REJECTED_COLUMNS if name not in header]
    out_header = added + header
    where = {name: out_header.index(name) for name in REJECTED_COLUMNS}
    writer = csv_writer(stream, delimiter=plan.delimiter)
    writer.writerow(out_header)
    needed = max(where.values()) + 1
    for row in plan.rejected:
        # Not padded to the header's width: a row with missing cells must stay rejected
        # until someone looks at it, not become good because the gaps read as empty.
        cells = [""] * len(added) + list(row.cells)
        cells += [""] * (needed - len(cells))
        cells[where["line"]] = str(row.line)
        cells[where["reason"]] = row.reason
        writer.writerow(cells)
    return len(plan.rejected)


def write_rejected(plan: ImportPlan, path: Path) -> int:
    """Write the rejected rows to ``path`` atomically, in the source's encoding style."""
    with export_output(path, encoding="utf-8-sig" if plan.bom else "utf-8") as stream:
        return write_rejected_to(plan, stream)


def write_jsonl_to(plan: ImportPlan, stream: TextIO) -> int:
    """Write one compact body per good row; returns how many."""
    for row in plan.good:
        stream.write(row.compact + "\n")
    return len(plan.good)


def write_jsonl(plan: ImportPlan, path: Path) -> int:
    """Write the good rows' bodies to ``path`` atomically as JSON lines."""
    with export_output(path) as stream:
        return write_jsonl_to(plan, stream)


def saved_mappings(settings: Settings) -> dict[str, ColumnMapping]:
    """Every mapping saved by name; MappingError if one was damaged."""
    try:
        saved = settings.load(IMPORT_MAPPINGS)
    except SettingError as exc:
        raise MappingError(str(exc)) from None
    return {name: ColumnMapping.from_setting(value, name) for name, value in saved.items()}


def load_mapping(settings: Settings, name: str) -> ColumnMapping:
    """The mapping saved as ``name``; MappingError naming the saved ones if there is none."""
    saved = saved_mappings(settings)
    if name not in saved:
        known = ", ".join(sorted(saved)) or "none yet"
        raise MappingError(f"no saved mapping called {name!r} (saved: {known})")
    return saved[name]


def save_mapping(settings: Settings, name: str, mapping: ColumnMapping) -> None:
    """Save ``mapping`` as ``name``, replacing one of the same name."""
    if not name.strip():
        raise MappingError("a saved mapping needs a name")
    saved = settings.read(IMPORT_MAPPINGS)  # damaged as a whole: started again
    settings.write(IMPORT_MAPPINGS, {**saved, name: mapping.to_setting()})


__all__ = [
    "GoodRow",
    "HeaderError",
    "ImportFileError",
    "ImportPlan",
    "RejectedRow",
    "WarningKind",
    "load_mapping",
    "peek_header",
    "plan_file",
    "save_mapping",
    "saved_mappings",
    "write_jsonl",
    "write_jsonl_to",
    "write_rejected",
    "write_rejected_to",
]
