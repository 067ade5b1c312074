"""What the import wizard's pages share: the services and the choices made so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QLabel

from regal_desktop.context import AppContext
from regal_desktop.domain.import_rows import ColumnMapping
from regal_desktop.services.accounts import Destination
from regal_desktop.services.bulk_import import ImportPlan
from regal_desktop.ui.outbox.controller import SendController
from regal_desktop.ui.shell.dialogs import Dialogs
from regal_desktop.ui.shell.style import error_style


@dataclass
class ImportState:
    """What the pages share: the services, and the choices made so far."""

    app: AppContext
    dialogs: Dialogs
    sending: SendController
    path: Path | None = None
    header: tuple[str, ...] = ()
    mapping: ColumnMapping = field(default_factory=ColumnMapping)
    plan: ImportPlan | None = None
    #: Set when the good rows are queued: where they go and their outbox ids.
    destination: Destination | None = None
    ids: list[int] = field(default_factory=list)


def error_label(name: str) -> QLabel:
    """A red, wrapping label for what stops the user going on."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(error_style())
    return label
