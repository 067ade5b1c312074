"""A user's text files: read as UTF-8 with a message that says where it went wrong, and
written atomically.

A file is written to a temporary name beside its target and renamed over it only when
complete, so a failure (a full disk, an error while producing the text, an interrupted
run) never leaves a half-written file where a complete one is expected: the previous
file, if any, stays whole.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


class UnreadableFileError(Exception):
    """The file cannot be read as UTF-8 text; ``str()`` names the file (and line)."""


def _unreadable(path: Path, kind: str, exc: OSError) -> UnreadableFileError:
    """One line for a file that cannot be opened."""
    if isinstance(exc, FileNotFoundError):
        return UnreadableFileError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return UnreadableFileError(f"{path}: is a folder, not {kind}")
    return UnreadableFileError(f"{path}: cannot be read: {exc.strerror or exc}")


def read_utf8(path: Path, kind: str, advice: str = "") -> tuple[bytes, str]:
    """The file's bytes and its text (a leading BOM dropped).

    ``kind`` names what the file should be ("a payload file"), ``advice`` is added to an
    encoding problem ("save the file as CSV UTF-8").
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, kind, exc) from None
    tail = f"; {advice}" if advice else ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFileError(f"{path}: is UTF-16 text, not UTF-8{tail}")
    try:
        return data, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFileError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}){tail}"
        ) from None


class LineTooLongError(UnreadableFileError):
    """A line is longer than the reader takes; ``line`` is its number."""

    def __init__(self, path: Path, line: int, limit: int) -> None:
        super().__init__(f"{path}:{line}: the line is longer than {limit:,} bytes")
        self.path, self.line, self.limit = path, line, limit


def utf8_lines(path: Path, kind: str, max_line: int) -> Iterator[tuple[int, str]]:
    """The file's lines, numbered from 1, as UTF-8 text without their line break, read
    one at a time (a file of any size is never in memory as a whole).

    Lines end at ``\n`` (a ``\r`` before it is dropped); a leading BOM is dropped.
    Raises UnreadableFileError as ``read_utf8`` does, naming the line and the byte's
    offset in the file, and LineTooLongError for a line of more than ``max_line`` bytes.
    """
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise _unreadable(path, kind, exc) from None
    with stream:
        offset = 0
        number = 0
        while True:
            try:
                raw = stream.readline(max_line + 2)  # room for "\r\n" after a full line
            except OSError as exc:
                reason = exc.strerror or exc
                raise UnreadableFileError(f"{path}: cannot be read: {reason}") from None
            if not raw:
                return
            number += 1
            start = 0
            if number == 1:
                if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise UnreadableFileError(f"{path}: is UTF-16 text, not UTF-8")
                if raw.startswith(codecs.BOM_UTF8):
                    start = len(codecs.BOM_UTF8)
            body = raw.removesuffix(b"\n").removesuffix(b"\r")
            if len(body) > max_line or (not raw.endswith(b"\n") and len(raw) > max_line):
                raise LineTooLongError(path, number, max_line)
            try:
                text = body[start:].decode("utf-8")
            except UnicodeDecodeError as exc:
                at = offset + start + exc.start
                raise UnreadableFileError(
                    f"{path}:{number}: not UTF-8 text (byte 0x{body[start + exc.start]:02x} "
                    f"at offset {at})"
                ) from None
            offset += len(raw)
            yield number, text


class FileWriteError(Exception):
    """A file could not be written; ``str()`` is ``PATH: cannot be written: REASON``."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: cannot be written: {reason}")
        self.path = path
        self.reason = reason


@contextlib.contextmanager
def atomic_output(
    path: Path, *, encoding: str = "utf-8", newline: str | None = ""
) -> Iterator[TextIO]:
    """A text stream that becomes ``path`` only if the block finishes without an error.

    The text is flushed to disk before the rename. An ``OSError`` (while creating,
    writing or renaming, or raised by the block) becomes a FileWriteError; any other
    error is raised as is. Either way the temporary file is removed and ``path`` is as
    it was. ``newline=""`` writes line endings as given (what the csv module wants).
    """
    target = path.resolve()
    try:
        handle, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as exc:
        raise FileWriteError(path, exc.strerror or str(exc)) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise FileWriteError(path, exc.strerror or str(exc)) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` (``\\n`` line endings) so a crash leaves either the old
    file or the new one; FileWriteError naming the file when it cannot."""
    with atomic_output(path, encoding=encoding, newline="\n") as stream:
        stream.write(text)


__all__ = [
    "FileWriteError",
    "LineTooLongError",
    "UnreadableFileError",
    "atomic_output",
    "read_utf8",
    "utf8_lines",
    "write_atomically",
]
