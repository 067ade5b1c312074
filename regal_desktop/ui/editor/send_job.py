"""A send ends the job: the request sent from the editor, until Regal answers it.

After a send the per-send choices start again (no restatement, no reason, no proof) and
the answer waits beside Send. Once Regal accepts the request, the contact counts as
saved (no draft prompt) unless it was edited since; the answer stays until the next edit
or another contact.
"""

from __future__ import annotations

from regal_desktop.delivery.report import regal_answer
from regal_desktop.services.clock import local_time
from regal_desktop.store.requests import RequestRow
from regal_desktop.store.states import RequestState
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.review.pane import ReviewPane


class SendJob:
    """The last request sent from the editor: its id, the contact and the undo step."""

    def __init__(self, document: ContactDocument, review: ReviewPane) -> None:
        self._document = document
        self._review = review
        self._loads = 0
        self._sent: tuple[int, int, int] | None = None

    @property
    def request_id(self) -> int | None:
        """The request last sent from the editor, if any."""
        return self._sent[0] if self._sent else None

    def loaded(self) -> None:
        """Another contact replaced the one shown: its answer goes."""
        self._loads += 1
        self._review.show_answer("")

    def sent(self, request_id: int) -> None:
        """Request ``request_id`` was queued: the choices start again; wait for Regal."""
        self._sent = (request_id, self._loads, self._document.undo_stack.index())
        self._review.send_done()
        self._review.show_answer(f"Request {request_id} queued; waiting for Regal's answer…")

    def answered(self, request: RequestRow) -> bool:
        """Show Regal's answer if ``request`` is the one sent from here (for the contact
        still shown); True when it was accepted and nothing was edited since, so the
        contact counts as saved."""
        if self._sent is None or self._sent[:2] != (request.id, self._loads):
            return False
        answer = regal_answer(request.last_status, request.last_answer)
        line = f"{request.status} at {local_time(request.finished_at)}: request {request.id}"
        self._review.show_answer(f"{line} ({answer})" if answer else line)
        unedited = self._document.undo_stack.index() == self._sent[2]
        return request.state == RequestState.DELIVERED and unedited

    def edited(self) -> None:
        """An edit (or undo) since the send: the answer goes, and an acceptance arriving
        later no longer makes the contact count as saved."""
        if self._sent is not None and self._document.undo_stack.index() != self._sent[2]:
            self._sent = (self._sent[0], self._sent[1], -1)
            self._review.show_answer("")
