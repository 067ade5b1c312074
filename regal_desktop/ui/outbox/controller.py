"""Sending from the window: queue on the GUI thread, deliver on a worker thread.

Queuing is one short transaction, so it happens at once and nothing is lost if the
application then fails. Delivery (``services.sending.deliver``) runs on a worker thread
per account; its progress reaches the window through queued signals. A send made while
that account is already delivering just queues: the running delivery picks it up, or a
new run starts right after it ends. When the window closes, delivery stops after the
requests in flight and the threads are waited for, so nothing is cut off half-recorded.

The editor and the CSV import both send through :meth:`SendController.submit`: one path
for asking a key, confirming a production send, queuing and delivering. The editor's sends
carry its notes (reason, proof, opt-out words: evidence, never in the body), and the
editor hears Regal's answer to each (``EditedContact.answered``): a send ends the job.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from regal_desktop.context import AppContext
from regal_desktop.delivery.report import Progress, Summary, regal_answer
from regal_desktop.domain.check import Checked
from regal_desktop.domain.consent import format_point
from regal_desktop.services import requests
from regal_desktop.services.accounts import AccountProfile, Destination
from regal_desktop.services.confirmation import Confirmation, build_confirmation
from regal_desktop.services.sending import QUEUE_ERRORS, Prepared, deliver, queue
from regal_desktop.store.requests import ChangeNote, RequestRow
from regal_desktop.store.states import RequestState
from regal_desktop.ui.outbox.keys import KeySession
from regal_desktop.ui.shell.changes import StoreChanges, What
from regal_desktop.ui.shell.dialogs import Dialogs
from regal_desktop.ui.shell.worker import Worker


class EditedContact(Protocol):
    """What sending needs of the editor: the checked body and a way to load another."""

    @property
    def checked(self) -> Checked:
        """The body as it would be sent, with its findings."""

    @property
    def known(self) -> dict[str, Any] | None:
        """What this desk knew of the contact before the send."""

    @property
    def origin(self) -> str:
        """Where the contact came from (a file, or "editor")."""

    def maybe_save(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels."""

    def show_payload(self, raw: dict[str, Any], path: Any, modified: bool = False) -> bool:
        """Load ``raw`` as the contact being edited; False when it was refused (too big)."""

    def send_notes(self) -> Mapping[tuple[str, str], ChangeNote]:
        """The evidence to keep with the send (``NewRequest.notes``), never sent."""

    def retired_points(self) -> Mapping[str, str]:
        """The points the send retires (Replace…): directory key -> reason."""

    def sent(self, request_id: int) -> None:
        """The contact was queued as request ``request_id``."""

    def answered(self, request: RequestRow) -> None:
        """Regal answered a request sent from the window (delivered or rejected)."""


@dataclass(frozen=True)
class Queued:
    """Requests put in the outbox by one submit, and where they go."""

    destination: Destination
    ids: list[int]


class SendController(QObject):
    """Sends the editor's contact and imports; runs the outbox's deliveries; keeps keys."""

    progress = Signal(object)  # Progress
    finished = Signal(object)  # Summary
    failed = Signal(str)
    #: The delivery of an account ended (finished, paused or failed): its name.
    stopped = Signal(str)
    fixing_changed = Signal(object)  # the request id being fixed, or None
    account_changed = Signal(str)
    #: The window is going: no more reports will come, and the store may close next.
    shut_down = Signal()

    def __init__(
        self,
        app: AppContext,
        contact: EditedContact,
        dialogs: Dialogs,
        changes: StoreChanges,
        say: Callable[[str, int], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.contact = contact
        self.dialogs = dialogs
        self.changes = changes
        self._say = say
        self._parent = parent
        #: The keys of this session; ``keys.remember`` is what Settings calls with a new key.
        self.keys = KeySession(app, dialogs, changes, say, parent)
        self.account = app.accounts.default_name()
        self.fixing: int | None = None
        self._runs: dict[str, Worker] = {}
        self._again: dict[str, Destination] = {}
        self._watched: set[int] = set()
        self._closed = False

    # -- accounts and keys -------------------------------------------------------------

    def set_account(self, name: str) -> None:
        """Send to account ``name`` from now on."""
        if name != self.account:
            self.account = name
            self.account_changed.emit(name)

    # -- sending -------------------------------------------------------------------------

    def submit(
        self,
        parent: QWidget,
        prepared: Sequence[Prepared],
        account: str,
        confirmation: Callable[[AccountProfile], Confirmation],
        watch: bool = True,
    ) -> Queued | None:
        """Ask for a key if needed, confirm a production send, queue and deliver.

        The one way requests enter the outbox from the window. ``watch`` reports each
        rejection in the status bar (a single send; an import has its own page). None when
        nothing was queued (the user was told why).
        """
        destination = self.keys.destination(account)
        if destination is None:
            return None
        profile = destination.profile
        if profile.is_production and not self.dialogs.confirm_send(parent, confirmation(profile)):
            self._say("Not sent: cancelled", 10_000)
            return None
        try:
            ids = queue(self.app.store, prepared, destination, self.app.operator)
        except QUEUE_ERRORS as exc:
            self.dialogs.show_error(parent, "Not sent", f"Nothing was queued: {exc}")
            return None
        if watch:
            self._watched.update(ids)
        self.changes.notify(What.OUTBOX | What.HISTORY)
        self.start(destination)
        return Queued(destination, ids)

    def send(self) -> None:
        """Queue the editor's contact (or the fix being edited) and deliver it."""
        checked = self.contact.checked
        if not checked.sendable:
            self._say("Not sent: fix the errors listed under Findings first", 10_000)
            return
        if self.fixing is not None:
            self._send_fix(self.fixing, checked)
            return
        known = self.contact.known
        queued = self.submit(
            self._parent,
            [
                Prepared(
                    self.contact.origin,
                    checked,
                    self.contact.send_notes(),
                    retires=self.contact.retired_points(),
                )
            ],
            self.account,
            lambda profile: build_confirmation(profile, checked.body, known),
        )
        if queued is not None:
            self.contact.sent(queued.ids[0])
            self._say(f"Queued request {queued.ids[0]} for {self.account}", 10_000)

    def _send_fix(self, fixing: int, checked: Checked) -> None:
        """Replace request ``fixing`` by the edited body, after the same questions."""
        original = self.app.store.outbox.get(fixing)
        if original is None or not original.state.can_fix:
            self.set_fixing(None)
            state = original.state if original else "gone"
            self.dialogs.show_error(
                self._parent,
                "Not sent",
                f"Request {fixing} is {state} now, so this cannot replace it. Send again "
                "to send it as a new request.",
            )
            return
        destination = self.keys.destination(original.profile)
        if destination is None:
            return
        if destination.profile.is_production:
            confirmation = build_confirmation(destination.profile, checked.body, self.contact.known)
            if not self.dialogs.confirm_send(self._parent, confirmation):
                self._say("Not sent: cancelled", 10_000)
                return
        try:
            endpoint = destination.profile.endpoint  # the fix goes where the account sends now
            request_id = requests.replace(self.app.store, fixing, checked.text, endpoint)
        except QUEUE_ERRORS as exc:
            self.dialogs.show_error(self._parent, "Not sent", f"Nothing was queued: {exc}")
            return
        self.set_fixing(None)
        self._watched.add(request_id)
        self.contact.sent(request_id)
        replaced = f"Queued request {request_id} for {original.profile} (replaces request {fixing})"
        self._say(replaced, 10_000)
        self.changes.notify(What.OUTBOX | What.HISTORY)
        self.start(destination)

    def start(self, destination: Destination) -> None:
        """Deliver the account's outbox, unless a delivery for it runs (it then runs
        once more when that one ends)."""
        name = destination.profile.name
        if self._closed:
            return
        if name in self._runs:
            self._again[name] = destination
            return
        database = self.app.database

        def job(report: Callable[[Any], None], should_stop: Callable[[], bool]) -> Summary:
            return deliver(database, destination, on_progress=report, stop=should_stop)

        worker = Worker(
            job,
            lambda exc: (
                f"Delivery for account {name} stopped: {exc}. What was not sent stays "
                "in the outbox."
            ),
            parent=self,
        )
        worker.progressed.connect(self._on_progress)
        worker.done.connect(lambda summary: self._on_summary(name, summary))
        worker.failed.connect(self._on_crash)
        worker.finished.connect(self._on_thread_finished)
        self._runs[name] = worker
        worker.start()

    def is_running(self, account: str | None = None) -> bool:
        """Whether a delivery (for ``account``, or any) is running."""
        threads = self._runs.values() if account is None else [self._runs.get(account)]
        return any(t is not None and not t.isFinished() for t in threads)

    def stop(self, account: str) -> None:
        """Stop ``account``'s delivery after its requests in flight (a pause: what is not
        sent stays queued, and ``start`` or ``send_queued`` goes on with it); ``stopped``
        says when it has."""
        self._again.pop(account, None)  # a run waiting to start would undo the pause
        thread = self._runs.get(account)
        if thread is not None:
            thread.request_stop()
        else:
            self.stopped.emit(account)

    def resume(self) -> int:
        """At start: go on delivering what a previous session left queued (it was
        confirmed when it was queued); returns how many requests wait."""
        waiting = [r for r in requests.pending(self.app.store) if r.state.waiting]
        if waiting:
            self._say(f"Continuing {len(waiting)} request(s) left in the outbox", 10_000)
            self.send_queued()
        return len(waiting)

    def send_queued(self) -> None:
        """Deliver what waits in the outbox, for every account that has something queued."""
        rows = requests.pending(self.app.store)  # a dead sender's requests included
        for account in sorted({r.profile for r in rows if r.state.waiting}):
            destination = self.keys.destination(account)
            if destination is not None:
                self.start(destination)

    def retry(self, request_id: int) -> None:
        """Queue a rejected or held request again and deliver it."""
        request = self.app.store.outbox.get(request_id)
        if request is None:
            return
        destination = self.keys.destination(request.profile)
        if destination is None:
            return
        # Entering a new key has already queued the held requests again.
        requests.recover(self.app.store)
        request = self.app.store.outbox.get(request_id)
        try:
            if request is not None and request.state.can_retry:
                requests.retry(self.app.store, request_id, destination.profile.endpoint)
        except ValueError as exc:
            self.dialogs.show_error(self._parent, "Cannot retry", str(exc))
            return
        self._watched.add(request_id)
        self.changes.notify(What.OUTBOX | What.HISTORY)
        self.start(destination)

    def drop(self, request_id: int) -> None:
        """Give up on a request after asking; it stays in the history as dropped."""
        request = self.app.store.outbox.get(request_id)
        if request is None or not self.dialogs.ask_drop(self._parent, request):
            return
        try:
            requests.drop(self.app.store, request_id)
        except ValueError as exc:
            self.dialogs.show_error(self._parent, "Cannot drop", str(exc))
            return
        if self.fixing == request_id:
            self.set_fixing(None)
        self._say(f"Dropped request {request_id}", 10_000)
        self.changes.notify(What.OUTBOX | What.HISTORY)

    # -- fixing a rejected request ----------------------------------------------------

    def open_in_editor(self, request_id: int) -> None:
        """Load a request's body into the editor; the next Send replaces that request."""
        request = self.app.store.outbox.get(request_id)
        if request is None or not request.state.can_fix:
            state = request.state if request else "not in the outbox"
            self.dialogs.show_error(
                self._parent, "Cannot open", f"Request {request_id} is {state}; nothing to fix."
            )
            return
        if not self.contact.maybe_save():
            return
        if not self.contact.show_payload(json.loads(request.body), None, modified=True):
            return
        self.set_fixing(request_id)
        self._say(
            f"Editing request {request_id}: fix it, then Send replaces it in the outbox", 10_000
        )

    def set_fixing(self, request_id: int | None) -> None:
        """Link the editor to the request it fixes (None: a send makes a new request)."""
        if request_id != self.fixing:
            self.fixing = request_id
            self.fixing_changed.emit(request_id)

    def contact_replaced(self) -> None:
        """Another contact was loaded in the editor: it no longer fixes a request."""
        self.set_fixing(None)

    # -- delivery signals ----------------------------------------------------------------

    def _on_progress(self, progress: Progress) -> None:
        self.progress.emit(progress)

    def _on_summary(self, account: str, summary: Summary) -> None:
        if summary.auth_failed:
            self.keys.refuse(account)
            self.dialogs.show_error(
                self._parent,
                "API key refused",
                f"{summary.message}. Check the key in Settings; the next send asks for it. "
                "The requests wait in the outbox.",
            )
        rejected = self._settle_watched()
        idle = not (summary.delivered or summary.rejected or summary.held or summary.remaining)
        if rejected or summary.auth_failed or not idle:
            # A run that found nothing to do must not hide what the last one said.
            self._say(" ".join(rejected) if rejected else summary.message, 30_000)
        self.changes.notify(What.OUTBOX | What.HISTORY | What.DIRECTORY)
        self.finished.emit(summary)

    def _settle_watched(self) -> list[str]:
        """Forget watched requests that are done; a sentence for each one Regal rejected."""
        sentences = []
        for request_id in sorted(self._watched):
            request = self.app.store.outbox.get(request_id)
            if request is None or not request.state.settled:
                continue
            self._watched.discard(request_id)
            self.contact.answered(request)
            if request.state == RequestState.REJECTED:
                answer = regal_answer(request.last_status, request.last_answer)
                who = format_point(request.contact)
                sentences.append(
                    f"Regal rejected request {request_id} ({who}): {answer}. It stays in the "
                    "outbox: open it in the editor to fix and resend."
                )
        return sentences

    def _on_crash(self, message: str) -> None:
        self._say(message, 30_000)
        self.dialogs.show_error(self._parent, "Delivery stopped", message)
        self.failed.emit(message)

    def _on_thread_finished(self) -> None:
        for name, thread in list(self._runs.items()):
            if thread.isFinished():
                del self._runs[name]
                thread.deleteLater()
                again = self._again.pop(name, None)
                if again is not None:
                    self.start(again)
                else:
                    self.stopped.emit(name)
        if not self._closed:  # after closing, the store may be closed too
            self.changes.notify(What.OUTBOX)

    # -- closing ---------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop every delivery after its requests in flight and wait for the threads;
        ``shut_down`` tells the views that read the store on its reports to stop."""
        self._closed = True
        self.shut_down.emit()
        self._again.clear()
        for thread in self._runs.values():
            thread.request_stop()
        for thread in list(self._runs.values()):
            thread.wait()
