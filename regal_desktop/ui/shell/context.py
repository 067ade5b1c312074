"""What one editor window works with: the application context plus window-only pieces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QSettings

from regal_desktop.context import AppContext
from regal_desktop.paths import AppPaths
from regal_desktop.services.clock import local_now
from regal_desktop.ui.shell.dialogs import Dialogs, ScreenDialogs


@dataclass
class WindowContext:
    """The application context (paths, store, accounts, keys) and the window's own needs.

    ``settings`` holds window state (geometry, recent files) in the config folder;
    ``dialogs`` ask every question (replaced in tests); ``clock`` is what "Now" reads.
    """

    app: AppContext
    settings: QSettings
    dialogs: Dialogs = field(default_factory=ScreenDialogs)
    clock: Callable[[], datetime] = local_now

    @property
    def paths(self) -> AppPaths:
        """The application's folders."""
        return self.app.paths

    @property
    def region(self) -> str:
        """Where numbers typed without a country code are assumed to be."""
        return self.app.region


def window_settings(paths: AppPaths) -> QSettings:
    """The INI file for window state, in the application's config folder."""
    return QSettings(str(paths.window_settings), QSettings.Format.IniFormat)
