"""The Accounts tab of Settings: accounts, their endpoints and rates, and their keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from regal_desktop.context import AppContext
from regal_desktop.delivery.endpoint import REGAL_ENDPOINT
from regal_desktop.delivery.keys import mask
from regal_desktop.services.accounts import DEFAULT_RATE, SANDBOX_PROFILE, AccountProfile
from regal_desktop.ui.settings.tabs import NO_KEYCHAIN_NOTE, SANDBOX_NOTE, ListTab, named


@dataclass
class ProfileCopy:
    """An account as the dialog edits it; ``key`` is what was typed (empty: unchanged)."""

    name: str
    endpoint: str
    rate: float
    saved: bool
    key: str = field(default="", repr=False)

    @property
    def built_in(self) -> bool:
        return self.saved and self.name == SANDBOX_PROFILE


def profile_problem(copy: ProfileCopy, others: list[str]) -> str | None:
    """What is wrong with an account, in words, or None."""
    name = copy.name.strip()
    if not name:
        return "Name: give the account a name, e.g. production"
    if name == SANDBOX_PROFILE and not copy.built_in:
        return f"Name: {SANDBOX_PROFILE!r} is the built-in sandbox; choose another name"
    if name in others:
        return f"Name: there is already an account called {name!r}"
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


class AccountsTab(ListTab):
    """The accounts, with name, endpoint, rate, API key and which one is the default."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        self._app = app
        accounts = app.accounts
        self.profiles = [
            ProfileCopy(p.name, p.endpoint, p.rate, saved=True) for p in accounts.all()
        ]
        self.removed: list[str] = []
        self.default = accounts.default_name()
        self.name = named(QLineEdit(), "profileNameEdit")
        self.endpoint = named(QLineEdit(), "profileEndpointEdit")
        self.endpoint.setPlaceholderText(REGAL_ENDPOINT)
        self.rate = named(QDoubleSpinBox(), "profileRateSpin")
        self.rate.setRange(0.1, 10_000)
        self.rate.setDecimals(1)
        self.rate.setSuffix(" requests/s")
        self.rate.setToolTip("Regal accepts up to 300 requests per second per account")
        self.key = named(QLineEdit(), "profileKeyEdit")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.default_box = named(QCheckBox("Send here by default"), "profileDefaultBox")
        self.keychain_note = named(QLabel(), "keychainNote")
        self.keychain_note.setWordWrap(True)
        self.keychain_note.setText(
            f"Keys are saved in {app.keys.backend_name()}, never in a file."
            if app.keys.available()
            else NO_KEYCHAIN_NOTE
        )
        self.note = named(QLabel(), "profileNote")
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Endpoint", self.endpoint)
        form.addRow("Rate limit", self.rate)
        form.addRow("API key", self.key)
        form.addRow("", self.keychain_note)
        form.addRow("", self.default_box)
        form.addRow("", self.note)
        super().__init__("profile", form, parent)  # objectNames: profileList, ...
        for edit in (self.name, self.endpoint, self.key):
            edit.textEdited.connect(self._fields_edited)
        self.rate.valueChanged.connect(self._fields_edited)
        self.default_box.toggled.connect(self._default_toggled)
        self.refill(select=0)

    def labels(self) -> list[str]:
        return [
            (p.name.strip() or "(new account)")
            + (" (built in)" if p.built_in else "")
            + (" — default" if p.name.strip() == self.default else "")
            for p in self.profiles
        ]

    def add(self) -> None:
        """Start a new account sending to Regal."""
        self.profiles.append(ProfileCopy("", REGAL_ENDPOINT, DEFAULT_RATE, saved=False))
        self.refill(select=len(self.profiles) - 1)
        self.name.setFocus()

    def remove(self) -> None:
        """Forget the selected account (and its key) on Save; the sandbox stays."""
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
        """Write the accounts and the default (call after ``problems()`` is empty)."""
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
        """The keys typed in, by account name."""
        return {p.name.strip(): p.key.strip() for p in self.profiles if p.key.strip()}

    def show_entry(self, row: int) -> None:
        copy = self.profiles[row]
        fields: tuple[QWidget, ...] = (self.name, self.endpoint, self.rate, self.key)
        for widget in (*fields, self.default_box):
            widget.blockSignals(True)
        self.name.setText(copy.name)
        self.name.setReadOnly(copy.saved)
        self.name.setToolTip("To rename, add an account and remove this one" if copy.saved else "")
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
        self.note.setText(SANDBOX_NOTE if copy.built_in else "")

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
