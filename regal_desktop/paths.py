"""Where Regal Desktop keeps its files.

Everything lives in the platform's usual folders (``platformdirs``) unless the
environment variable ``REGAL_DESKTOP_HOME`` names one folder for data, config and logs,
as tests, scripts and portable installs want.

This module is on the path to the window's first paint: it imports nothing beyond the
standard library at module level (``platformdirs`` is loaded only when it is asked).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "regal-desktop"
HOME_VARIABLE = "REGAL_DESKTOP_HOME"
#: A ``postgresql://`` URL of the team's shared database (issue 12); unset: the SQLite file.
DATABASE_VARIABLE = "REGAL_DESKTOP_DATABASE"
_ADVICE = f"set {HOME_VARIABLE} to a folder you can write to"


class HomeError(Exception):
    """The application's folders cannot be created or written; ``str()`` is one line
    naming the folder, why, and what to do."""


def _file_in_the_way(folder: Path) -> Path | None:
    """The first part of ``folder`` that exists but is a file, or None."""
    for part in (*reversed(folder.parents), folder):
        if part.exists() and not part.is_dir():
            return part
    return None


@dataclass(frozen=True)
class AppPaths:
    """The three folders the application writes to."""

    data: Path
    config: Path
    logs: Path

    @property
    def database(self) -> Path:
        """The SQLite file with outbox, history, directory and settings."""
        return self.data / "regal-desktop.sqlite3"

    @property
    def database_setting(self) -> Path:
        """This desk's choice of team database: one line, a ``postgresql://`` URL without
        password (absent: the SQLite file)."""
        return self.config / "database.url"

    @property
    def window_settings(self) -> Path:
        """The INI file with the window's state (geometry, docks, recent files)."""
        return self.config / "window.ini"

    def ensure(self) -> AppPaths:
        """Create the folders (private to the user) and return self; HomeError when one
        cannot be created or the data folder cannot be written (a file in the way, a
        read-only disk, no permission)."""
        for folder in (self.data, self.config, self.logs):
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                blocker = _file_in_the_way(folder)
                reason = (
                    f"{blocker} is a file, not a folder"
                    if blocker is not None
                    else (exc.strerror or str(exc)).lower()
                )
                raise HomeError(f"{folder}: cannot be created: {reason}; {_ADVICE}") from None
        # The database, its journal and the exports need the data folder writable; a
        # read-only one would fail later, deep in SQLite, with a vaguer message.
        if not os.access(self.data, os.W_OK | os.X_OK):
            raise HomeError(f"{self.data}: cannot be written (read-only); {_ADVICE}")
        return self


def app_paths(environ: dict[str, str] | None = None) -> AppPaths:
    """The folders for this run: ``REGAL_DESKTOP_HOME`` when set, else the platform's."""
    env = os.environ if environ is None else environ
    home = env.get(HOME_VARIABLE)
    if home:
        root = Path(home).expanduser()
        return AppPaths(data=root / "data", config=root / "config", logs=root / "logs")
    import platformdirs

    return AppPaths(
        data=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def database_location(paths: AppPaths, environ: dict[str, str] | None = None) -> Path | str:
    """Where the store is: ``REGAL_DESKTOP_DATABASE``, else this desk's database setting
    (a ``postgresql://`` URL), else the SQLite file."""
    env = os.environ if environ is None else environ
    chosen = (env.get(DATABASE_VARIABLE) or "").strip()
    if not chosen:
        try:
            chosen = paths.database_setting.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            chosen = ""
    if chosen.startswith(("postgresql://", "postgres://")):
        return chosen
    return paths.database
