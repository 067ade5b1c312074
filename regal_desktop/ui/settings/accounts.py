"""The Accounts tab of Settings: accounts, their kind (Regal or Segment), endpoints, rates
and waits, and their keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from regal_desktop.context import AppContext
from regal_desktop.delivery.endpoint import DEFAULT_RATE, REGAL_ENDPOINT, endpoint_warning
from regal_desktop.delivery.keys import UnusableKey, clean_key, key_problem, mask
from regal_desktop.delivery.waits import DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT
from regal_desktop.domain.segment import SEGMENT_ENDPOINT
from regal_desktop.services.accounts import (
    MAX_RATE,
    MAX_WAIT_RANGE,
    MIN_RATE,
    SANDBOX_PROFILE,
    TIMEOUT_RANGE,
    AccountProfile,
    default_rate,
    segment_warning,
)
from regal_desktop.ui.settings.tabs import NO_KEYCHAIN_NOTE, SANDBOX_NOTE, ListTab, named


@dataclass
class ProfileCopy:
    """An account as the dialog edits it; ``key`` is what was typed (empty: unchanged)."""

    name: str
    endpoint: str
    rate: float
    saved: bool
    timeout: float = DEFAULT_TIMEOUT
    max_wait: float = DEFAULT_MAX_WAIT
    kind: str = "regal"
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
        AccountProfile(
            name=name,
            kind="segment" if copy.kind == "segment" else "regal",
            endpoint=copy.endpoint.strip(),
            rate=copy.rate,
            timeout=copy.timeout,
            max_wait=copy.max_wait,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = str(first["loc"][0]).capitalize() if first["loc"] else "Profile"
        message = str(first["msg"]).removeprefix("Value error, ")
        if message.lower().startswith(where.lower()):
            return message[0].upper() + message[1:]  # "endpoint 'x' must ..." names itself
        return f"{where}: {message}"
    return key_problem(copy.key, f"{key_label(copy)}: the key")


#: The endpoint a new account of each kind starts with.
DEFAULT_ENDPOINTS = {"regal": REGAL_ENDPOINT, "segment": SEGMENT_ENDPOINT}
#: What the Segment note says under a Segment account.
SEGMENT_NOTE = (
    "Sends Segment calls (identify, track) to a Segment source, for Regal's Segment "
    "destination: the key is the source's write key."
)


def key_label(copy: ProfileCopy) -> str:
    """``API key``, or ``Write key`` for a Segment account."""
    return "Write key" if copy.kind == "segment" else "API key"


def with_kind(copy: ProfileCopy, kind: str) -> None:
    """Make ``copy`` an account of ``kind``; an endpoint and a rate left at the other
    kind's defaults (or empty) become this kind's."""
    old = copy.kind
    if copy.endpoint.strip() in ("", DEFAULT_ENDPOINTS.get(old, "")):
        copy.endpoint = DEFAULT_ENDPOINTS[kind]
    if copy.rate == default_rate(old):
        copy.rate = default_rate(kind)
    copy.kind = kind


def account_note(copy: ProfileCopy) -> str:
    """The note under an account: the sandbox's, or a warning about its endpoint."""
    if copy.built_in:
        return SANDBOX_NOTE
    if copy.kind == "segment":
        warning = segment_warning(copy.endpoint.strip())
        return SEGMENT_NOTE + (f"\n⚠ Warning: {warning}" if warning else "")
    warning = endpoint_warning(copy.endpoint)
    return f"⚠ Warning: {warning}" if warning else ""


class AccountsTab(ListTab):
    """The accounts, with name, endpoint, rate, API key and which one is the default."""

    def __init__(self, app: AppContext, parent: QWidget | None = None) -> None:
        self._app = app
        accounts = app.accounts
        self.profiles = [
            ProfileCopy(p.name, p.endpoint, p.rate, True, p.timeout, p.max_wait, p.kind)
            for p in accounts.all()
        ]
        self.removed: list[str] = []
        self.default = accounts.default_name()
        self.name = named(QLineEdit(), "profileNameEdit")
        self.kind = named(QComboBox(), "profileKindCombo")
        self.kind.addItem("Regal (Custom Events API)", "regal")
        self.kind.addItem("Segment (Regal's Segment destination)", "segment")
        self.kind.setToolTip(
            "Regal: each contact goes to Regal's API. Segment: it goes to a Segment source "
            "as identify and track calls, which Regal's Segment destination passes on."
        )
        self.endpoint = named(QLineEdit(), "profileEndpointEdit")
        self.endpoint.setPlaceholderText(REGAL_ENDPOINT)
        self.rate = named(QDoubleSpinBox(), "profileRateSpin")
        # Below one a second cannot be entered; above Regal's 300 is a problem for a Regal
        # account (AccountProfile says so), not for a proxy.
        self.rate.setRange(MIN_RATE, MAX_RATE)
        self.rate.setDecimals(1)
        self.rate.setSuffix(" requests/s")
        self.rate.setToolTip("Regal accepts up to 300 requests per second per account")
        self.timeout = named(QDoubleSpinBox(), "profileTimeoutSpin")
        self.timeout.setRange(*TIMEOUT_RANGE)
        self.timeout.setDecimals(1)
        self.timeout.setSuffix(" s")
        self.timeout.setToolTip(
            "How long a request waits for Regal's answer; each retry after a timeout waits "
            "longer. A request given up on may still arrive, so keep it generous."
        )
        self.max_wait = named(QDoubleSpinBox(), "profileMaxWaitSpin")
        self.max_wait.setRange(*MAX_WAIT_RANGE)
        self.max_wait.setDecimals(0)
        self.max_wait.setSuffix(" s")
        self.max_wait.setToolTip(
            "The longest wait before a retry, whatever Regal's Retry-After or the clock says"
        )
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
        form.addRow("Kind", self.kind)
        form.addRow("Endpoint", self.endpoint)
        form.addRow("Rate limit", self.rate)
        form.addRow("Answer timeout", self.timeout)
        form.addRow("Longest wait", self.max_wait)
        form.addRow("API key", self.key)
        form.addRow("", self.keychain_note)
        form.addRow("", self.default_box)
        form.addRow("", self.note)
        super().__init__("profile", form, parent)  # objectNames: profileList, ...
        for edit in (self.name, self.endpoint, self.key):
            edit.textEdited.connect(self._fields_edited)
        for spin in (self.rate, self.timeout, self.max_wait):
            spin.valueChanged.connect(self._fields_edited)
        self.default_box.toggled.connect(self._default_toggled)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self._form = form
        self.refill(select=0)

    def labels(self) -> list[str]:
        return [
            (p.name.strip() or "(new account)")
            + (" (built in)" if p.built_in else "")
            + (" · Segment" if p.kind == "segment" else "")
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
                    AccountProfile(
                        name=p.name.strip(),
                        kind="segment" if p.kind == "segment" else "regal",
                        endpoint=p.endpoint.strip(),
                        rate=p.rate,
                        timeout=p.timeout,
                        max_wait=p.max_wait,
                    )
                )
        accounts.set_default(self.default)

    def typed_keys(self) -> dict[str, str]:
        """The keys typed in, by account name."""
        keys = {p.name.strip(): clean_key(p.key) for p in self.profiles}  # checked: problems()
        return {name: key for name, key in keys.items() if key}

    def show_entry(self, row: int) -> None:
        copy = self.profiles[row]
        fields: tuple[QWidget, ...] = (
            self.name,
            self.kind,
            self.endpoint,
            self.rate,
            self.timeout,
            self.max_wait,
            self.key,
        )
        for widget in (*fields, self.default_box):
            widget.blockSignals(True)
        self.name.setText(copy.name)
        self.name.setReadOnly(copy.saved)
        self.name.setToolTip("To rename, add an account and remove this one" if copy.saved else "")
        self.kind.setCurrentIndex(max(0, self.kind.findData(copy.kind)))
        self._show_kind(copy)
        self.endpoint.setText(copy.endpoint)
        self.rate.setValue(copy.rate)
        self.timeout.setValue(copy.timeout)
        self.max_wait.setValue(copy.max_wait)
        self.key.setText(copy.key)
        try:
            stored = self._app.keys.get(copy.name) if copy.saved and not copy.built_in else None
            hint = f"saved ({mask(stored)}); type to replace" if stored else "not set"
        except UnusableKey:
            hint = "the saved key cannot be used; type it again"
        self.key.setPlaceholderText(hint)
        self.default_box.setChecked(copy.name.strip() == self.default)
        for widget in (*fields, self.default_box):
            widget.blockSignals(False)
        for widget in (*fields[1:], self.remove_button):
            widget.setEnabled(not copy.built_in)
        self.note.setText(account_note(copy))

    def _fields_edited(self) -> None:
        row = self.list.currentRow()
        copy = self.profiles[row]
        if copy.built_in:
            return
        was_default = copy.name.strip() == self.default
        copy.name, copy.endpoint = self.name.text(), self.endpoint.text()
        copy.rate, copy.key = self.rate.value(), self.key.text()
        copy.timeout, copy.max_wait = self.timeout.value(), self.max_wait.value()
        if was_default:
            self.default = copy.name.strip()
        self.note.setText(account_note(copy))
        self.refill()
        self.show_problem(row, self.problem_of(row))

    def _show_kind(self, copy: ProfileCopy) -> None:
        """The key's label and the endpoint's example follow the account's kind."""
        label = self._form.labelForField(self.key)
        if isinstance(label, QLabel):
            label.setText(key_label(copy))
        self.key.setAccessibleName(key_label(copy))
        self.endpoint.setPlaceholderText(DEFAULT_ENDPOINTS.get(copy.kind, REGAL_ENDPOINT))
        self.rate.setToolTip(
            "Segment asks a source for at most 1,000 requests (batches) per second"
            if copy.kind == "segment"
            else "Regal accepts up to 300 requests per second per account"
        )

    def _kind_chosen(self) -> None:
        row = self.list.currentRow()
        copy = self.profiles[row]
        kind = str(self.kind.currentData())
        if copy.built_in or kind == copy.kind:
            return
        with_kind(copy, kind)
        for widget in (self.endpoint, self.rate):
            widget.blockSignals(True)
        self.endpoint.setText(copy.endpoint)
        self.rate.setValue(copy.rate)
        for widget in (self.endpoint, self.rate):
            widget.blockSignals(False)
        self._show_kind(copy)
        self._fields_edited()

    def _default_toggled(self, checked: bool) -> None:
        copy = self.profiles[self.list.currentRow()]
        self.default = copy.name.strip() if checked else SANDBOX_PROFILE
        self.refill()
