"""Writing drafts safely, the autosaved draft, and the recent-files list."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from regal_desktop.services.text_files import FileWriteError
from regal_desktop.services.text_files import write_atomically as write_text

_RECENT_KEY = "recentFiles"
_RECENT_LIMIT = 8


class DraftFileError(Exception):
    """A draft could not be written; the message names the file and the reason."""


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a crash leaves either the old file or the new one.

    Raises DraftFileError naming the file when the folder is missing, full or read-only.
    """
    try:
        write_text(path, text)
    except FileWriteError as exc:
        raise DraftFileError(f"Cannot save {path}: {exc.reason}") from exc


class Autosave:
    """The contact being edited, saved every few seconds so a crash loses little."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "autosave.json"

    def save(
        self,
        raw: dict[str, Any],
        source: Path | None,
        now: datetime,
        evidence: dict[str, Any] | None = None,
    ) -> None:
        """Keep ``raw`` (and the file it came from) until :meth:`clear`, with the consent
        evidence the body does not carry (``editor.evidence.draft_evidence``)."""
        record: dict[str, Any] = {
            "savedAt": now.replace(microsecond=0).isoformat(),
            "source": str(source) if source else None,
            "payload": raw,
        }
        if evidence:
            record["evidence"] = evidence
        write_atomically(self.path, json.dumps(record, indent=2, ensure_ascii=False))

    def load(self) -> tuple[dict[str, Any], Path | None, str] | None:
        """(payload, source file, when) of the autosaved draft; None if none is usable."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or not isinstance(record.get("payload"), dict):
            return None
        source = record.get("source")
        # A damaged file may name no file at all: the draft is still worth offering.
        where = Path(source) if isinstance(source, str) and source else None
        return record["payload"], where, str(record.get("savedAt") or "an unknown time")

    def evidence(self) -> dict[str, Any]:
        """The consent evidence kept with the autosaved draft ({} for none, for a draft
        saved before evidence was kept, or for a damaged file)."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        saved = record.get("evidence") if isinstance(record, dict) else None
        return saved if isinstance(saved, dict) else {}

    def clear(self) -> None:
        """Forget the autosaved draft (after a save, a discard or a clean exit)."""
        self.path.unlink(missing_ok=True)


class RecentFiles:
    """The files opened or saved lately, newest first, kept in the window settings."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def paths(self) -> list[Path]:
        """The recent files that still exist."""
        value = self._settings.value(_RECENT_KEY, [])
        # QSettings gives a str for a one-item list read back from an INI file.
        names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [Path(name) for name in names if Path(name).is_file()]

    def add(self, path: Path) -> None:
        """Put ``path`` first."""
        names = [str(path.resolve())]
        names += [str(p) for p in self.paths() if str(p) != names[0]]
        self._settings.setValue(_RECENT_KEY, names[:_RECENT_LIMIT])

    def clear(self) -> None:
        """Forget every recent file."""
        self._settings.remove(_RECENT_KEY)
