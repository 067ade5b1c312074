"""What the import wizard's pages share: the services and the choices made so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QLabel, QWidget

from regal_desktop.context import AppContext
from regal_desktop.domain.import_rows import ColumnMapping
from regal_desktop.services.accounts import Destination
from regal_desktop.services.bulk_import import ImportPlan, write_rejected
from regal_desktop.services.evidence import ExportError
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
    #: Where the rejected rows were saved last, if they were.
    rejected_path: Path | None = None


def save_rejected_rows(state: ImportState, parent: QWidget) -> Path | None:
    """Ask where, then write the plan's rejected rows with their line and reason.

    The check page and the last page share it; the path is kept in ``state``.
    """
    plan, source = state.plan, state.path
    if plan is None or source is None or not plan.rejected:
        return None
    suggested = source.with_name(f"{source.stem}-rejected.csv")
    path = state.dialogs.ask_rejected_path(parent, suggested)
    if path is None:
        return None
    try:
        write_rejected(plan, path)
    except ExportError as exc:
        state.dialogs.show_error(parent, "Cannot save the rejected rows", str(exc))
        return None
    state.rejected_path = path
    return path


def error_label(name: str) -> QLabel:
    """A red, wrapping label for what stops the user going on."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(error_style())
    return label
