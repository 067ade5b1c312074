"""The editor: one contact being edited, its form on the left and its review on the right.

It owns the document (and its undo stack), the draft file and the autosave, and the
actions that act on them (new, open, save and autosave are in ``file_actions``). It says
what happened through signals (``contact_loaded``, ``send_requested``, ``message``,
``title_changed``); the composition root connects them to the window and the send
controller.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QMenu, QSplitter, QWidget

from regal_desktop.domain.check import Checked, check
from regal_desktop.domain.findings import Finding, Level
from regal_desktop.services.accounts import AccountProfile
from regal_desktop.services.checking import check_known
from regal_desktop.services.consent_texts import ConsentTemplate
from regal_desktop.services.known import known_with_sources
from regal_desktop.services.routes import route_preview, with_route
from regal_desktop.store.requests import EVERY_CHANGE, ChangeNote, RequestRow
from regal_desktop.ui.editor.contact_form import ContactForm
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.draft import input_findings, too_big
from regal_desktop.ui.editor.draft_files import Autosave, RecentFiles
from regal_desktop.ui.editor.evidence import WordingCheck
from regal_desktop.ui.editor.file_actions import FileActions
from regal_desktop.ui.editor.replacing import Replacements
from regal_desktop.ui.editor.send_job import SendJob
from regal_desktop.ui.editor.undo_keys import DocumentUndoKeys
from regal_desktop.ui.review.findings import path_parts
from regal_desktop.ui.review.pane import ReviewPane
from regal_desktop.ui.shell.context import WindowContext

_AUTOSAVE_MS = 10_000


class Editor(FileActions, QSplitter):
    """The contact form beside its review (preview, findings, profile after send)."""

    #: The account Send goes to (``set_account``); None checks for Regal's API.
    account: AccountProfile | None = None
    #: The user asked to send; ``checked`` holds the body and its findings (no errors).
    send_requested = Signal()
    #: Another contact replaced the one shown (new, opened, restored, from the history).
    contact_loaded = Signal()
    #: Something to tell the user in the status bar: text, milliseconds.
    message = Signal(str, int)
    #: The document's name or its modified state changed: name, modified.
    title_changed = Signal(str, bool)

    def __init__(
        self,
        context: WindowContext,
        templates: list[ConsentTemplate],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.context = context
        self.setObjectName("mainSplitter")
        self.document = ContactDocument(self, clock=context.clock)
        self.form = ContactForm(self.document, templates)
        self.review = ReviewPane()
        self.checked: Checked = check({})
        #: The errors of the last check: while there are any, Send says why and does not send.
        self.errors: list[Finding] = []
        self.known: dict[str, Any] | None = None
        self.path: Path | None = None
        self._known_cache: dict[str, dict[str, Any] | None] = {}
        #: Where each cached profile's consents are known from (by the profile's id).
        self._known_sources: dict[int, dict[tuple[str, str], str]] = {}
        #: A blank contact shows no findings until something is typed or Send is tried.
        self._quiet = False
        #: The wording warnings, re-checked only for the rows an edit changed.
        self._wordings = WordingCheck()
        #: The last request sent from here, until Regal answers it.
        self.job = SendJob(self.document, self.review)
        #: Numbers and addresses replaced with Replace… in this contact.
        self.replacements = Replacements(self.document)
        self.autosave = Autosave(context.paths.data)
        self.recent = RecentFiles(context.settings)

        self.addWidget(self.form)
        self.addWidget(self.review)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self.setChildrenCollapsible(False)

        # Checking waits for the event loop to be idle, so a burst of keystrokes (or a
        # paste) costs one check, not one per character.
        self._review_timer = QTimer(self, singleShot=True, interval=0)
        self._review_timer.timeout.connect(self.refresh_review)
        self.document.changed.connect(self._review_timer.start)
        self.document.modifiedChanged.connect(self._emit_title)
        self._autosave_timer = QTimer(self, interval=_AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave_now)
        self._autosave_timer.start()

        undo_keys = DocumentUndoKeys(self)
        for edit in self.form.findChildren(QLineEdit):
            edit.installEventFilter(undo_keys)
        self.review.findings.findingActivated.connect(self.go_to_finding)
        self.review.send_button.clicked.connect(self.request_send)
        self.review.restate.toggled.connect(self.refresh_review)
        self.document.undo_stack.indexChanged.connect(self._edited)
        for table, rows in (("phones", self.form.phones), ("emails", self.form.emails)):
            rows.replaceRequested.connect(lambda row, table=table: self.replace_point(table, row))
            rows.model.refused.connect(  # type: ignore[attr-defined]
                lambda text: self.message.emit(text, 15_000)
            )
        self._make_actions()
        self.refresh_review()

    # -- actions ---------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str,
        name: str,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.new_action = self._action("&New contact", self.new_contact, keys.New, "newAction")
        self.open_action = self._action("&Open…", self.open_dialog, keys.Open, "openAction")
        self.save_action = self._action("&Save draft", self.save, keys.Save, "saveAction")
        self.save_as_action = self._action(
            "Save draft &as…", self.save_as, keys.SaveAs, "saveAsAction"
        )
        self.undo_action = self.document.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(keys.Undo)
        self.redo_action = self.document.undo_stack.createRedoAction(self, "&Redo")
        # Ctrl+Shift+Z everywhere, plus the platform's own (Ctrl+Y on Windows). A sequence
        # listed twice would make the shortcut ambiguous, and Qt would then ignore it.
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        redo_keys += [k for k in QKeySequence.keyBindings(keys.Redo) if k not in redo_keys]
        self.redo_action.setShortcuts(redo_keys)
        self.add_phone_action = self._action(
            "Add &phone", self.form.phones.add_row, "Ctrl+Shift+P", "addPhoneAction"
        )
        self.add_email_action = self._action(
            "Add &e-mail", self.form.emails.add_row, "Ctrl+Shift+E", "addEmailAction"
        )
        self.send_action = self._action("Se&nd…", self.request_send, "Ctrl+Return", "sendAction")
        self.send_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

    # -- review ----------------------------------------------------------------------

    def refresh_review(self) -> None:
        """Check the draft now and show the preview, findings, profile and Send state."""
        self._review_timer.stop()
        checked, known = check_known(
            self.document.to_raw(),
            self.context.region,
            self._lookup,
            restate=self.review.restate.isChecked(),
        )
        checked = with_route(self.account, checked)  # the Segment route's checks, if chosen
        findings = (
            *checked.findings,
            *input_findings(self.document.draft),
            *self._wordings.findings(
                self.document.draft, self.form.consent.templates, self.context.region
            ),
        )
        self.checked, self.known = checked, known
        self.document.set_baseline(known, self._known_sources.get(id(known)))
        shown = () if self._quiet else findings
        self.review.show_review(route_preview(self.account, checked), shown, known, checked.body)
        self.review.show_left_out(checked.left_out)
        if self._quiet:  # nothing typed yet: say what to do, not what is wrong
            self.review.status.setText("New contact: type a user ID, a phone or an e-mail.")
            self.review.send_button.setEnabled(False)
        # Send stays enabled so Ctrl+Return can say why nothing was sent.
        self.errors = [f for f in findings if f.level is Level.ERROR]
        self.form.mark_findings(shown)
        if not self.path:  # the title follows the name (or number) as it is typed
            self._emit_title()

    def set_account(self, profile: AccountProfile | None) -> None:
        """Check and preview for the account Send goes to (a Segment account's route has
        its own checks, and its preview shows the Segment calls)."""
        self.account = profile
        self.review.preview.set_route(profile is not None and profile.is_segment)
        self.refresh_review()

    def _lookup(self, key: str) -> dict[str, Any] | None:
        """The known profile for ``key`` (the directory's, with Regal's newer events merged
        in: ``services.known``), remembered until the directory changes."""
        if key not in self._known_cache:
            profile, sources = known_with_sources(self.context.app.store, key)
            self._known_cache[key] = profile
            if profile is not None:
                self._known_sources[id(profile)] = sources
        return self._known_cache[key]

    def forget_known_profiles(self) -> None:
        """Look profiles up again (the directory changed: a delivery, an import)."""
        self._known_cache.clear()
        self._known_sources.clear()
        self.refresh_review()

    def go_to_finding(self, path: str) -> None:
        """Select and focus the field a finding's path names."""
        if not self.form.focus_path(path_parts(path)):
            self.message.emit(f"{path} is not a field of the form", 5000)

    def request_send(self) -> None:
        """Emit ``send_requested`` when the current body has no errors, else say why not."""
        self._quiet = False
        self.refresh_review()
        if not self.errors:
            if self.review.restate.isChecked() and not self._restate_confirmed():
                self.message.emit("Not sent: restating cancelled", 10_000)
                return
            self.send_requested.emit()
            return
        count = len(self.errors)
        first = self.errors[0]
        where = f"{first.path}: " if first.path and first.path != "$" else ""
        self.message.emit(
            f"Not sent: {count} error{'s' * (count != 1)}: {where}{first.message}", 15_000
        )

    def change_notes(self) -> dict[tuple[str, str], ChangeNote]:
        """The consent evidence of the contact for the history, keyed ``(E.164 or
        lower-cased e-mail, channel)``: opt-out method and received time, wording name
        and version (recognised by its words when none was chosen). Never in the body."""
        return self.document.change_notes(self.form.consent.templates)

    def _restate_confirmed(self) -> bool:
        """Ask before restating: how many objects equal to what Regal holds go again."""
        unchanged, _ = check_known(self.document.to_raw(), self.context.region, self._lookup)
        return self.context.dialogs.confirm_restate(self, len(unchanged.left_out))

    def send_notes(self) -> Mapping[tuple[str, str], ChangeNote]:
        """The evidence that goes with the next send, never into the body: the consent
        panel's notes per point and channel, the notes of retired points, and the
        reason and proof typed beside Send (``EVERY_CHANGE``)."""
        notes = self.replacements.notes(self.change_notes())
        reason = self.review.reason.text().strip()
        proof = self.review.proof.text().strip()
        if reason or proof:
            notes[EVERY_CHANGE] = ChangeNote(reason=reason or None, proof=proof or None)
        return notes

    def retired_points(self) -> Mapping[str, str]:
        """The points retired with Replace… in this contact: directory key -> reason."""
        return self.replacements.retired_points()

    def sent(self, request_id: int) -> None:
        """Request ``request_id`` was queued from here (``SendJob.sent``)."""
        self.job.sent(request_id)

    def answered(self, request: RequestRow) -> None:
        """Regal answered a request: the one sent from here shows its answer beside Send,
        and once accepted the contact counts as saved unless edited since."""
        if self.job.answered(request):
            self.document.mark_saved()
            self.autosave.clear()
            self._emit_title()

    def _edited(self) -> None:
        """An edit (or undo): findings show from now on, the last answer goes."""
        self._quiet = False
        self.job.edited()

    def replace_point(self, table: Literal["phones", "emails"], row: int) -> None:
        """Replace… a number or address Regal holds: ask the new one, add it (primary
        where the old one was), retire the old one; one undo step."""
        rows = self.form.phones if table == "phones" else self.form.emails
        dialogs, region = self.context.dialogs, self.context.region
        said, new_row = self.replacements.ask(self, dialogs, rows, row, region)
        if new_row is not None:
            self.form.show_point(rows, new_row)
        if said:
            self.message.emit(said, 15_000)

    def focus_first_field(self) -> None:
        """Put the keyboard in User ID, where a contact starts (at start-up, after New)."""
        self.form.edits["user_id"].setFocus(Qt.FocusReason.OtherFocusReason)

    def show_payload(self, raw: dict[str, Any], path: Path | None, modified: bool = False) -> bool:
        """Put ``raw`` in the form (no prompt: callers ask to save first); False, with a
        message and the form unchanged, for a contact with more rows than it holds."""
        problem = too_big(raw)
        if problem is not None:
            where = f"{path}: " if path is not None else ""
            self.context.dialogs.show_error(self, "Cannot open contact", where + problem)
            return False
        self.path = path
        self._known_cache.clear()
        self._known_sources.clear()
        self.form.consent.set_target(None)
        self.document.from_raw(raw, region=self.context.region, modified=modified)
        self.job.loaded()
        self.replacements.clear()
        # A blank contact (maybe with the default event source) waits for typing.
        self._quiet = path is None and not modified and not set(raw) - {"eventSource"}
        draft = self.document.draft
        # Show the consent of the primary (else first) phone or e-mail straight away.
        points = (
            (self.form.phones, [row.primary for row in draft.phones]),
            (self.form.emails, [row.primary for row in draft.emails]),
        )
        for table, primaries in points:
            if primaries:
                self.form.show_point(table, primaries.index(True) if True in primaries else 0)
                break
        self.refresh_review()
        self._emit_title()
        self.contact_loaded.emit()
        return True

    # -- the window's life ---------------------------------------------------------------

    def restore_layout(self, width: int) -> None:
        """The splitter as the user left it, else form and review at 3:2 of ``width``."""
        state = self.context.settings.value("window/splitter")
        if not (isinstance(state, QByteArray) and self.restoreState(state)):
            self.setSizes([width * 3 // 5, width * 2 // 5])

    def keep_unsaved(self, event: Any) -> None:
        """Before the window closes: ask to save; ``event.ignore()`` keeps it open."""
        if not self.maybe_save():
            event.ignore()

    def close_down(self) -> None:
        """The window is closing: no autosave left behind, the layout remembered."""
        self.autosave.clear()
        self._autosave_timer.stop()
        self.context.settings.setValue("window/splitter", self.saveState())
