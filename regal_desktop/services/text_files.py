"""Reading a user's file as UTF-8 text, with a message that says where it went wrong."""

from __future__ import annotations

import codecs
from pathlib import Path


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
