"""The contact directory: search as you type, open a contact, see its consent timeline.

``Directory.find`` does the matching (phone in any format, e-mail, userId, name words)
on indexes, so one search is a few milliseconds even with 100,000 contacts; typing
waits for a short pause so a burst of keys costs one search. A contact only Regal's
events mention is found too by its exact phone, e-mail or userId, marked "known from
Regal" (``services.known.find_contacts``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.domain.consent import format_point
from regal_desktop.services.known import KNOWN_FROM_REGAL, find_contacts, known_profile
from regal_desktop.store import ContactSummary, Store
from regal_desktop.ui.contacts.timeline import TimelineView
from regal_desktop.ui.shell.table_model import RowsModel, rows_view

COLUMNS = ("Name", "Primary", "userId", "Phones", "E-mails")
#: How many contacts one search shows: enough to pick from, few enough to draw at once.
LIMIT = 50
#: How many contacts the list shows before a search, and how many more "Show more" adds.
PAGE = 200
TYPING_PAUSE_MS = 150


class ContactListModel(RowsModel[ContactSummary]):
    """The contacts a search found, best match first."""

    columns = COLUMNS

    def cell(self, item: ContactSummary, column: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if item.from_regal and column == 0:
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Only Regal's events mention this contact; this desk never sent it"
            return f"({KNOWN_FROM_REGAL})"
        values = (
            item.name,
            format_point(item.display),
            item.user_id or "",
            _listed(item.phones, item.retired),
            _listed(item.emails, item.retired),
        )
        return values[column]


def _listed(points: tuple[str, ...], retired: frozenset[str]) -> str:
    """``+1 954-558-2399, +1 954-555-0100 (retired)``: a retired point says so in words."""
    return ", ".join(
        format_point(p) + (" (retired)" if p in retired or p.lower() in retired else "")
        for p in points
    )


class DirectoryView(QWidget):
    """Search box, results, Open in editor, and the chosen contact's consent timeline.

    ``open_contact`` receives the directory's profile of the chosen contact (the caller
    asks to save the editor's contact first).
    """

    def __init__(
        self,
        store: Store,
        open_contact: Callable[[dict[str, Any]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("directoryView")
        self.setWindowTitle("Contacts — Regal Desktop")
        self._store = store
        self._open_contact = open_contact

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("directorySearchEdit")
        self.search_edit.setAccessibleName("Search contacts")
        self.search_edit.setPlaceholderText("Search by phone (any format), e-mail, userId or name")
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("directoryCount")
        self.model = ContactListModel(self)
        self.table = rows_view(self.model, "directoryTable")
        self.table.setAccessibleName("Contacts")
        self.table.doubleClicked.connect(lambda _: self.open_selected())
        self.open_button = QPushButton("Open in editor")
        self.open_button.setObjectName("directoryOpenButton")
        self.open_button.setToolTip("Load this contact's profile into the editor")
        self.open_button.clicked.connect(self.open_selected)
        self.more_button = QPushButton("Show more")
        self.more_button.setObjectName("directoryMoreButton")
        self.more_button.setToolTip(f"List the next {PAGE} contacts")
        self.more_button.clicked.connect(self.show_more)
        self.timeline = TimelineView(store)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.open_button)
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addLayout(top)
        results_layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.more_button)
        results_layout.addLayout(bottom)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(results)
        splitter.addWidget(self.timeline)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.search)
        self.search_edit.textChanged.connect(self._typing.start)
        self.search_edit.returnPressed.connect(lambda: self.search())
        self.table.selectionModel().selectionChanged.connect(self._contact_chosen)
        self.model.modelReset.connect(self._contact_chosen)
        self.resize(1000, 640)
        self._listing = False
        self.search()

    def search(self, keep: int | None = None) -> None:
        """Find contacts for the text typed so far (with nothing typed, list the most
        recently changed); select contact ``keep`` if found, else the first."""
        self._typing.stop()
        text = self.search_edit.text()
        if text.strip():
            found = find_contacts(self._store, text, LIMIT)
        else:
            shown = max(self.model.rowCount(), PAGE) if self._listing else PAGE
            found = self._store.directory.recent(shown)
        self._listing = not text.strip()
        self._show(found, keep)

    def show_more(self) -> None:
        """List the next page of contacts (before a search)."""
        chosen = self.selected()
        shown = self.model.rowCount()
        found = self.model.rows() + self._store.directory.recent(PAGE, offset=shown)
        self._show(found, chosen.id if chosen else None)

    def _show(self, found: list[ContactSummary], keep: int | None) -> None:
        text = self.search_edit.text()
        self.model.set_rows(found)
        if found:
            ids = [contact.id for contact in found]
            row = ids.index(keep) if keep in ids else 0
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.selectionModel().select(self.model.index(row, 0), flags)
            self.table.resizeColumnsToContents()
        self.more_button.setVisible(False)
        if not text.strip():
            total = self._store.directory.count()
            self.more_button.setVisible(len(found) < total)
            listed = f"the {len(found):,} most recently changed" if len(found) < total else "all"
            self.count_label.setText(
                f"{total:,} contacts known to this desk ({listed} listed, most recent first). "
                "Type to search."
            )
        elif not found:
            self.count_label.setText(f"No contact matches “{text.strip()}”.")
        else:
            more = f" (the first {LIMIT}; type more to narrow)" if len(found) == LIMIT else ""
            self.count_label.setText(f"{len(found)} found{more}")

    def refresh(self) -> None:
        """Search again (after a delivery), keeping the chosen contact chosen."""
        chosen = self.selected()
        self.search(chosen.id if chosen else None)

    def selected(self) -> ContactSummary | None:
        """The contact selected in the results, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _contact_chosen(self) -> None:
        contact = self.selected()
        self.open_button.setEnabled(contact is not None)
        if contact is None:
            self.timeline.set_points((), ())
        else:
            self.timeline.set_points(contact.phones, contact.emails)

    def open_selected(self) -> bool:
        """Hand the selected contact's profile to ``open_contact``; False if none."""
        contact = self.selected()
        if contact is None:
            return False
        if contact.from_regal:  # what Regal's events say of it, as a profile
            profile = known_profile(self._store, contact.display)
        else:
            profile = self._store.directory.get(contact.display)
        if profile is None:
            return False
        self._open_contact(profile)
        return True
