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
from regal_desktop.delivery.keys import mask
from regal_desktop.domain.normalise import normalise_email
from regal_desktop.services.accounts import DEFAULT_RATE, SANDBOX_PROFILE, AccountProfile
from regal_desktop.store import StoreError
from regal_desktop.store.db import transaction
from regal_desktop.store.settings import Settings
from regal_desktop.ui.consent_panel import ConsentTemplate, load_consent_templates

NO_KEYCHAIN_NOTE = (
    "No keychain on this computer: the key will be asked for each session and never saved"
)
TEMPLATES_SETTING = "consent_templates"
EVENT_SOURCE_SETTING = "default_event_source"
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
        return f"{where}: {str(first['msg']).removeprefix('Value error, ')}"
    return None


class AccountsTab(QWidget):
    """The profiles on the left, the selected one's fields on the right."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        accounts = app.accounts
        self.profiles = [
            _ProfileCopy(p.name, p.endpoint, p.rate, saved=True) for p in accounts.all()
        ]
        self.removed: list[str] = []
        self.default = accounts.default_name()

        self.list = QListWidget()
        self.list.setObjectName("profileList")
        add, self.remove_button = QPushButton("Add"), QPushButton("Remove")
        add.setObjectName("addProfileButton")
        self.remove_button.setObjectName("removeProfileButton")
        add.clicked.connect(self.add_profile)
        self.remove_button.clicked.connect(self.remove_profile)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.remove_button)
        left.addLayout(row)

        self.name = QLineEdit(objectName="profileNameEdit")
        self.endpoint = QLineEdit(objectName="profileEndpointEdit")
        self.endpoint.setPlaceholderText("https://events.regalvoice.com/events")
        self.rate = QDoubleSpinBox(objectName="profileRateSpin")
        self.rate.setRange(0.1, 10_000)
        self.rate.setDecimals(1)
        self.rate.setSuffix(" requests/s")
        self.key = QLineEdit(objectName="profileKeyEdit")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.default_box = QCheckBox("Send here by default", objectName="profileDefaultBox")
        self.note = QLabel(objectName="profileNote")
        self.note.setWordWrap(True)
        self.keychain_note = QLabel(objectName="keychainNote")
        self.keychain_note.setWordWrap(True)
        self.keychain_note.setText(
            f"Keys are saved in {app.keys.backend_name()}, never in a file."
            if app.keys.available()
            else NO_KEYCHAIN_NOTE
        )
        self.error = _error_label()
        self.error.setObjectName("profileError")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Endpoint", self.endpoint)
        form.addRow("Rate limit", self.rate)
        form.addRow("API key", self.key)
        form.addRow("", self.keychain_note)
        form.addRow("", self.default_box)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.note)
        right.addWidget(self.error)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 5)

        for edit in (self.name, self.endpoint, self.key):
            edit.textEdited.connect(self._fields_edited)
        self.rate.valueChanged.connect(self._fields_edited)
        self.default_box.toggled.connect(self._default_toggled)
        self.list.currentRowChanged.connect(self._show_profile)
        self._fill_list()
        self.list.setCurrentRow(0)

    def current(self) -> _ProfileCopy | None:
        """The profile being edited."""
        row = self.list.currentRow()
        return self.profiles[row] if 0 <= row < len(self.profiles) else None

    def add_profile(self) -> None:
        """Start a new profile sending to Regal."""
        self.profiles.append(
            _ProfileCopy("", "https://events.regalvoice.com/events", DEFAULT_RATE, saved=False)
        )
        self._fill_list()
        self.list.setCurrentRow(len(self.profiles) - 1)
        self.name.setFocus()

    def remove_profile(self) -> None:
        """Forget the selected profile (and its key) on Save; the sandbox stays."""
        copy = self.current()
        if copy is None or copy.built_in:
            return
        if copy.saved:
            self.removed.append(copy.name)
        if self.default == copy.name:
            self.default = SANDBOX_PROFILE
        row = self.list.currentRow()
        del self.profiles[row]
        self._fill_list()
        self.list.setCurrentRow(min(row, len(self.profiles) - 1))

    def problems(self) -> list[tuple[int, str]]:
        """Every profile's problem, with its row."""
        found = []
        for row, copy in enumerate(self.profiles):
            others = [p.name.strip() for p in self.profiles if p is not copy]
            problem = profile_problem(copy, others)
            if problem:
                found.append((row, problem))
        return found

    def show_problem(self, row: int, message: str) -> None:
        """Select ``row`` and show ``message`` under its fields."""
        self.list.setCurrentRow(row)
        _show_error(self.error, message)

    def save(self) -> None:
        """Write the profiles and the default (call after ``problems()`` is empty)."""
        accounts = self._app.accounts
        for name in self.removed:
            accounts.remove(name)
        for copy in self.profiles:
            if not copy.built_in:
                name = copy.name.strip()
                accounts.save(
                    AccountProfile(name=name, endpoint=copy.endpoint.strip(), rate=copy.rate)
                )
        accounts.set_default(self.default)

    def typed_keys(self) -> dict[str, str]:
        """The keys typed in, by profile name."""
        return {p.name.strip(): p.key.strip() for p in self.profiles if p.key.strip()}

    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        row = self.list.currentRow()
        self.list.clear()
        for copy in self.profiles:
            label = copy.name.strip() or "(new profile)"
            if copy.built_in:
                label += " (built in)"
            if copy.name.strip() == self.default:
                label += " — default"
            self.list.addItem(label)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)

    def _show_profile(self, row: int) -> None:
        copy = self.current()
        if copy is None:
            return
        widgets = (self.name, self.endpoint, self.rate, self.key, self.default_box)
        for widget in widgets:
            widget.blockSignals(True)
        self.name.setText(copy.name)
        self.name.setReadOnly(copy.saved)
        self.name.setToolTip(
            "To rename, add a new profile and remove this one" if copy.saved else ""
        )
        self.endpoint.setText(copy.endpoint)
        self.rate.setValue(copy.rate)
        self.key.setText(copy.key)
        stored = None if copy.built_in or not copy.saved else self._app.keys.get(copy.name)
        self.key.setPlaceholderText(
            f"saved ({mask(stored)}); type to replace" if stored else "not set"
        )
        self.default_box.setChecked(copy.name.strip() == self.default)
        for widget in (self.endpoint, self.rate, self.key):
            widget.setEnabled(not copy.built_in)
        for widget in widgets:
            widget.blockSignals(False)
        self.remove_button.setEnabled(not copy.built_in)
        self.note.setText(
            "Built in: requests go to a receiver on this computer and nothing leaves it. "
            "Use it to try everything without a key."
            if copy.built_in
            else ""
        )
        _show_error(self.error, None)

    def _fields_edited(self) -> None:
        copy = self.current()
        if copy is None or copy.built_in:
            return
        was_default = copy.name.strip() == self.default
        copy.name, copy.endpoint = self.name.text(), self.endpoint.text()
        copy.rate, copy.key = self.rate.value(), self.key.text()
        if was_default:
            self.default = copy.name.strip()
        self._fill_list()
        others = [p.name.strip() for p in self.profiles if p is not copy]
        _show_error(self.error, profile_problem(copy, others))

    def _default_toggled(self, checked: bool) -> None:
        copy = self.current()
        if copy is not None:
            self.default = copy.name.strip() if checked else SANDBOX_PROFILE
            self._fill_list()


class GeneralTab(QWidget):
    """Default region, default event source and the operator's e-mail."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        settings = app.store.settings
        self.region = QComboBox(objectName="regionCombo")
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
        self.email.textEdited.connect(lambda _: _show_error(self.error, self.problem()))
        self.error = _error_label()
        self.error.setObjectName("generalError")
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


class ConsentTextsTab(QWidget):
    """The consent wordings staff pick from: a name and the exact words shown."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.templates = [[t.name, t.text] for t in consent_templates(settings)]
        self.list = QListWidget(objectName="templateList")
        add, remove = QPushButton("Add"), QPushButton("Remove")
        add.setObjectName("addTemplateButton")
        remove.setObjectName("removeTemplateButton")
        add.clicked.connect(self.add_template)
        remove.clicked.connect(self.remove_template)
        self.name = QLineEdit(objectName="templateNameEdit")
        self.text = QPlainTextEdit(objectName="templateTextEdit")
        self.text.setTabChangesFocus(True)
        self.error = _error_label()
        self.error.setObjectName("templateError")
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(buttons)
        right = QFormLayout()
        right.addRow("Name", self.name)
        right.addRow("Exact words shown", self.text)
        right.addRow("", self.error)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 5)
        self.name.textEdited.connect(self._edited)
        self.text.textChanged.connect(self._edited)
        self.list.currentRowChanged.connect(self._show)
        self.list.addItems([name for name, _ in self.templates])
        self.list.setCurrentRow(0)

    def add_template(self) -> None:
        """Start a new consent text."""
        self.templates.append(["", ""])
        self.list.addItem("(new text)")
        self.list.setCurrentRow(len(self.templates) - 1)
        self.name.setFocus()

    def remove_template(self) -> None:
        """Remove the selected consent text."""
        row = self.list.currentRow()
        if 0 <= row < len(self.templates):
            del self.templates[row]
            self.list.takeItem(row)

    def problems(self) -> list[tuple[int, str]]:
        """Every text's problem, with its row."""
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

    def show_problem(self, row: int, message: str) -> None:
        """Select ``row`` and show ``message`` under its fields."""
        self.list.setCurrentRow(row)
        _show_error(self.error, message)

    def save(self, settings: Settings) -> None:
        """Write the list (call after ``problems()`` is empty)."""
        entries = [{"name": n.strip(), "text": t.strip()} for n, t in self.templates]
        settings.set(TEMPLATES_SETTING, entries)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.templates):
            return
        name, text = self.templates[row]
        for widget in (self.name, self.text):
            widget.blockSignals(True)
        self.name.setText(name)
        self.text.setPlainText(text)
        for widget in (self.name, self.text):
            widget.blockSignals(False)
        _show_error(self.error, None)

    def _edited(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.templates):
            return
        self.templates[row] = [self.name.text(), self.text.toPlainText()]
        item = self.list.item(row)
        item.setText(self.name.text().strip() or "(new text)")
        mine = [p for p in self.problems() if p[0] == row]
        _show_error(self.error, mine[0][1] if mine else None)


class SettingsDialog(QDialog):
    """Accounts, General and Consent texts; Save writes everything or nothing."""

    def __init__(
        self,
        app: AppContext,
        remember_key: Callable[[str, str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings — Regal Desktop")
        self._app = app
        self._remember_key = remember_key
        self.accounts = AccountsTab(app)
        self.general = GeneralTab(app)
        self.consent = ConsentTextsTab(app.store.settings)
        self.tabs = QTabWidget(objectName="settingsTabs")
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
            self._remember_key(name, key)
        super().accept()
