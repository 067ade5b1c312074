"""Reading payload files: ``.json`` (comments allowed) and ``.jsonl``/``.ndjson``.

Every problem names the file, and for JSON lines the line, so a person can find it.
JSON lines are read a line at a time (``iter_payloads``): a 200 MB file is checked and
sent in about the memory of a small one. One payload (a ``.json`` file, or a line) may be
at most ``MAX_PAYLOAD_BYTES``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regal_desktop.domain.jsonc import PayloadSyntaxError, loads
from regal_desktop.services.text_files import (
    LineTooLongError,
    UnreadableFileError,
    read_utf8,
    utf8_lines,
)

LINE_SUFFIXES = (".jsonl", ".ndjson")
#: The largest payload read: 16 MiB of JSON is a contact with about 100,000 phone numbers
#: and their consent, far more than a request to Regal should carry; a bigger one would
#: take gigabytes to check.
MAX_PAYLOAD_BYTES = 16 * 1024 * 1024
_TOO_BIG = f"a payload may be at most {MAX_PAYLOAD_BYTES // (1024 * 1024)} MB of JSON"


class PayloadFileError(Exception):
    """A payload file cannot be read or parsed; ``str()`` says where and why."""


@dataclass(frozen=True)
class LoadedPayload:
    """One parsed payload and where it came from (``file`` or ``file:line``)."""

    source: str
    raw: Any


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_utf8 says what is wrong with it
    if size > MAX_PAYLOAD_BYTES:
        raise PayloadFileError(
            f"{path}: is {size / (1024 * 1024):,.0f} MB; {_TOO_BIG} (many payloads go in "
            "a .jsonl file, one per line)"
        )
    try:
        return read_utf8(path, "a payload file")[1]
    except UnreadableFileError as exc:
        raise PayloadFileError(str(exc)) from None


def read_payloads(path: Path) -> list[LoadedPayload]:
    """All payloads in ``path``; raises PayloadFileError at the first unreadable one.

    For a few payloads (the window opens one); commands use ``iter_payloads``.
    """
    return list(iter_payloads(path))


def iter_payloads(path: Path) -> Iterator[LoadedPayload]:
    """Yield the payloads of a ``.json`` file (one) or a JSON-lines file (one per line,
    read as it is yielded); PayloadFileError at the first unreadable one."""
    if path.suffix.lower() not in LINE_SUFFIXES:
        text = _read_text(path)
        try:
            yield LoadedPayload(str(path), loads(text, str(path)))
        except PayloadSyntaxError as exc:
            raise PayloadFileError(str(exc)) from None
        return
    try:
        for number, line in utf8_lines(path, "a payload file", MAX_PAYLOAD_BYTES):
            if not line.strip():
                continue
            try:
                yield LoadedPayload(f"{path}:{number}", loads(line, str(path)))
            except PayloadSyntaxError as exc:
                raise PayloadFileError(f"{path}:{number}:{exc.column}: {exc.message}") from None
    except LineTooLongError as exc:
        raise PayloadFileError(f"{path}:{exc.line}: the line is too long; {_TOO_BIG}") from None
    except UnreadableFileError as exc:
        raise PayloadFileError(str(exc)) from None
