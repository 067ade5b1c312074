"""The parts of the Settings dialog: shared widgets, the General and Consent texts tabs."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

import phonenumbers
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.context import AppContext
from regal_desktop.domain.normalise import normalise_email
from regal_desktop.services.consent_texts import (
    ALL_CHANNELS,
    ConsentTemplate,
    consent_templates,
    save_consent_templates,
)
from regal_desktop.store.settings import (
    DEFAULT_EVENT_SOURCE,
    DEFAULT_REGION,
    OPERATOR_EMAIL,
    Settings,
)
from regal_desktop.ui.shell.style import error_style

W = TypeVar("W", bound=QWidget)

NO_KEYCHAIN_NOTE = (
    "No keychain on this computer: the key will be asked for each session and never saved"
)
SANDBOX_NOTE = (
    "Built in: requests go to a receiver on this computer and nothing leaves it. "
    "Use it to try everything without a key."
)


def named(widget: W, name: str) -> W:
    """``widget`` with its object name set (what tests and style sheets find it by)."""
    widget.setObjectName(name)
    return widget


def error_label() -> QLabel:
    """A red, word-wrapped label for a problem, hidden until there is one."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"QLabel {{ {error_style()} padding: 4px; }}")
    label.hide()
    return label


def show_error(label: QLabel, message: str | None) -> None:
    """Show ``message`` in ``label``, or hide it when there is none."""
    label.setText(message or "")
    label.setVisible(bool(message))


class ListTab(QWidget):
    """A list of entries on the left with Add and Remove, the selected one's fields on the
    right, and the problem of the entry shown under them. Subclasses hold the entries."""

    def __init__(self, noun: str, form: QFormLayout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = named(QListWidget(), f"{noun}List")
        self.list.setAccessibleName(f"{noun.capitalize()} list")
        add = named(QPushButton("Add"), f"add{noun.capitalize()}Button")
        self.remove_button = named(QPushButton("Remove"), f"remove{noun.capitalize()}Button")
        add.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.error = named(error_label(), f"{noun}Error")
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.error)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 5)
        self.list.currentRowChanged.connect(self._row_changed)

    def labels(self) -> list[str]:
        """What the list shows, one line per entry."""
        raise NotImplementedError

    def add(self) -> None:
        """Append a blank entry and select it."""
        raise NotImplementedError

    def remove(self) -> None:
        """Remove the selected entry."""
        raise NotImplementedError

    def problems(self) -> list[tuple[int, str]]:
        """Every entry's problem, with its row."""
        raise NotImplementedError

    def show_entry(self, row: int) -> None:
        """Fill the fields from entry ``row``."""
        raise NotImplementedError

    def refill(self, select: int | None = None) -> None:
        """Show the labels again, selecting ``select`` (else the same row)."""
        row = self.list.currentRow() if select is None else select
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems(self.labels())
        self.list.blockSignals(False)
        self.list.setCurrentRow(min(row, self.list.count() - 1))
        if select is not None:
            self._row_changed(self.list.currentRow())

    def show_problem(self, row: int, message: str | None) -> None:
        """Select ``row`` and show ``message`` (None: no problem) under its fields."""
        if row != self.list.currentRow():
            self.list.setCurrentRow(row)
        show_error(self.error, message)

    def problem_of(self, row: int) -> str | None:
        """The problem of entry ``row``, or None."""
        return next((message for number, message in self.problems() if number == row), None)

    def _row_changed(self, row: int) -> None:
        if row >= 0:
            self.show_entry(row)
        show_error(self.error, None)


class GeneralTab(QWidget):
    """Default region, default event source and the operator's e-mail."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        settings = app.store.settings
        self.region = named(QComboBox(), "regionCombo")
        self.region.addItems(sorted(phonenumbers.SUPPORTED_REGIONS))
        self.region.setCurrentText(app.region)
        self.event_source = QLineEdit(settings.read(DEFAULT_EVENT_SOURCE))
        self.event_source.setObjectName("eventSourceDefaultEdit")
        self.event_source.setPlaceholderText("e.g. crm")
        self.email = QLineEdit(settings.read(OPERATOR_EMAIL))
        self.email.setObjectName("operatorEmailEdit")
        self.email.setPlaceholderText("jane@example.com")
        self.error = error_label()
        self.error.setObjectName("generalError")
        self.email.textEdited.connect(lambda _: show_error(self.error, self.problem()))
        form = QFormLayout(self)
        form.addRow("Numbers without +country are in", self.region)
        form.addRow("Default event source", self.event_source)
        form.addRow("Your e-mail (recorded with sends)", self.email)
        form.addRow("", self.error)

    def problem(self) -> str | None:
        """What is wrong, in words, or None."""
        text = self.email.text().strip()
        if not text:
            return None
        address, problem = normalise_email(text)
        return None if address else f"Your e-mail: {problem}"

    def save(self, settings: Settings) -> None:
        """Write the preferences (call after ``problem()`` is None)."""
        settings.write(DEFAULT_REGION, self.region.currentText())
        settings.write(DEFAULT_EVENT_SOURCE, self.event_source.text().strip())
        text = self.email.text().strip()
        settings.write(OPERATOR_EMAIL, (normalise_email(text)[0] or "") if text else "")


class ConsentTextsTab(ListTab):
    """The consent wordings staff pick from: a name, the channels it is written for, a
    version (kept with the evidence of each change) and the exact words shown."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        self.templates = list(consent_templates(settings))
        self.name = named(QLineEdit(), "templateNameEdit")
        self.channels = {
            channel: named(QCheckBox(channel.label), f"template{channel.name.title()}Check")
            for channel in ALL_CHANNELS
        }
        self.version = named(QLineEdit(), "templateVersionEdit")
        self.version.setPlaceholderText("e.g. 2 (raise it when the words change)")
        self.text = named(QPlainTextEdit(), "templateTextEdit")
        self.text.setTabChangesFocus(True)
        channel_row = QHBoxLayout()
        for box in self.channels.values():
            channel_row.addWidget(box)
        channel_row.addStretch()
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("For", channel_row)
        form.addRow("Version", self.version)
        form.addRow("Exact words shown", self.text)
        super().__init__("template", form, parent)
        self.name.textEdited.connect(self._edited)
        self.version.textEdited.connect(self._edited)
        for box in self.channels.values():
            box.toggled.connect(self._edited)
        self.text.textChanged.connect(self._edited)
        self.refill(select=0)

    def labels(self) -> list[str]:
        return [
            f"{t.name.strip() or '(new text)'} ({t.channel_words or 'no channel'})"
            for t in self.templates
        ]

    def add(self) -> None:
        """Start a new consent text (for every channel, version 1, until changed)."""
        self.templates.append(ConsentTemplate("", ""))
        self.refill(select=len(self.templates) - 1)
        self.name.setFocus()

    def remove(self) -> None:
        """Remove the selected consent text."""
        row = self.list.currentRow()
        if 0 <= row < len(self.templates):
            del self.templates[row]
            self.refill(select=row)

    def problems(self) -> list[tuple[int, str]]:
        found, seen = [], set()
        for row, template in enumerate(self.templates):
            name = template.name.strip()
            if not name:
                found.append((row, "Name: give the consent text a short name"))
            elif name in seen:
                found.append((row, f"Name: {name!r} is used twice; names must differ"))
            elif not template.channels:
                found.append((row, f"{name}: tick the channels the words are written for"))
            elif not template.version.strip():
                found.append((row, f"{name}: give the words a version, e.g. 1"))
            elif not template.text.strip():
                found.append((row, f"{name}: the exact words shown are empty"))
            seen.add(name)
        return found

    def save(self, settings: Settings) -> None:
        """Write the list (call after ``problems()`` is empty)."""
        entries = [
            replace(t, name=t.name.strip(), text=t.text.strip(), version=t.version.strip())
            for t in self.templates
        ]
        save_consent_templates(settings, entries)

    def show_entry(self, row: int) -> None:
        template = self.templates[row]
        widgets = (self.name, self.version, self.text, *self.channels.values())
        for widget in widgets:
            widget.blockSignals(True)
        self.name.setText(template.name)
        self.version.setText(template.version)
        self.text.setPlainText(template.text)
        for channel, box in self.channels.items():
            box.setChecked(template.fits(channel))
        for widget in widgets:
            widget.blockSignals(False)

    def _edited(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.templates):
            self.templates[row] = ConsentTemplate(
                name=self.name.text(),
                text=self.text.toPlainText(),
                channels=tuple(c for c, box in self.channels.items() if box.isChecked()),
                version=self.version.text(),
            )
            self.refill()
            self.show_problem(row, self.problem_of(row))
