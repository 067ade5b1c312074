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


def read_utf8(path: Path, kind: str, advice: str = "") -> tuple[bytes, str]:
    """The file's bytes and its text (a leading BOM dropped).

    ``kind`` names what the file should be ("a payload file"), ``advice`` is added to an
    encoding problem ("save the file as CSV UTF-8").
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableFileError(f"{path}: is a folder, not {kind}") from None
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot be read: {exc.strerror or exc}") from None
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
    "UnreadableFileError",
    "atomic_output",
    "read_utf8",
    "write_atomically",
]
