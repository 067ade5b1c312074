"""Step 2 of the import: which field each column fills, and values for empty fields.

Each header gets a field, "ignore" or a custom trait; the first guess is the field its
common name fills (``domain.column_names``: Mobile -> phone, "SMS consent" -> smsOptIn),
else ``nearest_field``'s suggestion (shown, never applied silently: the user sees every
combo before going on). A mapping can be saved by name and loaded for the next
file of the same shape. ``read_header`` checks the result before the rows are read.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from regal_desktop.domain.column_names import guess_field
from regal_desktop.domain.import_rows import (
    CONSENT_CHOICES,
    FIELDS,
    IGNORE,
    REJECTED_COLUMNS,
    TRAIT,
    ColumnMapping,
    MappingError,
    nearest_field,
    read_header,
)
from regal_desktop.services.bulk_import import load_mapping, save_mapping, saved_mappings
from regal_desktop.ui.csv_import.state import ImportState, error_label

#: The defaults offered in the form: one consent text, IP, time or source for the file.
TEXT_DEFAULTS = ("optInText", "optInIp", "optInTimestamp", "optInSource")
CONSENT_DEFAULTS = ("voiceOptIn", "smsOptIn", "emailOptIn")
_DEFAULT_HINTS = {
    "optInText": "the exact words people agreed to, for rows without a text",
    "optInIp": "e.g. 203.0.113.7",
    "optInTimestamp": "e.g. 2026-11-25T09:00:00-05:00",
    "optInSource": "e.g. web form",
}


def first_guess(header: str) -> str:
    """The target a column starts with: its common name's field (``domain.column_names``),
    else a close field, else ignore."""
    name = header.strip()
    if name in REJECTED_COLUMNS:
        return IGNORE
    guessed = guess_field(name)
    if guessed is not None:
        return guessed
    return nearest_field(name) or IGNORE if name else IGNORE


class MappingPage(QWizardPage):
    """One row per column: header, target (field, ignore, custom trait) and trait name."""

    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle("Map the columns")
        self.setSubTitle(
            "Choose what each column fills. Defaults apply to rows that leave a field empty."
        )
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("mappingTable")
        self.table.setAccessibleName("Column mapping")
        self.table.setHorizontalHeaderLabels(("Column in the file", "Fills", "Trait name"))
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        self.default_edits: dict[str, QLineEdit] = {}
        self.consent_combos: dict[str, QComboBox] = {}
        defaults = QGroupBox("Defaults for empty cells")
        form = QFormLayout(defaults)
        for name in TEXT_DEFAULTS:
            edit = QLineEdit()
            edit.setObjectName(f"default_{name}")
            edit.setPlaceholderText(_DEFAULT_HINTS[name])
            self.default_edits[name] = edit
            form.addRow(f"{name}:", edit)
        consent_row = QHBoxLayout()
        for name in CONSENT_DEFAULTS:
            combo = QComboBox()
            combo.setObjectName(f"default_{name}")
            combo.addItems(CONSENT_CHOICES)
            self.consent_combos[name] = combo
            consent_row.addWidget(QLabel(f"{name}:"))
            consent_row.addWidget(combo)
        form.addRow(consent_row)
        #: Defaults of a loaded mapping the form has no box for; kept, not lost.
        self._other_defaults: dict[str, str] = {}

        self.saved_combo = QComboBox()
        self.saved_combo.setObjectName("savedMappingCombo")
        self.saved_combo.setAccessibleName("Saved mappings")
        self.load_button = QPushButton("Load")
        self.load_button.setObjectName("loadMappingButton")
        self.load_button.clicked.connect(self.load_saved)
        self.save_button = QPushButton("Save mapping as…")
        self.save_button.setObjectName("saveMappingButton")
        self.save_button.clicked.connect(self.save_current)
        saved_row = QHBoxLayout()
        saved_row.addWidget(QLabel("Saved mappings:"))
        saved_row.addWidget(self.saved_combo, 1)
        saved_row.addWidget(self.load_button)
        saved_row.addWidget(self.save_button)

        self.error = error_label("mappingError")
        layout = QVBoxLayout(self)
        layout.addLayout(saved_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(defaults)
        layout.addWidget(self.error)

    # -- the rows ----------------------------------------------------------------------

    def initializePage(self) -> None:
        header = self.state.header
        self.table.setRowCount(len(header))
        for row, name in enumerate(header):
            item = QTableWidgetItem(name if name.strip() else f"(column {row + 1}, no name)")
            self.table.setItem(row, 0, item)
            combo = QComboBox()
            combo.setObjectName(f"mappingTarget{row}")
            combo.addItem("— ignore (not sent) —", IGNORE)
            for target in FIELDS:
                combo.addItem(target, target)
            combo.addItem("custom trait…", TRAIT)
            trait = QLineEdit()
            trait.setObjectName(f"mappingTrait{row}")
            trait.setPlaceholderText("trait name")
            combo.setAccessibleName(f"What column {item.text()} fills")
            trait.setAccessibleName(f"Trait name for column {item.text()}")
            self.table.setCellWidget(row, 1, combo)
            self.table.setCellWidget(row, 2, trait)
            combo.currentIndexChanged.connect(lambda _=0, row=row: self._target_changed(row))
            combo.currentIndexChanged.connect(self.error.clear)
        self.show_mapping(self.state.mapping)
        self._fill_saved()

    def _target_changed(self, row: int) -> None:
        trait = self.trait_edit(row)
        chosen = self.target_combo(row).currentData() == TRAIT
        trait.setEnabled(chosen)
        if chosen and not trait.text().strip():
            trait.setText(self.state.header[row].strip())  # the column's name, to edit

    def target_combo(self, row: int) -> QComboBox:
        """The combo choosing the target of column ``row``."""
        combo = self.table.cellWidget(row, 1)
        assert isinstance(combo, QComboBox)
        return combo

    def trait_edit(self, row: int) -> QLineEdit:
        """The trait name of column ``row`` (used when the target is a custom trait)."""
        edit = self.table.cellWidget(row, 2)
        assert isinstance(edit, QLineEdit)
        return edit

    def set_target(self, row: int, target: str) -> None:
        """Point column ``row`` at ``target`` (a field, ignore or ``trait:NAME``)."""
        combo, trait = self.target_combo(row), self.trait_edit(row)
        if target.startswith(TRAIT):
            trait.setText(target[len(TRAIT) :])
            target = TRAIT
        combo.setCurrentIndex(max(0, combo.findData(target)))
        trait.setEnabled(target == TRAIT)

    def show_mapping(self, mapping: ColumnMapping) -> None:
        """Show ``mapping``; columns it does not name get their first guess."""
        for row, name in enumerate(self.state.header):
            target = mapping.columns.get(name, mapping.columns.get(name.strip()))
            self.trait_edit(row).clear()
            self.set_target(row, target or first_guess(name))
        defaults = dict(mapping.defaults)
        for name, edit in self.default_edits.items():
            edit.setText(defaults.pop(name, ""))
        for name, combo in self.consent_combos.items():
            value = defaults.pop(name, "").strip().lower()
            combo.setCurrentIndex(max(0, combo.findText(value)))
        self._other_defaults = defaults

    def mapping(self) -> ColumnMapping:
        """The mapping the page shows; MappingError when a choice cannot be used."""
        columns: dict[str, str] = {}
        for row, name in enumerate(self.state.header):
            target = self.target_combo(row).currentData()
            if target == TRAIT:
                target = TRAIT + self.trait_edit(row).text().strip()
            columns[name] = target
        defaults = dict(self._other_defaults)
        defaults.update((n, e.text().strip()) for n, e in self.default_edits.items())
        defaults.update((n, c.currentText()) for n, c in self.consent_combos.items())
        return ColumnMapping(columns, {n: v for n, v in defaults.items() if v})

    def validatePage(self) -> bool:
        try:
            mapping = self.mapping()
            read_header(self.state.header, mapping)
        except MappingError as exc:
            self.error.setText("\n".join(exc.problems))
            return False
        if self.state.mapping != mapping:
            self.state.plan = None  # planned with another mapping
        self.state.mapping = mapping
        return True

    # -- saved mappings ----------------------------------------------------------------

    def _fill_saved(self) -> None:
        self.saved_combo.clear()
        try:
            names = sorted(saved_mappings(self.state.app.store.settings))
        except MappingError as exc:
            self.error.setText(str(exc))
            names = []
        self.saved_combo.addItems(names)
        self.load_button.setEnabled(bool(names))

    def load_saved(self) -> None:
        """Show the saved mapping chosen in the combo."""
        try:
            self.show_mapping(
                load_mapping(self.state.app.store.settings, self.saved_combo.currentText())
            )
        except MappingError as exc:
            self.error.setText(str(exc))

    def save_current(self) -> None:
        """Save the mapping shown under a name the user gives."""
        try:
            mapping = self.mapping()
        except MappingError as exc:
            self.error.setText(str(exc))
            return
        suggested = self.state.path.stem if self.state.path else "mapping"
        name = self.state.dialogs.ask_mapping_name(self, suggested)
        if name is None:
            return
        try:
            save_mapping(self.state.app.store.settings, name, mapping)
        except MappingError as exc:
            self.error.setText(str(exc))
            return
        self._fill_saved()
        self.saved_combo.setCurrentText(name)
