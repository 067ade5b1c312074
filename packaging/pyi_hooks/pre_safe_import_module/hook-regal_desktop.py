"""PyInstaller: find ``regal_desktop.resources`` where pyproject.toml maps it from.

pyproject.toml installs the top-level ``resources/`` folder as the package
``regal_desktop.resources`` (``package-dir``). The editable install does that with an
import hook PyInstaller's module graph cannot follow, so the repository root is added to
the package's search path here: ``regal_desktop.resources`` is then ``<root>/resources``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # PyInstaller ships no type information
    from PyInstaller.depend.imphookapi import (  # type: ignore[import-untyped]
        PreSafeImportModuleAPI,
    )

REPOSITORY = Path(__file__).resolve().parents[3]


def pre_safe_import_module(api: PreSafeImportModuleAPI) -> None:
    """Called by PyInstaller before it imports ``regal_desktop`` in its module graph."""
    api.append_package_path(str(REPOSITORY))
