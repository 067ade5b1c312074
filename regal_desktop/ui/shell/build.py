"""The composition root: every part of the window is made and connected here, once.

``build_frame`` makes the empty window (cheap: it can paint before the domain loads);
``compose`` makes the editor, the send controller, the outbox dock, the account bar,
the side windows and Settings, puts them in the frame, fills its menus and connects the
signals between them. Nothing else adds to the window. ``build_main_window`` does both,
for tests and for anything that wants the whole window at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget

from regal_desktop.context import AppContext, open_context
from regal_desktop.services.accounts import AccountError
from regal_desktop.services.clock import local_now
from regal_desktop.services.confirmation import session_only
from regal_desktop.services.consent_texts import ConsentTemplate, consent_templates
from regal_desktop.services.live import watch_other_desks
from regal_desktop.ui.editor.editor import Editor
from regal_desktop.ui.outbox.account_bar import AccountBar, DeliveryStatus, WelcomeBanner
from regal_desktop.ui.outbox.controller import SendController
from regal_desktop.ui.outbox.panel import OutboxPanel
from regal_desktop.ui.settings.dialog import SettingsDialog
from regal_desktop.ui.shell.changes import StoreChanges, Throttle, What
from regal_desktop.ui.shell.context import WindowContext
from regal_desktop.ui.shell.dialogs import Dialogs, ScreenDialogs
from regal_desktop.ui.shell.side_windows import SideWindows
from regal_desktop.ui.shell.style import readable_palette
from regal_desktop.ui.shell.window import MainWindow, build_frame

#: How often the outbox list is read again at most while delivery reports progress.
_OUTBOX_REFRESH_MS = 250
#: The outbox dock's height when the user has not yet chosen one.
_OUTBOX_HEIGHT = 130


class Desk:
    """The window and every part in it, as ``compose`` made them."""

    def __init__(
        self,
        window: MainWindow,
        context: WindowContext,
        templates: list[ConsentTemplate] | None = None,
    ) -> None:
        app = context.app
        self.window, self.context, self.app = window, context, app
        self.changes = StoreChanges(window)
        self.editor = Editor(
            context, templates if templates is not None else consent_templates(app.store.settings)
        )
        self.sending = SendController(
            app, self.editor, context.dialogs, self.changes, window.say, window
        )
        self.outbox = OutboxPanel(app.store)
        self.outbox_dock = QDockWidget("Outbox", window)
        self.banner = WelcomeBanner()
        self.account_bar = AccountBar(self.sending, self.banner)
        self.delivery_status = DeliveryStatus(self.sending)
        self.side = SideWindows(
            app, window, self.editor, self.sending, context.dialogs, self.changes
        )
        self.settings_action = _action(window, "&Settings…", "Ctrl+,", "settingsAction")
        self.history_action = _action(window, "&History…", "Ctrl+H", "historyAction")
        self.contacts_action = _action(window, "&Contacts…", "Ctrl+Shift+F", "contactsAction")
        self.import_action = _action(window, "&Import CSV…", "Ctrl+I", "importAction")
        self.quit_action = _action(window, "&Quit", QKeySequence.StandardKey.Quit, "quitAction")

    def open_settings(self) -> SettingsDialog:
        """Show the Settings dialog (window-modal); saving refreshes the accounts."""
        dialog = SettingsDialog(self.app, self.sending.keys.remember, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._settings_saved(dialog.unsaved_keys))
        dialog.open()
        return dialog

    def _settings_saved(self, unsaved_keys: list[str]) -> None:
        self.sending.set_account(self.app.accounts.default_name())
        self.changes.notify(What.SETTINGS)
        notes = " ".join(session_only(name) for name in unsaved_keys)
        self.window.say(f"Settings saved. {notes}".strip(), 30_000)


def _action(
    window: MainWindow, text: str, keys: str | QKeySequence.StandardKey, name: str
) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    action.setShortcut(keys)
    return action


def _lay_out(desk: Desk) -> None:
    """Banner and editor in the centre, the account bar on top, the outbox below."""
    window = desk.window
    window.add_content(desk.banner)
    window.add_content(desk.editor, 1)
    desk.editor.restore_layout(window.width())
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, desk.account_bar)
    desk.outbox_dock.setObjectName("outboxDock")
    desk.outbox_dock.setWidget(desk.outbox)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, desk.outbox_dock)
    # Small by default: the form is what people work in; the outbox grows when dragged.
    window.resizeDocks([desk.outbox_dock], [_OUTBOX_HEIGHT], Qt.Orientation.Vertical)
    window.statusBar().addPermanentWidget(desk.delivery_status)
    window.restore_docks()


def _fill_menus(desk: Desk) -> None:
    """File, Edit, Contact and View, in the order people read them."""
    window, editor = desk.window, desk.editor
    file_menu = window.file_menu
    file_menu.addAction(editor.new_action)
    file_menu.addAction(editor.open_action)
    file_menu.addMenu(editor.recent_menu)
    file_menu.addAction(desk.import_action)
    file_menu.addAction(desk.side.regal.import_action)
    file_menu.addSeparator()
    file_menu.addAction(editor.save_action)
    file_menu.addAction(editor.save_as_action)
    file_menu.addSeparator()
    file_menu.addAction(desk.quit_action)
    window.edit_menu.addAction(editor.undo_action)
    window.edit_menu.addAction(editor.redo_action)
    window.edit_menu.addSeparator()
    window.edit_menu.addAction(desk.settings_action)
    window.contact_menu.addAction(editor.add_phone_action)
    window.contact_menu.addAction(editor.add_email_action)
    window.contact_menu.addSeparator()
    window.contact_menu.addAction(editor.send_action)
    outbox_toggle = desk.outbox_dock.toggleViewAction()
    outbox_toggle.setShortcut(QKeySequence("Ctrl+Shift+O"))
    window.view_menu.addAction(outbox_toggle)
    window.view_menu.addSeparator()
    window.view_menu.addAction(desk.history_action)
    window.view_menu.addAction(desk.contacts_action)
    window.view_menu.addAction(desk.side.revocations_action)
    window.view_menu.addAction(desk.side.regal.reconcile_action)


def _connect_signals(desk: Desk) -> None:
    """Who listens to whom: every connection between the parts, in one place."""
    window, editor, sending, side = desk.window, desk.editor, desk.sending, desk.side
    # The window
    window.close_requested.connect(editor.keep_unsaved)
    window.closing.connect(editor.close_down)
    window.closing.connect(sending.shutdown)
    window.file_dropped.connect(editor.open_path_asking)
    desk.quit_action.triggered.connect(window.close)
    # The editor
    editor.title_changed.connect(window.show_title)
    editor.message.connect(window.say)
    editor.send_requested.connect(sending.send)
    editor.contact_loaded.connect(sending.contact_replaced)

    # "Copy as curl" sends where Send would: the selected account's endpoint.
    def show_destination(name: str) -> None:
        try:
            profile = desk.app.profile(name)
        except AccountError:
            profile = None
        usable = profile is not None and not profile.is_sandbox
        editor.review.preview.set_endpoint(profile.endpoint if usable and profile else None)

    sending.account_changed.connect(show_destination)
    show_destination(sending.account)
    # The editor checks and previews for the chosen account's route (Regal or Segment).
    desk.account_bar.profile_shown.connect(editor.set_account)
    editor.set_account(desk.account_bar.profile)
    # The outbox dock and the account bar
    desk.outbox.retryRequested.connect(sending.retry)
    desk.outbox.dropRequested.connect(sending.drop)
    desk.outbox.openRequested.connect(sending.open_in_editor)
    desk.outbox.sendQueuedRequested.connect(sending.send_queued)

    def outbox_filled(empty: bool) -> None:
        # An empty outbox shrinks to its one line; its first request gives it room again.
        if not empty:
            window.resizeDocks([desk.outbox_dock], [_OUTBOX_HEIGHT], Qt.Orientation.Vertical)

    desk.outbox.emptyChanged.connect(outbox_filled)
    desk.banner.settings_button.clicked.connect(desk.open_settings)
    # Menus
    desk.settings_action.triggered.connect(desk.open_settings)
    desk.history_action.triggered.connect(side.show_history)
    desk.contacts_action.triggered.connect(side.show_directory)
    desk.import_action.triggered.connect(side.show_import)
    # Delivery reports progress ten times a second: the outbox list is read four times.
    refresh_outbox = Throttle(desk.outbox.refresh, _OUTBOX_REFRESH_MS, desk.outbox)
    sending.progress.connect(refresh_outbox)
    window.closing.connect(refresh_outbox.cancel)
    sending.shut_down.connect(refresh_outbox.cancel)  # a report queued before the end

    # The store changed: every view that shows it reads again.
    def store_changed(what: What) -> None:
        if What.OUTBOX in what:
            desk.outbox.refresh()
        if What.DIRECTORY in what:
            editor.forget_known_profiles()
        if What.SETTINGS in what:
            desk.account_bar.fill()
            editor.form.consent.set_templates(consent_templates(desk.app.store.settings))

    desk.changes.changed.connect(store_changed)
    # Other desks' changes to the team store (PostgreSQL) reach the views the same way.
    live = watch_other_desks(desk.app.database, desk.changes.from_other_desks)
    if live is not None:
        window.closing.connect(live.stop)
    application = QCoreApplication.instance()
    if application is not None:
        application.aboutToQuit.connect(sending.shutdown)


def compose(
    window: MainWindow,
    app: AppContext,
    dialogs: Dialogs | None = None,
    clock: Callable[[], datetime] = local_now,
    templates: list[ConsentTemplate] | None = None,
) -> Desk:
    """Make every part, put it in ``window`` and connect it; a blank contact is shown."""
    readable = readable_palette(QApplication.palette())
    if readable is not None:  # a theme whose disabled buttons look enabled
        QApplication.setPalette(readable)
    context = WindowContext(app, window.settings, dialogs or ScreenDialogs(), clock)
    desk = Desk(window, context, templates)
    _lay_out(desk)
    _fill_menus(desk)
    _connect_signals(desk)
    desk.editor.show_payload(desk.editor.blank_payload(), None)
    desk.editor.focus_first_field()
    window.say("New contact", 3000)
    return desk


def build_main_window(
    argv: list[str] | None = None,
    dialogs: Dialogs | None = None,
    clock: Callable[[], datetime] = local_now,
    templates: list[ConsentTemplate] | None = None,
) -> Desk:
    """Open the store and build the whole window, opening ``argv[0]`` if given.

    Needs a QApplication; no event loop. Raises StoreError when the database cannot be
    opened. The caller closes the store (``desk.app.close()``) when the window is done.
    """
    app = open_context()
    window = build_frame(app.paths)
    desk = compose(window, app, dialogs, clock, templates)
    if argv:
        desk.editor.open_path(Path(argv[0]))
    return desk
