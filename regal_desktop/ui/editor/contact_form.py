"""The left side of the editor: every field of the contact and the event, in one scroll."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.domain.findings import Finding, Level
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS
from regal_desktop.services.consent_texts import ConsentTemplate
from regal_desktop.ui.editor.baseline import field_marks
from regal_desktop.ui.editor.consent_panel import ConsentPanel
from regal_desktop.ui.editor.contact_points import (
    LABEL,
    LABEL_SUGGESTIONS,
    PRIMARY,
    EmailTableModel,
    PhoneTableModel,
    fit_point_columns,
)
from regal_desktop.ui.editor.delegates import ChoiceDelegate
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.fields import BY_ATTRIBUTE, FIELDS, Section, field_at, in_section
from regal_desktop.ui.editor.marks import ChangeMarks, FieldMarks
from regal_desktop.ui.editor.rows_editor import RowsEditor
from regal_desktop.ui.editor.typed_rows import (
    TYPE,
    TYPE_CHOICES,
    VALUE,
    CustomTraitsModel,
    EventPropertiesModel,
)
from regal_desktop.ui.review.findings import path_parts
from regal_desktop.ui.shell.style import indicator_style


class ContactForm(QScrollArea):
    """All inputs for one contact and its optional event; edits go to the document."""

    def __init__(
        self,
        document: ContactDocument,
        templates: list[ConsentTemplate],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactForm")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        # Tab goes from field to field; the scroll area itself is no stop.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._document = document
        self.edits: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        #: Fields framed as holding an error, and the errors of the last check.
        self.marks = FieldMarks()
        self._errors: list[Finding] = []
        self.consent = ConsentPanel(document, templates)
        for field in FIELDS:
            name = field.attribute
            edit = QLineEdit()
            edit.setObjectName(field.object_name)
            edit.setAccessibleName(field.label)
            edit.setPlaceholderText(field.placeholder)
            edit.setClearButtonEnabled(True)
            edit.textEdited.connect(lambda text, name=name: document.set_field(name, text))
            edit.editingFinished.connect(document.end_typing)
            self.edits[name] = edit

        self.phones = RowsEditor(PhoneTableModel(document, self), "phonesView", "Phone", "phone")
        self.emails = RowsEditor(EmailTableModel(document, self), "emailsView", "Email", "e-mail")
        self.traits = RowsEditor(
            CustomTraitsModel(document, self),
            "traitsView",
            "Trait",
            "custom trait",
            movable=False,
            stretch_column=VALUE,
        )
        self.properties = RowsEditor(
            EventPropertiesModel(document, self),
            "propertiesView",
            "Property",
            "property",
            movable=False,
            stretch_column=VALUE,
        )
        # One delegate per table: a view handles every commitData its delegates emit, so
        # a shared one makes the other table warn about an editor it does not own.
        for editor in (self.phones, self.emails):
            labels = ChoiceDelegate(LABEL_SUGGESTIONS, free_text=True, parent=editor.view)
            editor.view.setItemDelegateForColumn(LABEL, labels)
            editor.space_column = PRIMARY
            editor.view.setStyle(indicator_style())  # Primary boxes that show on dark too
            fit_point_columns(editor.view)
            editor.view.selectionModel().currentRowChanged.connect(
                lambda current, _previous, editor=editor: self._point_selected(
                    editor, current.row()
                )
            )
            editor.view.clicked.connect(
                lambda index, editor=editor: self._point_selected(editor, index.row())
            )
            editor.model.rowsRemoved.connect(lambda *_, editor=editor: self._point_removed(editor))
            editor.offer_replace()
            editor.model.refused.connect(editor.show_note)  # type: ignore[attr-defined]
        for editor in (self.traits, self.properties):
            types = ChoiceDelegate(TYPE_CHOICES, free_text=False, parent=editor.view)
            editor.view.setItemDelegateForColumn(TYPE, types)
            editor.view.horizontalHeader().setSectionResizeMode(
                0, QHeaderView.ResizeMode.Interactive
            )
            editor.view.horizontalHeader().resizeSection(0, 200)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(12)
        layout.addWidget(self._group("Contact", self._fields_grid(in_section(Section.CONTACT))))
        layout.addWidget(self._group("Phones", self.phones))
        layout.addWidget(self._group("E-mail addresses", self.emails))
        consent_group = self._group("Consent", self.consent)
        self.consent.titleChanged.connect(consent_group.setTitle)
        layout.addWidget(consent_group)
        layout.addWidget(self._group("Address", self._fields_grid(in_section(Section.ADDRESS))))
        layout.addWidget(self._group("Custom traits", self.traits))
        event = QWidget()
        event_layout = QVBoxLayout(event)
        event_layout.setContentsMargins(0, 0, 0, 0)
        event_layout.addWidget(self._fields_grid(in_section(Section.EVENT)))
        properties_label = QLabel("Properties")
        event_layout.addWidget(properties_label)
        event_layout.addWidget(self.properties)
        layout.addWidget(self._group("Event (optional)", event))
        layout.addStretch()
        self.setWidget(page)
        self._set_tab_order()
        #: Fields that differ from what Regal holds (the document's baseline).
        self.changes = ChangeMarks(self.edits, self.labels)
        document.changed.connect(self._refresh)
        document.baselineChanged.connect(self._show_changes)
        self._refresh()

    def _set_tab_order(self) -> None:
        # Widgets were created grouped by kind; tab should follow the page from top down.
        edits = self.edits
        chain: list[QWidget] = [
            *(edits[name] for name in in_section(Section.CONTACT)),
            # The consent of the selected point follows its own table (the other
            # channels' editors are hidden then, so Tab skips them).
            *self.phones.focus_chain(),
            *self.consent.focus_chain(PHONE_CHANNELS),
            *self.emails.focus_chain(),
            *self.consent.focus_chain(EMAIL_CHANNELS),
            *(edits[name] for name in in_section(Section.ADDRESS)),
            *self.traits.focus_chain(),
            *(edits[name] for name in in_section(Section.EVENT)),
            *self.properties.focus_chain(),
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    @staticmethod
    def _group(title: str, content: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        box.setObjectName(f"{title.split()[0].lower()}Group")
        inner = QVBoxLayout(box)
        inner.addWidget(content)
        return box

    def _fields_grid(self, names: tuple[str, ...]) -> QWidget:
        widget = QWidget()
        if len(names) <= 3:
            form = QFormLayout(widget)
            form.setContentsMargins(0, 0, 0, 0)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for name in names:
                form.addRow(self._label_for(name), self.edits[name])
            return widget
        # Addresses read better as street on one line, city/state/ZIP and country below.
        grid = QGridLayout(widget)
        grid.setContentsMargins(0, 0, 0, 0)
        for row, line in enumerate((names[:1], names[1:3], names[3:])):
            for column, name in enumerate(line):
                grid.addWidget(self._label_for(name), row, column * 2)
                grid.addWidget(self.edits[name], row, column * 2 + 1, 1, 3 if len(line) == 1 else 1)
        return widget

    def _label_for(self, name: str) -> QLabel:
        label = QLabel(f"{BY_ATTRIBUTE[name].label}:")
        label.setBuddy(self.edits[name])
        self.labels[name] = label
        return label

    def show_point(self, editor: RowsEditor, row: int) -> None:
        """Select ``row`` of the phones or e-mails and show its consent, even when that
        row was already the current one (a newly loaded contact reuses row numbers)."""
        editor.select_row(row, focus=False)
        self._point_selected(editor, row)

    def _point_selected(self, editor: RowsEditor, row: int) -> None:
        other = self.emails if editor is self.phones else self.phones
        if row >= 0:
            other.view.clearSelection()
        table: Literal["phones", "emails"] = "phones" if editor is self.phones else "emails"
        self.consent.set_target(table if row >= 0 else None, row)
        self._show_marks()

    def mark_findings(self, findings: Sequence[Finding]) -> None:
        """Frame each field an error is about (the consent fields: of the point shown)."""
        self._errors = [f for f in findings if f.level is Level.ERROR]
        self._show_marks()

    def _show_marks(self) -> None:
        marks: dict[QWidget, list[str]] = {}
        for finding in self._errors:
            widget = self._field_widget(path_parts(finding.path))
            if widget is not None:
                marks.setdefault(widget, []).append(finding.message)
        self.marks.show(marks)

    def _field_widget(self, parts: list[str | int]) -> QWidget | None:
        """The input a finding's path names, if it is a line of the form on screen."""
        field = field_at(tuple(str(part) for part in parts))
        if field is not None:
            return self.edits[field.attribute]
        if len(parts) < 5 or parts[:2] not in (["traits", "phones"], ["traits", "emails"]):
            return None
        table: Literal["phones", "emails"] = "phones" if parts[1] == "phones" else "emails"
        editor = self.phones if table == "phones" else self.emails
        row = editor.model.row_for_key(str(parts[2]))  # type: ignore[attr-defined]
        if row is None or self.consent.target != (table, row):
            return None
        for channel, channel_editor in self.consent.editors.items():
            if parts[3] == channel.field:
                if parts[4] == "text":
                    return channel_editor.text_edit
                return channel_editor.line_edits.get(str(parts[4]))
        return None

    def _point_removed(self, editor: RowsEditor) -> None:
        # Qt moves the current row while the rows go and reports it by their old numbers:
        # show the consent of the row that is current now the rows are gone.
        target = self.consent.target
        if target is None or target[0] == ("phones" if editor is self.phones else "emails"):
            self._point_selected(editor, editor.view.currentIndex().row())

    def _refresh(self) -> None:
        draft = self._document.draft
        for name, edit in self.edits.items():
            value = getattr(draft, name)
            # Only on undo, redo or load: resetting the same text would move the cursor.
            if edit.text() != value:
                edit.setText(value)
        self._show_changes()

    def _show_changes(self) -> None:
        self.changes.show(field_marks(self._document.draft, self._document.baseline))

    def focus_path(self, parts: list[str | int]) -> bool:
        """Select and focus the field a finding's path names; False if there is none."""
        field = field_at(tuple(str(part) for part in parts))
        if field is not None:
            return self._focus(self.edits[field.attribute])
        if parts[:2] in (["traits", "phones"], ["traits", "emails"]):
            editor = self.phones if parts[1] == "phones" else self.emails
            return self._focus_point(editor, parts[2:])
        for editor, where in ((self.traits, "traits"), (self.properties, "properties")):
            if len(parts) >= 2 and parts[0] == where and isinstance(parts[1], str):
                row = editor.model.row_for_name(parts[1])  # type: ignore[attr-defined]
                if row is not None:
                    editor.select_row(row, 2)
                    return self._focus(editor.view)
        return False

    def _focus_point(self, editor: RowsEditor, rest: list[str | int]) -> bool:
        if not rest or not isinstance(rest[0], str):
            return self._focus(editor.view)
        row = editor.model.row_for_key(rest[0])  # type: ignore[attr-defined]
        if row is None:
            return self._focus(editor.view)
        column = {"label": LABEL, "isPrimary": PRIMARY}.get(
            str(rest[1]) if len(rest) > 1 else "", 0
        )
        editor.select_row(row, column)
        self._point_selected(editor, row)
        self.ensureWidgetVisible(editor.view)
        field = str(rest[1]) if len(rest) > 1 else ""
        for channel, channel_editor in self.consent.editors.items():
            if field == channel.field:
                channel_editor.focus_field(str(rest[2]) if len(rest) > 2 else "subscribed")
                self.ensureWidgetVisible(channel_editor)
        return True

    def _focus(self, widget: QWidget) -> bool:
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.ensureWidgetVisible(widget)
        return True
