"""Reading files of Regal's contact events: JSON (one event, an array or a Segment batch),
JSON lines, and CSV exports of the warehouse tables Segment writes.

``read_events(path)`` yields ``(line, event or EventError)`` for every event, so a bad one
is reported as ``FILE:LINE: reason`` and the rest are still read. A file that cannot be
read at all (missing, not UTF-8, not JSON and not CSV, JSON broken part way) raises
``EventFileError`` naming the file and, where known, the line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from regal_desktop.domain.regal_events import EventError, RegalEvent, events_in, parse_event

#: Columns a warehouse export names its event by; a CSV without one is not events.
_EVENT_COLUMNS = frozenset({"event", "event_text"})

Read = tuple[int, RegalEvent | EventError]


class EventFileError(Exception):
    """A file of events that cannot be read; the message names the file (and line)."""


def _parsed(line: int, obj: Any, region: str) -> Read:
    try:
        return line, parse_event(obj, region)
    except EventError as exc:
        return line, exc


def _json_error(path: Path, exc: json.JSONDecodeError) -> str:
    return f"{path}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})"


def _lines(path: Path, data: bytes) -> Iterator[tuple[int, str]]:
    """The lines of ``data`` as text, numbered from 1; ``EventFileError`` at the first
    line that is not UTF-8."""
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EventFileError(
                f"{path}:{number}: not UTF-8 text (byte {exc.start + 1} of the line)"
            ) from None


def _document(path: Path, text: str, region: str) -> Iterator[Read]:
    """A JSON document: an array (each element numbered by the line it starts on), one
    event, or a Segment batch (its events numbered by the line the batch starts on)."""
    start = _skip_space(text, 0)
    if text.startswith("[", start):
        yield from _array(path, text, start, region)
        return
    try:
        obj, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise EventFileError(_json_error(path, exc)) from None
    if _skip_space(text, end) < len(text):
        line = start_line(text, _skip_space(text, end))
        raise EventFileError(f"{path}:{line}: not valid JSON: more text after the event")
    line = start_line(text, start)
    if isinstance(obj, dict) and isinstance(obj.get("batch"), list):
        for index, element in enumerate(obj["batch"]):
            number, read = _parsed(line, element, region)
            if isinstance(read, EventError):
                read = EventError(f"batch[{index}]: {read.reason}")
            yield number, read
        return
    yield _parsed(line, obj, region)


def start_line(text: str, position: int) -> int:
    """The line number (from 1) of ``position`` in ``text``."""
    return text.count("\n", 0, position) + 1


def _array(path: Path, text: str, start: int, region: str) -> Iterator[Read]:
    """Each element of the top-level array with the line it starts on; a break in the
    JSON stops the file with ``EventFileError``."""
    decoder = json.JSONDecoder()
    position = start + 1
    length = len(text)
    line, counted = 1, 0
    while True:
        position = _skip_space(text, position)
        if position < length and text[position] == "]":
            break
        try:
            obj, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise EventFileError(
                _json_error(path, exc) + "; the events after it were not read"
            ) from None
        line += text.count("\n", counted, position)  # counted once: a 100,000-line file
        counted = position
        yield _parsed(line, obj, region)
        position = _skip_space(text, end)
        if position < length and text[position] == ",":
            position += 1
        elif position < length and text[position] == "]":
            break
        else:
            raise EventFileError(
                f"{path}:{start_line(text, position)}: not valid JSON: expected ',' or ']' "
                "after an event; the events after it were not read"
            )
    end = _skip_space(text, position + 1)
    if end < length:
        raise EventFileError(
            f"{path}:{start_line(text, end)}: not valid JSON: more text after the array"
        )


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _json_lines(path: Path, lines: Iterable[tuple[int, str]], region: str) -> Iterator[Read]:
    """One event per line; blank lines are skipped, a bad line is its own rejection."""
    for number, line in lines:
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            try:  # the standard library's words for what is wrong
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, EventError(f"not valid JSON: {exc.msg} (column {exc.colno})")
                continue
        if isinstance(obj, list) or (isinstance(obj, dict) and isinstance(obj.get("batch"), list)):
            for element in events_in(obj):
                yield _parsed(number, element, region)
        else:
            yield _parsed(number, obj, region)


def _csv_rows(path: Path, lines: Iterable[tuple[int, str]], region: str) -> Iterator[Read]:
    """A warehouse export: the header names the columns; each row (numbered by the line
    it starts on) is an event, with empty cells left out."""
    numbered = iter(lines)
    current = [0]

    def texts() -> Iterator[str]:
        for number, line in numbered:
            current[0] = number
            yield line + "\n"

    reader = csv.reader(texts())
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        raise EventFileError(f"{path}:1: the header cannot be read: {exc}") from None
    if not _EVENT_COLUMNS & set(header):
        raise EventFileError(
            f"{path}: not JSON, JSON lines or a CSV export of events: the header has no "
            "'event' or 'event_text' column"
        )
    while True:
        first = current[0] + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield first, EventError(f"the row cannot be read as CSV: {exc}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield first, EventError(f"{len(row)} cells but the header names {len(header)}")
            continue
        obj = {name: cell for name, cell in zip(header, row, strict=False) if cell.strip()}
        yield _parsed(first, obj, region)


def read_events(path: Path, region: str = "US") -> Iterator[Read]:
    """Every event of the file at ``path`` with its line number (for JSON arrays the
    line each element starts on), or the ``EventError`` saying why it cannot be taken.

    The format is found from the content: ``[`` starts a JSON array; ``{`` a JSON
    document or JSON lines (when its first line is an object of its own); anything else
    a CSV export with an ``event`` or ``event_text`` column. ``EventFileError`` when the
    file cannot be read.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EventFileError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        lines = list(_lines(path, data))
        if head == b"{" and _looks_like_lines(lines):
            yield from _json_lines(path, lines, region)
            return
        yield from _document(path, "\n".join(line for _, line in lines), region)
        return
    if not data.strip():
        return
    yield from _csv_rows(path, _lines(path, data), region)


def _looks_like_lines(lines: list[tuple[int, str]]) -> bool:
    """True when one of the first non-blank lines is a JSON object on its own (JSON
    lines, even when its first line is broken); a pretty-printed document has none."""
    firsts = [line for _, line in lines if line.strip()][:5]
    for line in firsts:
        try:
            if isinstance(json.loads(line), dict):
                return True
        except json.JSONDecodeError:
            continue
    return False


__all__ = ["EventFileError", "read_events", "start_line"]
