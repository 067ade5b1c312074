"""Adds sending to an editor window: outbox panel, account selector, Settings, welcome.

``attach_sending(window)`` is the one call the application makes. It adds:

* an "Outbox" dock at the bottom (View → Outbox toggles it);
* an "Account" toolbar: which profile Send goes to, with a badge that is red for a real
  Regal account ("PRODUCTION · name") and green for the built-in sandbox;
* Edit → Settings… (Ctrl+,);
* live delivery progress and "fixing request N" in the status bar;
* on first run (no account yet) a dismissible banner saying sends go to the sandbox.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.delivery.endpoint import EndpointError
from regal_desktop.delivery.report import Progress
from regal_desktop.services.accounts import AccountError
from regal_desktop.ui.outbox.controller import SendController
from regal_desktop.ui.outbox.panel import OutboxPanel
from regal_desktop.ui.settings.dialog import SettingsDialog
from regal_desktop.ui.shell.send_dialogs import SendPrompts, session_only
from regal_desktop.ui.shell.window import MainWindow

#: The store setting remembering that the first-run welcome was dismissed.
WELCOME_DISMISSED = "welcome_dismissed"

_BADGE = "QLabel {{ background: {0}; color: white; font-weight: bold; padding: 2px 8px; }}"
_RED, _GREEN, _BLUE, _AMBER = "#b3261e", "#2e7d32", "#1565c0", "#8a5a00"
_PROGRESS_REFRESH_MS = 250


def badge(controller: SendController, name: str) -> tuple[str, str, str]:
    """Text, colour and tooltip of the badge for profile ``name``."""
    try:
        profile = controller.app.profile(name)
    except (AccountError, EndpointError) as exc:
        return f"⚠ {name}", _AMBER, str(exc)
    if profile.is_sandbox:
        return "SANDBOX · this computer", _GREEN, "Built-in sandbox: nothing leaves this computer"
    if profile.is_production:
        return f"PRODUCTION · {name}", _RED, f"Sends to a real Regal account: {profile.endpoint}"
    return f"LOCAL · {name}", _BLUE, f"Sends to a receiver on this computer: {profile.endpoint}"


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


class _SendingUi(QObject):
    """The widgets attach_sending adds, and what keeps them in step with the controller."""

    def __init__(self, window: MainWindow, controller: SendController) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        app = controller.app

        self.panel = OutboxPanel(app.store)
        self.dock = QDockWidget("Outbox", window)
        self.dock.setObjectName("outboxDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        # Small by default: the form is what people work in; the outbox grows when dragged.
        window.resizeDocks([self.dock], [130], Qt.Orientation.Vertical)
        self.panel.retryRequested.connect(controller.retry)
        self.panel.dropRequested.connect(controller.drop)
        self.panel.openRequested.connect(controller.open_in_editor)
        self.panel.sendQueuedRequested.connect(controller.send_queued)
        # Progress arrives ten times a second; the list is read again at most 4 times.
        self._refresh_timer = QTimer(self, singleShot=True, interval=_PROGRESS_REFRESH_MS)
        self._refresh_timer.timeout.connect(self.panel.refresh)
        controller.outbox_changed.connect(self._outbox_changed)
        controller.progress.connect(self._progress)
        controller.finished.connect(self._delivered)

        self.profiles = QComboBox()
        self.profiles.setObjectName("profileCombo")
        self.profiles.setToolTip("The account Send goes to")
        self.badge = QLabel()
        self.badge.setObjectName("profileBadge")
        bar = QToolBar("Account", window)
        bar.setObjectName("accountToolBar")
        bar.setMovable(False)
        bar.addWidget(QLabel(" Send to: "))
        bar.addWidget(self.profiles)
        bar.addWidget(QLabel(" "))
        bar.addWidget(self.badge)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.profiles.currentTextChanged.connect(self._profile_chosen)
        controller.profile_changed.connect(self._show_profile)

        self.settings_action = QAction("&Settings…", window)
        self.settings_action.setObjectName("settingsAction")
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        window.addAction(self.settings_action)
        edit = window.menu("&Edit")
        edit.addSeparator()
        edit.addAction(self.settings_action)
        view = window.menu("&View")
        outbox_toggle = self.dock.toggleViewAction()
        outbox_toggle.setShortcut(QKeySequence("Ctrl+Shift+O"))
        view.addAction(outbox_toggle)

        self.delivery_status = QLabel()
        self.delivery_status.setObjectName("deliveryStatus")
        self.fix_status = QLabel()
        self.fix_status.setObjectName("fixStatus")
        self.fix_status.hide()
        window.statusBar().addPermanentWidget(self.fix_status)
        window.statusBar().addPermanentWidget(self.delivery_status)
        controller.fixing_changed.connect(self._show_fixing)

        self.banner = WelcomeBanner()
        self.banner.settings_button.clicked.connect(self.open_settings)
        self.banner.dismiss_button.clicked.connect(self.dismiss_welcome)
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.banner)
        central = window.takeCentralWidget()
        if central is not None:
            layout.addWidget(central, 1)
        window.setCentralWidget(holder)
        self.fill_profiles()

    def fill_profiles(self) -> None:
        """List the profiles again (after Settings) and show the chosen one."""
        names = [p.name for p in self.controller.app.accounts.all()]
        if self.controller.profile_name not in names:
            self.controller.set_profile(self.controller.app.accounts.default_name())
        self.profiles.blockSignals(True)
        self.profiles.clear()
        self.profiles.addItems(names)
        self.profiles.setCurrentText(self.controller.profile_name)
        self.profiles.blockSignals(False)
        self._show_profile(self.controller.profile_name)

    def open_settings(self) -> SettingsDialog:
        """Show the Settings dialog (window-modal); saving refreshes the profiles."""
        dialog = SettingsDialog(self.controller.app, self.controller.remember_key, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._settings_saved(dialog.unsaved_keys))
        dialog.open()
        return dialog

    def dismiss_welcome(self) -> None:
        """Hide the welcome banner for good."""
        self.controller.app.store.settings.set(WELCOME_DISMISSED, True)
        self.banner.hide()

    def _settings_saved(self, unsaved_keys: list[str]) -> None:
        self.controller.set_profile(self.controller.app.accounts.default_name())
        self.fill_profiles()
        notes = " ".join(session_only(name) for name in unsaved_keys)
        self.window.statusBar().showMessage(f"Settings saved. {notes}".strip(), 30_000)

    def _profile_chosen(self, name: str) -> None:
        if name:
            self.controller.set_profile(name)

    def _show_profile(self, name: str) -> None:
        text, colour, tip = badge(self.controller, name)
        self.badge.setText(text)
        self.badge.setStyleSheet(_BADGE.format(colour))
        self.badge.setToolTip(tip)
        if self.profiles.currentText() != name:
            self.profiles.setCurrentText(name)
        app = self.controller.app
        only_sandbox = len(app.accounts.all()) == 1
        dismissed = app.store.settings.get(WELCOME_DISMISSED, False) is True
        self.banner.setVisible(only_sandbox and not dismissed)

    def _show_fixing(self, request_id: int | None) -> None:
        self.fix_status.setText(f"Fixing request {request_id}: Send replaces it")
        self.fix_status.setVisible(request_id is not None)

    def _progress(self, progress: Progress) -> None:
        parts = [f"{progress.delivered} delivered"]
        if progress.rejected:
            parts.append(f"{progress.rejected} rejected")
        parts.append(f"{progress.queued + progress.in_flight} to send")
        if progress.retrying:
            parts.append(f"{progress.retrying} waiting to retry")
        self.delivery_status.setText("Sending: " + ", ".join(parts))
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _outbox_changed(self) -> None:
        self.panel.refresh()
        if not self.controller.is_running():
            self.delivery_status.clear()

    def _delivered(self) -> None:
        # Delivered bodies changed the directory: the review's "known profile" is stale.
        self.panel.refresh()
        self.window.forget_known_profiles()


def attach_sending(window: MainWindow, prompts: SendPrompts | None = None) -> SendController:
    """Add sending, the outbox, the account selector and Settings to ``window``.

    ``prompts`` replaces the dialogs (tests script them); the controller is returned.
    """
    controller = SendController(window, prompts)
    _SendingUi(window, controller)
    window.sending = controller
    return controller
