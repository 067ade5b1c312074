"""Where Send goes: the account selector with its badge, the first-run banner, and the
delivery progress in the status bar.

The badge is red for a real Regal account ("PRODUCTION · name"), green for the built-in
sandbox and blue for another receiver on this computer; a Segment account says so
("PRODUCTION · name · Segment"). Until an account is set up, a dismissible banner says
that sends go to the sandbox. ``profile_shown`` tells the editor which account it checks
and previews for (a Segment account has its own checks and preview).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QToolBar, QWidget

from regal_desktop.delivery.endpoint import EndpointError
from regal_desktop.delivery.report import Progress
from regal_desktop.services.accounts import AccountError, AccountProfile
from regal_desktop.services.preferences import dismiss_welcome, welcome_dismissed
from regal_desktop.ui.outbox.controller import SendController

_BADGE = "QLabel {{ background: {0}; color: white; font-weight: bold; padding: 2px 8px; }}"
_RED, _GREEN, _BLUE, _AMBER = "#b3261e", "#2e7d32", "#1565c0", "#8a5a00"


def badge(controller: SendController, name: str) -> tuple[str, str, str]:
    """Text, colour and tooltip of the badge for account ``name``."""
    try:
        profile = controller.app.profile(name)
    except (AccountError, EndpointError) as exc:
        return f"⚠ {name}", _AMBER, str(exc)
    segment = " · Segment" if profile.is_segment else ""
    through = " through Segment" if profile.is_segment else ""
    if profile.is_sandbox:
        return (
            f"SANDBOX · this computer{segment}",
            _GREEN,
            f"Built-in sandbox{through}: nothing leaves this computer",
        )
    if profile.is_production:
        tip = (
            f"Sends to a Segment source for Regal's Segment destination: {profile.endpoint}"
            if profile.is_segment
            else f"Sends to a real Regal account: {profile.endpoint}"
        )
        if profile.warning:  # a look-alike, another host, the EU: say so, in the badge too
            return f"PRODUCTION · {name}{segment} ⚠", _RED, f"{tip}\n⚠ Warning: {profile.warning}"
        return f"PRODUCTION · {name}{segment}", _RED, tip
    return (
        f"LOCAL · {name}{segment}",
        _BLUE,
        f"Sends{through} to a receiver on this computer: {profile.endpoint}",
    )


class WelcomeBanner(QFrame):
    """A one-line, dismissible first-run note: sends go to the sandbox for now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#welcomeBanner { background: palette(alternate-base); border-left: 4px solid "
            f"{_GREEN}; }}"
        )
        text = QLabel(
            "<b>Welcome to Regal Desktop.</b> Until you set up an account in Settings, "
            "everything you send goes to the built-in sandbox on this computer, so you can "
            "try it all safely."
        )
        text.setWordWrap(True)
        self.settings_button = QPushButton("Set up an account…")
        self.settings_button.setObjectName("welcomeSettingsButton")
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setObjectName("welcomeDismissButton")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(text, 1)
        layout.addWidget(self.settings_button)
        layout.addWidget(self.dismiss_button)
        self.dismiss_button.clicked.connect(self.hide)


class AccountBar(QToolBar):
    """ "Send to: [account] BADGE": which account Send goes to, and what kind it is."""

    #: The account shown changed, or its settings did: its AccountProfile (None when
    #: it cannot be read).
    profile_shown = Signal(object)

    def __init__(self, controller: SendController, banner: WelcomeBanner) -> None:
        super().__init__("Account")
        self.controller = controller
        self.banner = banner
        #: The account shown now, as the editor should check for it.
        self.profile: AccountProfile | None = None
        self.setObjectName("accountToolBar")
        self.setMovable(False)
        self.accounts = QComboBox()
        self.accounts.setObjectName("profileCombo")
        # As wide as the longest account name: "production" must not read "productic".
        self.accounts.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.accounts.setToolTip("The account Send goes to")
        self.badge = QLabel()
        self.badge.setObjectName("profileBadge")
        self.accounts.setAccessibleName("Send to account")
        label = QLabel(" Send &to: ")
        label.setBuddy(self.accounts)  # Alt+T chooses the account; screen readers name it
        self.addWidget(label)
        self.addWidget(self.accounts)
        self.addWidget(QLabel(" "))
        self.addWidget(self.badge)
        self.accounts.currentTextChanged.connect(self._chosen)
        controller.account_changed.connect(self._show)
        banner.dismiss_button.clicked.connect(self._dismiss_welcome)
        self.fill()

    def fill(self) -> None:
        """List the accounts again (after Settings) and show the chosen one."""
        names = [p.name for p in self.controller.app.accounts.all()]
        if self.controller.account not in names:
            self.controller.set_account(self.controller.app.accounts.default_name())
        self.accounts.blockSignals(True)
        self.accounts.clear()
        self.accounts.addItems(names)
        self.accounts.setCurrentText(self.controller.account)
        self.accounts.blockSignals(False)
        self._show(self.controller.account)

    def _chosen(self, name: str) -> None:
        if name:
            self.controller.set_account(name)

    def _show(self, name: str) -> None:
        text, colour, tip = badge(self.controller, name)
        self.badge.setText(text)
        self.badge.setStyleSheet(_BADGE.format(colour))
        self.badge.setToolTip(tip)
        if self.accounts.currentText() != name:
            self.accounts.setCurrentText(name)
        app = self.controller.app
        only_sandbox = len(app.accounts.all()) == 1
        self.banner.setVisible(only_sandbox and not welcome_dismissed(app.store))
        try:
            self.profile = app.profile(name)
        except (AccountError, EndpointError):
            self.profile = None
        self.profile_shown.emit(self.profile)

    def _dismiss_welcome(self) -> None:
        dismiss_welcome(self.controller.app.store)


class DeliveryStatus(QWidget):
    """The status bar's right end: "Sending: 3 delivered, 2 to send" and the fix link."""

    def __init__(self, controller: SendController) -> None:
        super().__init__()
        self.controller = controller
        self.delivery = QLabel()
        self.delivery.setObjectName("deliveryStatus")
        self.fixing = QLabel()
        self.fixing.setObjectName("fixStatus")
        self.fixing.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.fixing)
        layout.addWidget(self.delivery)
        controller.progress.connect(self._progress)
        controller.fixing_changed.connect(self._show_fixing)
        controller.stopped.connect(self._stopped)

    def _show_fixing(self, request_id: int | None) -> None:
        self.fixing.setText(f"Fixing request {request_id}: Send replaces it")
        self.fixing.setVisible(request_id is not None)

    def _progress(self, progress: Progress) -> None:
        if progress.store_down:
            self.delivery.setText(
                "Waiting for the team database: it does not answer. Sending goes on when it "
                "is back; nothing is lost."
            )
            self.delivery.setToolTip(progress.store_down)
            return
        self.delivery.setToolTip("")
        parts = [f"{progress.delivered} delivered"]
        if progress.rejected:
            parts.append(f"{progress.rejected} rejected")
        parts.append(f"{progress.queued + progress.in_flight} to send")
        if progress.retrying:
            parts.append(f"{progress.retrying} waiting to retry")
        self.delivery.setText("Sending: " + ", ".join(parts))

    def _stopped(self) -> None:
        # After the loop turn: a run that starts again at once keeps its progress shown.
        QTimer.singleShot(0, self._clear_if_idle)

    def _clear_if_idle(self) -> None:
        if not self.controller.is_running():
            self.delivery.clear()
