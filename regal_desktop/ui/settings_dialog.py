"""Settings: account profiles and their keys, general preferences, consent texts.

Nothing is written until Save: every tab edits a copy, Save checks all of it (errors are
shown next to the field, in plain words) and then writes the profiles and preferences to
the store's settings and each typed key to the OS keychain. The store refuses setting
names that mention keys or secrets, so no key can end up in the database by mistake.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import phonenumbers
from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.context import AppContext
from regal_desktop.delivery.endpoint import REGAL_ENDPOINT
from regal_desktop.delivery.keys import mask
from regal_desktop.domain.normalise import normalise_email
from regal_desktop.services.accounts import DEFAULT_RATE, SANDBOX_PROFILE, AccountProfile
from regal_desktop.store import StoreError
from regal_desktop.store.db import transaction
from regal_desktop.store.settings import Settings
from regal_desktop.ui.consent_panel import ConsentTemplate, load_consent_templates

_W = TypeVar("_W", bound=QWidget)

NO_KEYCHAIN_NOTE = (
    "No keychain on this computer: the key will be asked for each session and never saved"
)
TEMPLATES_SETTING = "consent_templates"
EVENT_SOURCE_SETTING = "default_event_source"
_SANDBOX_NOTE = (
    "Built in: requests go to a receiver on this computer and nothing leaves it. "
    "Use it to try everything without a key."
)
_ERROR_STYLE = "color: palette(bright-text); background: #b3261e; padding: 4px; border-radius: 3px;"


def consent_templates(settings: Settings) -> list[ConsentTemplate]:
    """The consent texts saved in Settings, or the bundled ones when none are saved."""
    saved = settings.get(TEMPLATES_SETTING)
    if (
        isinstance(saved, list)
        and saved
        and all(
            isinstance(e, dict)
            and isinstance(e.get("name"), str)
            and isinstance(e.get("text"), str)
            for e in saved
        )
    ):
        return [ConsentTemplate(e["name"], e["text"]) for e in saved]
    return load_consent_templates()


def _named(widget: _W, name: str) -> _W:
    """``widget`` with its object name set (what tests and style sheets find it by)."""
    widget.setObjectName(name)
    return widget


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(_ERROR_STYLE)
    label.hide()
    return label


def _show_error(label: QLabel, message: str | None) -> None:
    label.setText(message or "")
    label.setVisible(bool(message))


@dataclass
class _ProfileCopy:
    """A profile as the dialog edits it; ``key`` is what was typed (empty: unchanged)."""

    name: str
    endpoint: str
    rate: float
    saved: bool
    key: str = field(default="", repr=False)

    @property
    def built_in(self) -> bool:
        return self.saved and self.name == SANDBOX_PROFILE


def profile_problem(copy: _ProfileCopy, others: list[str]) -> str | None:
    """What is wrong with a profile, in words, or None."""
    name = copy.name.strip()
    if not name:
        return "Name: give the profile a name, e.g. production"
    if name == SANDBOX_PROFILE and not copy.built_in:
        return f"Name: {SANDBOX_PROFILE!r} is the built-in sandbox; choose another name"
    if name in others:
        return f"Name: there is already a profile called {name!r}"
    try:
        AccountProfile(name=name, endpoint=copy.endpoint.strip(), rate=copy.rate)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = str(first["loc"][0]).capitalize() if first["loc"] else "Profile"
        message = str(first["msg"]).removeprefix("Value error, ")
        if message.lower().startswith(where.lower()):
            return message[0].upper() + message[1:]  # "endpoint 'x' must ..." names itself
        return f"{where}: {message}"
    return None


class _ListTab(QWidget):
    """A list of entries on the left with Add and Remove, the selected one's fields on the
    right, and the problem of the entry shown under them. Subclasses hold the entries."""

    def __init__(self, noun: str, form: QFormLayout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = _named(QListWidget(), f"{noun}List")
        add = _named(QPushButton("Add"), f"add{noun.capitalize()}Button")
        self.remove_button = _named(QPushButton("Remove"), f"remove{noun.capitalize()}Button")
        add.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.error = _named(_error_label(), f"{noun}Error")
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
        _show_error(self.error, message)

    def problem_of(self, row: int) -> str | None:
        """The problem of entry ``row``, or None."""
        return next((message for number, message in self.problems() if number == row), None)

    def _row_changed(self, row: int) -> None:
        if row >= 0:
            self.show_entry(row)
        _show_error(self.error, None)


class AccountsTab(_ListTab):
    """The profiles, with name, endpoint, rate, API key and which one is the default."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        self._app = app
        accounts = app.accounts
        self.profiles = [
            _ProfileCopy(p.name, p.endpoint, p.rate, saved=True) for p in accounts.all()
        ]
        self.removed: list[str] = []
        self.default = accounts.default_name()
        self.name = _named(QLineEdit(), "profileNameEdit")
        self.endpoint = _named(QLineEdit(), "profileEndpointEdit")
        self.endpoint.setPlaceholderText(REGAL_ENDPOINT)
        self.rate = _named(QDoubleSpinBox(), "profileRateSpin")
        self.rate.setRange(0.1, 10_000)
        self.rate.setDecimals(1)
        self.rate.setSuffix(" requests/s")
        self.rate.setToolTip("Regal accepts up to 300 requests per second per account")
        self.key = _named(QLineEdit(), "profileKeyEdit")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.default_box = _named(QCheckBox("Send here by default"), "profileDefaultBox")
        self.keychain_note = _named(QLabel(), "keychainNote")
        self.keychain_note.setWordWrap(True)
        self.keychain_note.setText(
            f"Keys are saved in {app.keys.backend_name()}, never in a file."
            if app.keys.available()
            else NO_KEYCHAIN_NOTE
        )
        self.note = _named(QLabel(), "profileNote")
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Endpoint", self.endpoint)
        form.addRow("Rate limit", self.rate)
        form.addRow("API key", self.key)
        form.addRow("", self.keychain_note)
        form.addRow("", self.default_box)
        form.addRow("", self.note)
        super().__init__("profile", form, parent)
        for edit in (self.name, self.endpoint, self.key):
            edit.textEdited.connect(self._fields_edited)
        self.rate.valueChanged.connect(self._fields_edited)
        self.default_box.toggled.connect(self._default_toggled)
        self.refill(select=0)

    def labels(self) -> list[str]:
        return [
            (p.name.strip() or "(new profile)")
            + (" (built in)" if p.built_in else "")
            + (" — default" if p.name.strip() == self.default else "")
            for p in self.profiles
        ]

    def add(self) -> None:
        """Start a new profile sending to Regal."""
        self.profiles.append(_ProfileCopy("", REGAL_ENDPOINT, DEFAULT_RATE, saved=False))
        self.refill(select=len(self.profiles) - 1)
        self.name.setFocus()

    def remove(self) -> None:
        """Forget the selected profile (and its key) on Save; the sandbox stays."""
        row = self.list.currentRow()
        if not 0 < row < len(self.profiles):  # row 0 is the built-in sandbox
            return
        copy = self.profiles.pop(row)
        if copy.saved:
            self.removed.append(copy.name)
        if self.default == copy.name.strip():
            self.default = SANDBOX_PROFILE
        self.refill(select=row)

    def problems(self) -> list[tuple[int, str]]:
        found = []
        for row, copy in enumerate(self.profiles):
            others = [p.name.strip() for p in self.profiles if p is not copy]
            problem = profile_problem(copy, others)
            if problem:
                found.append((row, problem))
        return found

    def save(self) -> None:
        """Write the profiles and the default (call after ``problems()`` is empty)."""
        accounts = self._app.accounts
        for name in self.removed:
            accounts.remove(name)
        for p in self.profiles:
            if not p.built_in:
                accounts.save(
                    AccountProfile(name=p.name.strip(), endpoint=p.endpoint.strip(), rate=p.rate)
                )
        accounts.set_default(self.default)

    def typed_keys(self) -> dict[str, str]:
        """The keys typed in, by profile name."""
        return {p.name.strip(): p.key.strip() for p in self.profiles if p.key.strip()}

    def show_entry(self, row: int) -> None:
        copy = self.profiles[row]
        fields: tuple[QWidget, ...] = (self.name, self.endpoint, self.rate, self.key)
        for widget in (*fields, self.default_box):
            widget.blockSignals(True)
        self.name.setText(copy.name)
        self.name.setReadOnly(copy.saved)
        self.name.setToolTip("To rename, add a profile and remove this one" if copy.saved else "")
        self.endpoint.setText(copy.endpoint)
        self.rate.setValue(copy.rate)
        self.key.setText(copy.key)
        stored = self._app.keys.get(copy.name) if copy.saved and not copy.built_in else None
        hint = f"saved ({mask(stored)}); type to replace" if stored else "not set"
        self.key.setPlaceholderText(hint)
        self.default_box.setChecked(copy.name.strip() == self.default)
        for widget in (*fields, self.default_box):
            widget.blockSignals(False)
        for widget in (*fields[1:], self.remove_button):
            widget.setEnabled(not copy.built_in)
        self.note.setText(_SANDBOX_NOTE if copy.built_in else "")

    def _fields_edited(self) -> None:
        row = self.list.currentRow()
        copy = self.profiles[row]
        if copy.built_in:
            return
        was_default = copy.name.strip() == self.default
        copy.name, copy.endpoint = self.name.text(), self.endpoint.text()
        copy.rate, copy.key = self.rate.value(), self.key.text()
        if was_default:
            self.default = copy.name.strip()
        self.refill()
        self.show_problem(row, self.problem_of(row))

    def _default_toggled(self, checked: bool) -> None:
        copy = self.profiles[self.list.currentRow()]
        self.default = copy.name.strip() if checked else SANDBOX_PROFILE
        self.refill()


class GeneralTab(QWidget):
    """Default region, default event source and the operator's e-mail."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        settings = app.store.settings
        self.region = _named(QComboBox(), "regionCombo")
        self.region.addItems(sorted(phonenumbers.SUPPORTED_REGIONS))
        self.region.setCurrentText(app.region)
        source = settings.get(EVENT_SOURCE_SETTING, "")
        self.event_source = QLineEdit(source if isinstance(source, str) else "")
        self.event_source.setObjectName("eventSourceDefaultEdit")
        self.event_source.setPlaceholderText("e.g. crm")
        email = settings.get("operator_email", "")
        self.email = QLineEdit(email if isinstance(email, str) else "")
        self.email.setObjectName("operatorEmailEdit")
        self.email.setPlaceholderText("jane@example.com")
        self.error = _error_label()
        self.error.setObjectName("generalError")
        self.email.textEdited.connect(lambda _: _show_error(self.error, self.problem()))
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
        settings.set("default_region", self.region.currentText())
        settings.set(EVENT_SOURCE_SETTING, self.event_source.text().strip())
        text = self.email.text().strip()
        settings.set("operator_email", normalise_email(text)[0] if text else "")


class ConsentTextsTab(_ListTab):
    """The consent wordings staff pick from: a name and the exact words shown."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        self.templates = [[t.name, t.text] for t in consent_templates(settings)]
        self.name = _named(QLineEdit(), "templateNameEdit")
        self.text = _named(QPlainTextEdit(), "templateTextEdit")
        self.text.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Exact words shown", self.text)
        super().__init__("template", form, parent)
        self.name.textEdited.connect(self._edited)
        self.text.textChanged.connect(self._edited)
        self.refill(select=0)

    def labels(self) -> list[str]:
        return [name.strip() or "(new text)" for name, _ in self.templates]

    def add(self) -> None:
        """Start a new consent text."""
        self.templates.append(["", ""])
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
        for row, (name, text) in enumerate(self.templates):
            if not name.strip():
                found.append((row, "Name: give the consent text a short name"))
            elif name.strip() in seen:
                found.append((row, f"Name: {name.strip()!r} is used twice; names must differ"))
            elif not text.strip():
                found.append((row, f"{name.strip()}: the exact words shown are empty"))
            seen.add(name.strip())
        return found

    def save(self, settings: Settings) -> None:
        """Write the list (call after ``problems()`` is empty)."""
        entries = [{"name": n.strip(), "text": t.strip()} for n, t in self.templates]
        settings.set(TEMPLATES_SETTING, entries)

    def show_entry(self, row: int) -> None:
        name, text = self.templates[row]
        for widget in (self.name, self.text):
            widget.blockSignals(True)
        self.name.setText(name)
        self.text.setPlainText(text)
        for widget in (self.name, self.text):
            widget.blockSignals(False)

    def _edited(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.templates):
            self.templates[row] = [self.name.text(), self.text.toPlainText()]
            self.refill()
            self.show_problem(row, self.problem_of(row))


class SettingsDialog(QDialog):
    """Accounts, General and Consent texts; Save writes everything or nothing."""

    def __init__(
        self,
        app: AppContext,
        remember_key: Callable[[str, str], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings — Regal Desktop")
        self._app = app
        self._remember_key = remember_key
        #: Profiles whose typed key could not be saved (no keychain): this session only.
        self.unsaved_keys: list[str] = []
        self.accounts = AccountsTab(app)
        self.general = GeneralTab(app)
        self.consent = ConsentTextsTab(app.store.settings)
        self.tabs = _named(QTabWidget(), "settingsTabs")
        self.tabs.addTab(self.accounts, "Accounts")
        self.tabs.addTab(self.general, "General")
        self.tabs.addTab(self.consent, "Consent texts")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.error = _error_label()
        self.error.setObjectName("settingsError")
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(760, 460)
        self.setWindowModality(Qt.WindowModality.WindowModal)

    def accept(self) -> None:
        """Check every tab; show the first problem next to its field, or save and close."""
        for row, message in self.accounts.problems()[:1]:
            self.tabs.setCurrentWidget(self.accounts)
            self.accounts.show_problem(row, message)
            return
        problem = self.general.problem()
        if problem:
            self.tabs.setCurrentWidget(self.general)
            _show_error(self.general.error, problem)
            return
        for row, message in self.consent.problems()[:1]:
            self.tabs.setCurrentWidget(self.consent)
            self.consent.show_problem(row, message)
            return
        store = self._app.store
        try:
            with transaction(store.conn):
                self.accounts.save()
                self.general.save(store.settings)
                self.consent.save(store.settings)
        except (StoreError, sqlite3.Error, ValueError) as exc:
            _show_error(self.error, f"Nothing was saved: {exc}")
            return
        for name in self.accounts.removed:
            self._app.keys.delete(name)
        for name, key in self.accounts.typed_keys().items():
            if not self._remember_key(name, key):
                self.unsaved_keys.append(name)
        super().accept()
