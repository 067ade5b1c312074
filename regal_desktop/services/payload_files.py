"""Reading payload files: ``.json`` (comments allowed) and ``.jsonl``/``.ndjson``.

Every problem names the file, and for JSON lines the line, so a person can find it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regal_desktop.domain.jsonc import PayloadSyntaxError, loads
from regal_desktop.services.text_files import UnreadableFileError, read_utf8

LINE_SUFFIXES = (".jsonl", ".ndjson")


class PayloadFileError(Exception):
    """A payload file cannot be read or parsed; ``str()`` says where and why."""


@dataclass(frozen=True)
class LoadedPayload:
    """One parsed payload and where it came from (``file`` or ``file:line``)."""

    source: str
    raw: Any


def _read_text(path: Path) -> str:
    try:
        return read_utf8(path, "a payload file")[1]
    except UnreadableFileError as exc:
        raise PayloadFileError(str(exc)) from None


def read_payloads(path: Path) -> list[LoadedPayload]:
    """All payloads in ``path``; raises PayloadFileError at the first unreadable one."""
    return list(iter_payloads(path))


def iter_payloads(path: Path) -> Iterator[LoadedPayload]:
    """Yield the payloads of a ``.json`` file (one) or a JSON-lines file (one per line)."""
    text = _read_text(path)
    if path.suffix.lower() not in LINE_SUFFIXES:
        try:
            yield LoadedPayload(str(path), loads(text, str(path)))
        except PayloadSyntaxError as exc:
            raise PayloadFileError(str(exc)) from None
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            yield LoadedPayload(source, loads(line, str(path)))
        except PayloadSyntaxError as exc:
            raise PayloadFileError(f"{path}:{number}:{exc.column}: {exc.message}") from None
