"""The editor window: the contact form on the left, the review on the right, menus on top."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QMenu, QSplitter, QWidget

from regal_desktop.domain.check import Checked, check
from regal_desktop.domain.findings import Level
from regal_desktop.domain.model import body_text
from regal_desktop.services.checking import check_known
from regal_desktop.services.payload_files import PayloadFileError, read_payloads
from regal_desktop.ui.editor.consent_panel import ConsentTemplate, load_consent_templates
from regal_desktop.ui.editor.contact_form import ContactForm
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.draft import input_findings
from regal_desktop.ui.editor.draft_files import (
    Autosave,
    DraftFileError,
    RecentFiles,
    write_atomically,
)
from regal_desktop.ui.editor.undo_keys import DocumentUndoKeys
from regal_desktop.ui.review.findings import path_parts
from regal_desktop.ui.review.pane import ReviewPane
from regal_desktop.ui.shell.context import WindowContext
from regal_desktop.ui.shell.dialogs import SaveChoice
from regal_desktop.ui.shell.icons import app_icon

if TYPE_CHECKING:
    from regal_desktop.ui.outbox.controller import SendController

_AUTOSAVE_MS = 10_000
_OPENABLE = (".json", ".jsonc")


class MainWindow(QMainWindow):
    """One contact being edited. ``send_requested`` asks the send controller to act."""

    #: The user asked to send; ``checked`` holds the body and its findings (no errors).
    send_requested = Signal()

    def __init__(
        self,
        context: WindowContext,
        templates: list[ConsentTemplate] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("mainWindow")
        self.setWindowIcon(app_icon())
        self.document = ContactDocument(self, clock=context.clock)
        self.form = ContactForm(
            self.document, templates if templates is not None else load_consent_templates()
        )
        self.review = ReviewPane()
        self.checked: Checked = check({})
        #: Set by ``attach_sending`` (app.py): sends, the outbox and accounts.
        self.sending: SendController | None = None
        self.known: dict[str, Any] | None = None
        self.path: Path | None = None
        self._known_cache: dict[str, dict[str, Any] | None] = {}
        self.autosave = Autosave(context.paths.data)
        self.recent = RecentFiles(context.settings)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.form)
        self.splitter.addWidget(self.review)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.setAcceptDrops(True)

        # Checking waits for the event loop to be idle, so a burst of keystrokes (or a
        # paste) costs one check, not one per character.
        self._review_timer = QTimer(self, singleShot=True, interval=0)
        self._review_timer.timeout.connect(self.refresh_review)
        self.document.changed.connect(self._review_timer.start)
        self.document.modifiedChanged.connect(self._update_title)
        self._autosave_timer = QTimer(self, interval=_AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave_now)
        self._autosave_timer.start()

        undo_keys = DocumentUndoKeys(self)
        for edit in self.form.findChildren(QLineEdit):
            edit.installEventFilter(undo_keys)
        self.review.findings.findingActivated.connect(self.go_to_finding)
        self.review.send_button.clicked.connect(self.request_send)
        self._build_menus()
        self._restore_geometry()
        self.refresh_review()
        self._update_title()
        self.statusBar().showMessage("New contact", 3000)

    # -- menus -----------------------------------------------------------------------

    def menu(self, title: str) -> QMenu:
        """The menu called ``title`` (e.g. "&View"), added at the end if missing."""
        for action in self.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and action.text() == title:
                return menu
        return self.menuBar().addMenu(title)

    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        name: str = "",
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        keys = QKeySequence.StandardKey
        self.new_action = self._action("&New contact", self.new_contact, keys.New, "newAction")
        self.open_action = self._action("&Open…", self.open_dialog, keys.Open, "openAction")
        self.save_action = self._action("&Save draft", self.save, keys.Save, "saveAction")
        self.save_as_action = self._action(
            "Save draft &as…", self.save_as, keys.SaveAs, "saveAsAction"
        )
        self.quit_action = self._action("&Quit", self.close, keys.Quit, "quitAction")
        self.undo_action = self.document.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(keys.Undo)
        self.redo_action = self.document.undo_stack.createRedoAction(self, "&Redo")
        # Ctrl+Shift+Z everywhere, plus the platform's own (Ctrl+Y on Windows). A sequence
        # listed twice would make the shortcut ambiguous, and Qt would then ignore it.
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        redo_keys += [k for k in QKeySequence.keyBindings(keys.Redo) if k not in redo_keys]
        self.redo_action.setShortcuts(redo_keys)
        self.send_action = self._action("Se&nd…", self.request_send, "Ctrl+Return", "sendAction")
        self.send_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        contact_menu = self.menuBar().addMenu("&Contact")
        contact_menu.addAction(
            self._action("Add &phone", self.form.phones.add_row, "Ctrl+Shift+P", "addPhoneAction")
        )
        contact_menu.addAction(
            self._action("Add &e-mail", self.form.emails.add_row, "Ctrl+Shift+E", "addEmailAction")
        )
        contact_menu.addSeparator()
        contact_menu.addAction(self.send_action)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        for path in paths:
            action = self.recent_menu.addAction(path.name)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, path=path: self.open_path_asking(path))
        if not paths:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    # -- review ----------------------------------------------------------------------

    def refresh_review(self) -> None:
        """Check the draft now and show the preview, findings, profile and Send state."""
        self._review_timer.stop()
        checked, known = check_known(self.document.to_raw(), self.context.region, self._lookup)
        findings = (*checked.findings, *input_findings(self.document.draft))
        self.checked, self.known = checked, known
        self.review.show_review(checked.text, findings, known, checked.body)
        sendable = not any(f.level is Level.ERROR for f in findings)
        self.send_action.setEnabled(sendable)

    def _lookup(self, key: str) -> dict[str, Any] | None:
        """The directory's profile for ``key``, remembered until a send changes it."""
        if key not in self._known_cache:
            self._known_cache[key] = self.context.app.store.directory.get(key)
        return self._known_cache[key]

    def forget_known_profiles(self) -> None:
        """Look profiles up again (call after a send changed the directory)."""
        self._known_cache.clear()
        self.refresh_review()

    def go_to_finding(self, path: str) -> None:
        """Select and focus the field a finding's path names."""
        if not self.form.focus_path(path_parts(path)):
            self.statusBar().showMessage(f"{path} is not a field of the form", 5000)

    def request_send(self) -> None:
        """Emit ``send_requested`` when the current body has no errors."""
        self.refresh_review()
        if self.send_action.isEnabled():
            self.send_requested.emit()

    # -- files -----------------------------------------------------------------------

    @property
    def document_name(self) -> str:
        """The file name, or "Untitled contact"."""
        return self.path.name if self.path else "Untitled contact"

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.document_name}[*] — Regal Desktop")
        self.setWindowModified(self.document.is_modified)

    def maybe_save(self) -> bool:
        """Ask to save a modified contact; False when the user cancels."""
        if not self.document.is_modified:
            return True
        choice = self.context.prompts.ask_save_changes(self, self.document_name)
        if choice is SaveChoice.SAVE:
            return self.save()
        return choice is SaveChoice.DISCARD

    def blank_payload(self) -> dict[str, Any]:
        """A new contact: empty but for the default event source from the settings."""
        source = self.context.app.store.settings.get("default_event_source", "")
        return {"eventSource": source} if isinstance(source, str) and source else {}

    def new_contact(self) -> None:
        """Start a blank contact (asking to save the current one first)."""
        if self.maybe_save():
            self.show_payload(self.blank_payload(), None)
            self.statusBar().showMessage("New contact", 3000)

    def open_dialog(self) -> None:
        """Ask for a payload file and open it."""
        if not self.maybe_save():
            return
        folder = self.path.parent if self.path else Path.home()
        path = self.context.prompts.ask_open_path(self, folder)
        if path is not None:
            self.open_path(path)

    def open_path_asking(self, path: Path) -> None:
        """Open ``path`` after asking to save the current contact."""
        if self.maybe_save():
            self.open_path(path)

    def open_path(self, path: Path) -> bool:
        """Load a payload file into the form; errors are shown, never raised."""
        try:
            raw = read_payloads(path)[0].raw
        except PayloadFileError as exc:
            self.context.prompts.show_error(self, "Cannot open file", str(exc))
            return False
        if not isinstance(raw, dict):
            self.context.prompts.show_error(
                self, "Cannot open file", f"{path}: a payload must be a JSON object {{...}}."
            )
            return False
        original = check(raw, region=self.context.region)
        self.show_payload(raw, path)
        self.recent.add(path)
        if check(self.document.to_raw(), region=self.context.region).text != original.text:
            problems = "\n".join(f"• {f.path}: {f.message}" for f in original.errors[:6])
            self.context.prompts.show_warning(
                self,
                "Some parts were left out",
                f"{path.name} has parts the form cannot hold; they were left out. Compare "
                f"the preview with the file before saving.\n\n{problems}".rstrip(),
            )
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def show_payload(self, raw: dict[str, Any], path: Path | None, modified: bool = False) -> None:
        """Put ``raw`` in the form (no prompt: callers ask to save first)."""
        self.path = path
        self._known_cache.clear()
        self.form.consent.set_target(None)
        self.document.from_raw(raw, region=self.context.region, modified=modified)
        draft = self.document.draft
        # Show the consent of the primary (else first) phone or e-mail straight away.
        points = (
            (self.form.phones, [row.primary for row in draft.phones]),
            (self.form.emails, [row.primary for row in draft.emails]),
        )
        for editor, primaries in points:
            if primaries:
                editor.select_row(primaries.index(True) if True in primaries else 0, focus=False)
                break
        self.refresh_review()
        self._update_title()

    def save(self) -> bool:
        """Save the draft to its file (asking where if it has none); True when saved."""
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        """Ask where to save the draft and save it there."""
        suggested = self.path or Path.home() / "contact.json"
        path = self.context.prompts.ask_save_path(self, suggested)
        return path is not None and self._write(path)

    def _write(self, path: Path) -> bool:
        try:
            write_atomically(path, body_text(self.document.to_raw()) + "\n")
        except DraftFileError as exc:
            self.context.prompts.show_error(self, "Cannot save draft", str(exc))
            return False
        self.path = path
        self.document.mark_saved()
        self.autosave.clear()
        self.recent.add(path)
        self._update_title()
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    # -- autosave --------------------------------------------------------------------

    def autosave_now(self) -> None:
        """Keep a copy of a modified contact so a crash loses at most a few seconds."""
        if not self.document.is_modified:
            return
        try:
            self.autosave.save(self.document.to_raw(), self.path, self.context.clock())
        except DraftFileError as exc:
            self.statusBar().showMessage(f"Autosave failed: {exc}", 10000)

    def offer_autosave(self) -> None:
        """If a contact was left unsaved last time, offer to restore it."""
        saved = self.autosave.load()
        if saved is None:
            return
        raw, source, when = saved
        if self.context.prompts.ask_restore_autosave(self, when):
            self.show_payload(raw, source, modified=True)
            self.statusBar().showMessage("Restored the autosaved contact", 5000)
        else:
            self.autosave.clear()

    # -- window events ---------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.autosave.clear()
        self._autosave_timer.stop()
        self.context.settings.setValue("window/geometry", self.saveGeometry())
        self.context.settings.setValue("window/splitter", self.splitter.saveState())
        self.context.settings.setValue("window/docks", self.saveState())
        self.context.settings.sync()
        event.accept()

    def restore_docks(self) -> None:
        """Put the docks (outbox, ...) back as the user left them; call once they exist."""
        docks = self.context.settings.value("window/docks")
        if isinstance(docks, QByteArray):
            self.restoreState(docks)

    def _restore_geometry(self) -> None:
        geometry = self.context.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            splitter = self.context.settings.value("window/splitter")
            if isinstance(splitter, QByteArray):
                self.splitter.restoreState(splitter)
            return
        screen = QApplication.primaryScreen()
        available = screen.availableGeometry() if screen else None
        width = min(1360, available.width() - 80) if available else 1360
        height = min(860, available.height() - 80) if available else 860
        self.resize(width, height)
        self.splitter.setSizes([width * 3 // 5, width * 2 // 5])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_path_asking(path)

    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) == 1 and urls[0].isLocalFile():
            path = Path(urls[0].toLocalFile())
            if path.suffix.lower() in _OPENABLE:
                return path
        return None
