"""Import a CSV file of contacts or consent changes: choose, map, preview, then send.

The wizard only gathers choices and shows results: ``services.bulk_import`` reads and
checks the rows, ``services.sending.queue`` puts the good ones in the outbox in one
transaction, and the window's ``SendController`` delivers them. Nothing is queued
before the user presses "Send" on the preview page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from regal_desktop.context import AppContext
from regal_desktop.domain.import_rows import ColumnMapping
from regal_desktop.services.bulk_import import ImportFileError, peek_header
from regal_desktop.ui.csv_import.mapping import MappingPage
from regal_desktop.ui.csv_import.preview import PreviewPage
from regal_desktop.ui.csv_import.send import SendPage
from regal_desktop.ui.csv_import.state import ImportState, error_label
from regal_desktop.ui.outbox.controller import SendController
from regal_desktop.ui.shell.dialogs import Dialogs


class FilePage(QWizardPage):
    """Step 1: which CSV file."""

    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle("Choose a CSV file")
        self.setSubTitle(
            "UTF-8 text, comma or semicolon separated, with a header line naming the columns "
            "(for example phone, smsOptIn, optInText). Nothing is sent until you confirm."
        )
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPathEdit")
        self.path_edit.setAccessibleName("CSV file")
        self.path_edit.setPlaceholderText("/path/to/contacts.csv")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setObjectName("importBrowseButton")
        self.browse_button.clicked.connect(self.browse)
        self.error = error_label("importFileError")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.path_edit.textChanged.connect(self.completeChanged)
        self.path_edit.textChanged.connect(self.error.clear)

    def browse(self) -> None:
        """Ask for the file."""
        folder = self.state.path.parent if self.state.path else Path.home()
        chosen = self.state.dialogs.ask_import_path(self, folder)
        if chosen is not None:
            self.path_edit.setText(str(chosen))

    def isComplete(self) -> bool:
        return bool(self.path_edit.text().strip())

    def validatePage(self) -> bool:
        path = Path(self.path_edit.text().strip()).expanduser()
        try:
            header = peek_header(path)
        except ImportFileError as exc:
            self.error.setText(str(exc))
            return False
        if path != self.state.path:
            self.state.mapping = ColumnMapping()  # a new file's columns start from scratch
        self.state.path, self.state.header = path, header
        return True


class ImportWizard(QWizard):
    """The four steps; ``state`` holds what they decided."""

    def __init__(
        self,
        app: AppContext,
        dialogs: Dialogs,
        sending: SendController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Import CSV — Regal Desktop")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.state = ImportState(app, dialogs, sending)
        self.file_page = FilePage(self.state)
        self.mapping_page = MappingPage(self.state)
        self.preview_page = PreviewPage(self.state)
        self.send_page = SendPage(self.state)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.send_page):
            self.addPage(page)
        self.resize(900, 640)

    def done(self, result: int) -> None:
        # A plan still being read is abandoned; a send in progress goes on in the outbox.
        self.preview_page.stop_planning()
        super().done(result)
