"""Sending from the window: queue on the GUI thread, deliver on a worker thread.

Queuing is one short transaction, so it happens at once and nothing is lost if the
application then fails. Delivery (``services.sending.deliver``) runs on a QThread per
profile; its progress reaches the window through queued signals. A send made while that
profile is already delivering just queues: the running delivery picks it up, or a new
run starts right after it ends. Closing the window stops delivery after the requests in
flight and waits for the thread, so nothing is cut off half-recorded.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, QTimer, Signal

from regal_desktop.delivery.endpoint import EndpointError
from regal_desktop.delivery.keys import KeychainUnavailable
from regal_desktop.delivery.report import Progress, Summary
from regal_desktop.domain.consent import format_point
from regal_desktop.services.accounts import AccountError, Destination
from regal_desktop.services.sending import Prepared, deliver, queue
from regal_desktop.store import StoreError
from regal_desktop.ui.editor.draft import Draft
from regal_desktop.ui.outbox.panel import FIXABLE, regal_answer
from regal_desktop.ui.shell.send_dialogs import (
    DialogSendPrompts,
    SendPrompts,
    build_confirmation,
    session_only,
)
from regal_desktop.ui.shell.window import MainWindow

log = logging.getLogger(__name__)

_SETTLED = ("delivered", "rejected", "held", "dropped")


class DeliveryThread(QThread):
    """Runs ``deliver`` for one destination; signals carry the profile name."""

    progressed = Signal(str, object)
    summarised = Signal(str, object)
    crashed = Signal(str, str)

    def __init__(self, database: Path, destination: Destination, parent: QObject) -> None:
        super().__init__(parent)
        self.destination = destination
        self._database = database
        self._stop = threading.Event()

    def run(self) -> None:
        name = self.destination.profile.name
        try:
            summary = deliver(
                self._database,
                self.destination,
                on_progress=lambda progress: self.progressed.emit(name, progress),
                stop=self._stop.is_set,
            )
        except Exception as exc:  # shown to the user in words; the requests stay queued
            log.exception("delivery for profile %s failed", name)
            self.crashed.emit(
                name,
                f"Delivery for profile {name} stopped: {exc}. What was not sent stays in "
                "the outbox.",
            )
        else:
            self.summarised.emit(name, summary)

    def request_stop(self) -> None:
        """Stop after the requests in flight (safe from any thread)."""
        self._stop.set()


class SendController(QObject):
    """Sends the window's contact, and manages the outbox's deliveries and keys."""

    progress = Signal(object)  # Progress
    finished = Signal(object)  # Summary
    failed = Signal(str)
    outbox_changed = Signal()
    fixing_changed = Signal(object)  # the request id being fixed, or None
    profile_changed = Signal(str)

    def __init__(self, window: MainWindow, prompts: SendPrompts | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.app = window.context.app
        self.prompts: SendPrompts = prompts or DialogSendPrompts()
        #: Keys typed this session, by profile: they win over the keychain until refused.
        self.session_keys: dict[str, str] = {}
        #: Profiles whose key Regal refused: the next send asks for a new one.
        self.refused: set[str] = set()
        self.profile_name = self.app.accounts.default_name()
        self.fixing: int | None = None
        self._fix_draft: Draft | None = None
        self._runs: dict[str, DeliveryThread] = {}
        self._again: dict[str, Destination] = {}
        self._watched: set[int] = set()
        self._closed = False
        self._close_seen = False
        window.send_requested.connect(self.send)
        # Checked once the event loop is idle: during an edit ``changed`` fires before the
        # undo stack counts the new step, so it would look like a freshly loaded contact.
        self._fix_check = QTimer(self, singleShot=True, interval=0)
        self._fix_check.timeout.connect(self._check_fix_link)
        window.document.changed.connect(self._fix_check.start)
        window.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- profiles and keys -------------------------------------------------------------

    def set_profile(self, name: str) -> None:
        """Send to profile ``name`` from now on."""
        if name != self.profile_name:
            self.profile_name = name
            self.profile_changed.emit(name)

    def remember_key(self, profile: str, key: str) -> bool:
        """Use ``key`` for ``profile`` and queue the requests held for a bad key again.

        Returns True when the key was saved in the keychain, False when there is none
        and the key lasts for this session only.
        """
        self.session_keys[profile] = key
        self.refused.discard(profile)
        self.app.store.outbox.release_held(profile)
        self.outbox_changed.emit()
        try:
            self.app.keys.set(profile, key)
        except KeychainUnavailable:
            return False
        return True

    def destination(self, profile: str) -> Destination | None:
        """Where a send to ``profile`` goes, asking for a missing or refused key; None
        (the user was told why) when it cannot be sent."""
        try:
            found = self.app.destination(profile)
        except (AccountError, EndpointError) as exc:
            self.prompts.show_error(self.window, "Cannot send", f"Profile {profile}: {exc}")
            return None
        key = self.session_keys.get(profile)
        if key:
            found = dataclasses.replace(found, key=key)
        if not (found.needs_key or profile in self.refused):
            return found
        reason = (
            f"Regal refused the API key for profile {profile}. Enter the right key."
            if profile in self.refused
            else f"Profile {profile} has no API key yet."
        )
        typed = self.prompts.ask_key(self.window, profile, reason, self.app.keys.available())
        key = (typed or "").strip()
        if not key:
            self._say(f"Not sent: no API key for profile {profile}")
            return None
        if not self.remember_key(profile, key):
            self._say(session_only(profile), 30_000)
        return dataclasses.replace(found, key=key)

    # -- sending -------------------------------------------------------------------------

    def send(self) -> None:
        """Queue the window's contact (or the fix being edited) and deliver it."""
        checked = self.window.checked
        if not checked.sendable:
            self._say("Not sent: fix the errors listed under Findings first")
            return
        fixing = self.fixing
        profile = self.profile_name
        if fixing is not None:
            original = self.app.store.outbox.get(fixing)
            if original is None or original.state not in FIXABLE:
                self.set_fixing(None)
                state = original.state if original else "gone"
                self.prompts.show_error(
                    self.window,
                    "Not sent",
                    f"Request {fixing} is {state} now, so this cannot replace it. Send again "
                    "to send it as a new request.",
                )
                return
            profile = original.profile
        destination = self.destination(profile)
        if destination is None:
            return
        if destination.profile.is_production:
            confirmation = build_confirmation(destination.profile, checked.body, self.window.known)
            if not self.prompts.confirm_send(self.window, confirmation):
                self._say("Not sent: cancelled")
                return
        outbox = self.app.store.outbox
        try:
            if fixing is not None:
                ids = [outbox.replace_body(fixing, checked.text)]
            else:
                origin = str(self.window.path) if self.window.path else "editor"
                prepared = [Prepared(origin, checked)]
                ids = queue(self.app.store, prepared, destination, self.app.operator)
        except (ValueError, StoreError, sqlite3.Error) as exc:
            self.prompts.show_error(self.window, "Not sent", f"Could not queue the request: {exc}")
            return
        self.set_fixing(None)
        self._watched.update(ids)
        fix = f" (replaces request {fixing})" if fixing is not None else ""
        self._say(f"Queued request {ids[0]} for {profile}{fix}")
        self.outbox_changed.emit()
        self.start(destination)

    def start(self, destination: Destination) -> None:
        """Deliver the profile's outbox, unless a delivery for it runs (it then runs
        once more when that one ends)."""
        name = destination.profile.name
        if self._closed:
            return
        if name in self._runs:
            self._again[name] = destination
            return
        thread = DeliveryThread(self.app.database, destination, self)
        thread.progressed.connect(self._on_progress)
        thread.summarised.connect(self._on_summary)
        thread.crashed.connect(self._on_crash)
        thread.finished.connect(self._on_thread_finished)
        self._runs[name] = thread
        thread.start()

    def is_running(self, profile: str | None = None) -> bool:
        """Whether a delivery (for ``profile``, or any) is running."""
        threads = self._runs.values() if profile is None else [self._runs.get(profile)]
        return any(t is not None and not t.isFinished() for t in threads)

    def stop(self, profile: str) -> None:
        """Stop ``profile``'s delivery after its requests in flight (a pause: what is not
        sent stays queued, and ``start`` or ``send_queued`` goes on with it)."""
        self._again.pop(profile, None)  # a run waiting to start would undo the pause
        thread = self._runs.get(profile)
        if thread is not None:
            thread.request_stop()

    def resume(self) -> int:
        """At start: go on delivering what a previous session left queued (it was
        confirmed when it was queued); returns how many requests wait."""
        waiting = [r for r in self.app.store.outbox.pending() if r.state in ("queued", "sending")]
        if waiting:
            self._say(f"Continuing {len(waiting)} request(s) left in the outbox")
            self.send_queued()
        return len(waiting)

    def send_queued(self) -> None:
        """Deliver what waits in the outbox, for every profile that has something queued."""
        rows = self.app.store.outbox.pending()
        for profile in sorted({r.profile for r in rows if r.state in ("queued", "sending")}):
            destination = self.destination(profile)
            if destination is not None:
                self.start(destination)

    def retry(self, request_id: int) -> None:
        """Queue a rejected or held request again and deliver it."""
        request = self.app.store.outbox.get(request_id)
        if request is None:
            return
        destination = self.destination(request.profile)
        if destination is None:
            return
        # Entering a new key has already queued the held requests again.
        request = self.app.store.outbox.get(request_id)
        try:
            if request is not None and request.state in ("rejected", "held"):
                self.app.store.outbox.retry(request_id)
        except ValueError as exc:
            self.prompts.show_error(self.window, "Cannot retry", str(exc))
            return
        self._watched.add(request_id)
        self.outbox_changed.emit()
        self.start(destination)

    def drop(self, request_id: int) -> None:
        """Give up on a request after asking; it stays in the history as dropped."""
        request = self.app.store.outbox.get(request_id)
        if request is None or not self.prompts.ask_drop(self.window, request):
            return
        try:
            self.app.store.outbox.drop(request_id)
        except ValueError as exc:
            self.prompts.show_error(self.window, "Cannot drop", str(exc))
            return
        if self.fixing == request_id:
            self.set_fixing(None)
        self._say(f"Dropped request {request_id}")
        self.outbox_changed.emit()

    # -- fixing a rejected request ----------------------------------------------------

    def open_in_editor(self, request_id: int) -> None:
        """Load a request's body into the editor; the next Send replaces that request."""
        request = self.app.store.outbox.get(request_id)
        if request is None or request.state not in FIXABLE:
            state = request.state if request else "not in the outbox"
            self.prompts.show_error(
                self.window, "Cannot open", f"Request {request_id} is {state}; nothing to fix."
            )
            return
        if not self.window.maybe_save():
            return
        self.window.show_payload(json.loads(request.body), None, modified=True)
        self._fix_draft = self.window.document.draft
        self.set_fixing(request_id)
        self._say(f"Editing request {request_id}: fix it, then Send replaces it in the outbox")

    def set_fixing(self, request_id: int | None) -> None:
        """Link the editor to the request it fixes (None: a send makes a new request)."""
        if request_id is None:
            self._fix_draft = None
        if request_id != self.fixing:
            self.fixing = request_id
            self.fixing_changed.emit(request_id)

    def _check_fix_link(self) -> None:
        # Another contact was loaded (opened, new, restored): an empty undo history with a
        # draft that is not the one we loaded. Edits leave undo steps, so they keep the link.
        document = self.window.document
        if (
            self.fixing is not None
            and document.undo_stack.count() == 0
            and document.draft is not self._fix_draft
        ):
            self.set_fixing(None)

    # -- delivery signals ----------------------------------------------------------------

    def _on_progress(self, profile: str, progress: Progress) -> None:
        self.progress.emit(progress)

    def _on_summary(self, profile: str, summary: Summary) -> None:
        if summary.auth_failed:
            self.refused.add(profile)
            self.session_keys.pop(profile, None)
            self.prompts.show_error(
                self.window,
                "API key refused",
                f"{summary.message}. Check the key in Settings; the next send asks for it. "
                "The requests wait in the outbox.",
            )
        rejected = self._settle_watched()
        self._say(" ".join(rejected) if rejected else summary.message, 30_000)
        self.finished.emit(summary)

    def _settle_watched(self) -> list[str]:
        """Forget watched requests that are done; a sentence for each one Regal rejected."""
        sentences = []
        for request_id in sorted(self._watched):
            request = self.app.store.outbox.get(request_id)
            if request is None or request.state not in _SETTLED:
                continue
            self._watched.discard(request_id)
            if request.state == "rejected":
                answer = regal_answer(request.last_status, request.last_answer)
                who = format_point(request.contact)
                sentences.append(
                    f"Regal rejected request {request_id} ({who}): {answer}. It stays in the "
                    "outbox: open it in the editor to fix and resend."
                )
        return sentences

    def _on_crash(self, profile: str, message: str) -> None:
        self._say(message, 30_000)
        self.prompts.show_error(self.window, "Delivery stopped", message)
        self.failed.emit(message)

    def _on_thread_finished(self) -> None:
        for name, thread in list(self._runs.items()):
            if thread.isFinished():
                del self._runs[name]
                thread.deleteLater()
                again = self._again.pop(name, None)
                if again is not None:
                    self.start(again)
        self.outbox_changed.emit()

    # -- closing ---------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop every delivery after its requests in flight and wait for the threads."""
        self._closed = True
        self._again.clear()
        for thread in self._runs.values():
            thread.request_stop()
        for thread in list(self._runs.values()):
            thread.wait()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # An accepted close hides the window at once (not spontaneously); an ignored close
        # (the user chose Cancel) does not, and the flag is reset on the next event loop turn.
        if watched is self.window:
            if event.type() == QEvent.Type.Close:
                self._close_seen = True
                QTimer.singleShot(0, self._forget_close)
            elif event.type() == QEvent.Type.Hide and self._close_seen and not event.spontaneous():
                self._close_seen = False
                self.shutdown()
        return False

    def _forget_close(self) -> None:
        self._close_seen = False

    def _say(self, text: str, timeout_ms: int = 10_000) -> None:
        self.window.statusBar().showMessage(text, timeout_ms)
