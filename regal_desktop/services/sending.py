"""Queue checked payloads in the outbox and deliver them: shared by the window and the CLI.

A payload is committed to the outbox before any byte goes on the wire; delivery then runs
the outbox for one profile. For the built-in sandbox profile the loopback receiver is
started for the duration of the delivery.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from regal_desktop.delivery.report import Progress, Summary
from regal_desktop.domain.check import Checked
from regal_desktop.domain.profile import display_key
from regal_desktop.services.accounts import Destination
from regal_desktop.services.routes import route_errors, route_of
from regal_desktop.store import Location, Store, StoreError, open_store
from regal_desktop.store.db import NOTHING_CHANGED, transaction
from regal_desktop.store.outbox import NewRequest
from regal_desktop.store.requests import ChangeNote
from regal_desktop.store.states import RequestState

if TYPE_CHECKING:
    from regal_desktop.delivery.sender import Sender


@dataclass(frozen=True)
class Prepared:
    """A checked payload ready to queue, with where it came from and what the operator
    said about its consent changes (``NewRequest.notes``: evidence, not sent)."""

    origin: str
    checked: Checked
    notes: Mapping[tuple[str, str], ChangeNote] = field(default_factory=dict)
    #: The points it retires (Replace…), directory key -> reason (``NewRequest.retires``).
    retires: Mapping[str, str] = field(default_factory=dict)


class NotSendableError(ValueError):
    """Some payloads have errors: nothing was queued."""


#: What queuing (``queue``, ``Outbox.replace_body``) may raise, each with a message to
#: show: a body that cannot be sent, a database that refuses the write or stays locked.
QUEUE_ERRORS: tuple[type[Exception], ...] = (ValueError, StoreError, sqlite3.Error)


def queue(
    store: Store,
    prepared: Sequence[Prepared],
    destination: Destination,
    operator: str,
) -> list[int]:
    """Put every payload in the outbox in one transaction, or none if any has errors."""
    profile = destination.profile
    # The route's errors too: nothing a Segment destination would ignore is queued.
    blocked = [
        p.origin for p in prepared if not p.checked.sendable or route_errors(profile, p.checked)
    ]
    if blocked:
        raise NotSendableError(f"{len(blocked)} payload(s) have errors; nothing was queued")
    endpoint = destination.profile.endpoint
    items = [
        NewRequest(
            profile=destination.profile.name,
            endpoint=endpoint,
            operator=operator,
            body=p.checked.text,
            contact=display_key(p.checked.body),
            origin=p.origin,
            notes=p.notes,
            route=route_of(profile),
            retires=p.retires,
        )
        for p in prepared
    ]
    return store.outbox.enqueue(items)


def queue_stream(
    store: Store,
    prepared: Iterable[Prepared],
    destination: Destination,
    operator: str,
) -> range:
    """``queue`` for payloads produced one at a time (a big file read as a stream): all
    in one transaction, holding a chunk at a time. A payload with errors, or anything
    raised while producing them, stops it and nothing is queued."""

    def requests() -> Iterator[NewRequest]:
        for p in prepared:
            if not p.checked.sendable or route_errors(destination.profile, p.checked):
                raise NotSendableError(f"{p.origin} has errors")
            yield NewRequest(
                profile=destination.profile.name,
                endpoint=destination.profile.endpoint,
                operator=operator,
                body=p.checked.text,
                contact=display_key(p.checked.body),
                origin=p.origin,
                notes=p.notes,
                route=route_of(destination.profile),
                retires=p.retires,
            )

    return store.outbox.enqueue_stream(requests())


def drop_unsent(store: Store, ids: Sequence[int]) -> int:
    """Drop every request of ``ids`` that has not gone out and may still be dropped, in
    one transaction; returns how many. The others (delivered, already dropped, or being
    sent) stay as they are."""
    dropped = 0
    with transaction(store.conn):
        for request_id in ids:
            request = store.outbox.get(request_id)
            if request is not None and request.state.can_drop:
                store.outbox.drop(request_id)
                dropped += 1
    return dropped


@contextlib.contextmanager
def _endpoint_for(destination: Destination) -> Iterator[str]:
    """The URL to send to; starts the built-in sandbox receiver while it is needed."""
    if not destination.profile.is_sandbox:
        yield destination.profile.endpoint
        return
    from regal_desktop.sandbox.server import Sandbox

    with Sandbox().start() as sandbox:
        # A Segment account's sandbox answers as Segment does, under /v1.
        yield sandbox.segment_url if destination.profile.is_segment else sandbox.url


def deliver(
    db_path: Location,
    destination: Destination,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Summary:
    """Deliver the profile's outbox until it is empty (or ``stop()`` turns true).

    A StoreError that stops the delivery (a full disk) says how many requests had been
    delivered by then, not the failed write's "nothing was changed".
    """
    # The HTTP client is loaded on the first send, not when the window starts.
    import asyncio

    from regal_desktop.delivery.segment import sender_for
    from regal_desktop.delivery.sender import DeliveryTarget

    with _endpoint_for(destination) as url:
        target = DeliveryTarget(
            profile=destination.profile.name,
            endpoint=url,
            key=destination.key,
            rate=destination.profile.rate,
            timeout=destination.profile.timeout,
            max_wait=destination.profile.max_wait,
            queued_for=destination.profile.endpoint,  # requests queued elsewhere are held
            route=destination.profile.kind,  # a Segment account sends batches of calls
        )
        before = _counts(db_path, target.profile)
        try:
            sender = sender_for(db_path, target, on_progress=on_progress)
            return asyncio.run(_run(sender, stop))
        except StoreError as exc:
            raise StoreError(_stopped(str(exc), before, _counts(db_path, target.profile))) from exc


def _counts(db_path: Location, profile: str) -> dict[RequestState, int] | None:
    """How many of the profile's requests are in each state (None if it cannot be read)."""
    try:
        store = open_store(db_path)
    except (StoreError, sqlite3.Error):
        return None
    try:
        return store.outbox.counts(profile)
    except (StoreError, sqlite3.Error):
        return None
    finally:
        store.close()


def _stopped(
    message: str, before: dict[RequestState, int] | None, after: dict[RequestState, int] | None
) -> str:
    """A write failure's message, told as the end of a delivery that had done some work."""
    head = message.removesuffix(NOTHING_CHANGED)
    if before is None or after is None:
        return (
            f"{head}; delivery stopped: what was delivered is in the history, and the rest "
            "stays in the outbox until the database can be written"
        )
    delivered = after[RequestState.DELIVERED] - before[RequestState.DELIVERED]
    left = sum(n for state, n in after.items() if state.waiting)
    # Requests whose answer could not be recorded are still 'sending': they may have
    # arrived, and are sent again (at least once).
    unsure = after[RequestState.SENDING]
    maybe = f" ({unsure} of them may have arrived already)" if unsure else ""
    return (
        f"{head}; delivery stopped after {delivered} request(s) were delivered; the other "
        f"{left} stay in the outbox{maybe} and are sent once the database can be written"
    )


async def _run(sender: Sender, stop: Callable[[], bool] | None) -> Summary:
    import asyncio

    if stop is None:
        return await sender.run()
    event = asyncio.Event()

    async def watch() -> None:
        while not stop():
            await asyncio.sleep(0.1)
        event.set()

    watcher = asyncio.create_task(watch())
    try:
        return await sender.run(stop=event)
    finally:
        watcher.cancel()
