"""Drain a Segment account's outbox: the requests' Segment calls in batches to ``/batch``.

The machinery is the ``Sender``'s (claims with leases, the rate limiter, the recorder,
hand-back on stop, recovery after a crash); what differs is what one POST carries. Each
worker takes what the queue holds, packs a batch (``batches.pack``) and posts it with the
write key as HTTP Basic user name. The answer settles every request of the batch alike:
200 delivered, 400 rejected with Segment's answer, 401/403 held (the key), 429, 5xx and
network failures retried with the same message ids, so Segment drops any copy that had
arrived. The rate counts POSTs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx

from regal_desktop.delivery.batches import Batch, batch_url, pack
from regal_desktop.delivery.client import Backoff, classify, post
from regal_desktop.delivery.keys import UnusableKey
from regal_desktop.delivery.ratelimit import SharedRateLimiter
from regal_desktop.delivery.recorder import Recorder
from regal_desktop.delivery.report import Progress
from regal_desktop.delivery.sender import DeliveryTarget, Sender
from regal_desktop.delivery.waits import attempt_timeout
from regal_desktop.domain.segment import MAX_BATCH_MESSAGES
from regal_desktop.store.db import Location, utc_now
from regal_desktop.store.outbox import AttemptResult, Claimed, Outcome

#: Batches in flight at once: each carries up to 2,500 messages, so a few keep Segment busy.
SEGMENT_WORKERS = 4


class SegmentSender(Sender):
    """Sends the queued requests of a Segment account's profile in batches."""

    service = "Segment"
    key_words = "the write key"

    max_workers = SEGMENT_WORKERS

    @property
    def url(self) -> str:
        """Where the batches go: the account's ``/batch``."""
        return batch_url(self.target.endpoint)

    def _backlog(self) -> int:
        """Enough claimed requests for every worker's next batch."""
        return self.target.workers * MAX_BATCH_MESSAGES

    async def _work(
        self,
        client: httpx.AsyncClient,
        queue: asyncio.Queue[Claimed | None],
        limiter: SharedRateLimiter,
        recorder: Recorder,
    ) -> None:
        taken: list[Claimed] = []  # claimed and taken from the queue, not yet settled
        try:
            while True:
                if not taken:
                    first = await queue.get()
                    if first is None:
                        return
                    taken.append(first)
                _top_up(taken, queue)
                self._wake.set()  # room in the queue: the feeder may claim more
                if self._halt.is_set():
                    taken.clear()  # not sent: handed back to the queue at the end
                    continue
                self._in_flight += len(taken)
                try:
                    packed = await asyncio.to_thread(pack, taken)
                    if packed.rejected:
                        await self._reject(packed.rejected, recorder)
                    if packed.batch.requests:
                        await limiter.acquire()
                        if not self._halt.is_set():
                            await self._send(client, packed.batch, recorder, limiter)
                finally:
                    self._in_flight -= len(taken)
                taken = packed.rest if not self._halt.is_set() else []
                if self._in_flight == 0 and not taken:
                    self._wake.set()  # the feeder may be waiting to see the end
        except BaseException:
            self._stop_now()
            raise

    async def _reject(self, rejected: list[tuple[Claimed, str]], recorder: Recorder) -> None:
        """Settle requests that cannot go to Segment as rejected, each with why."""
        now = utc_now()
        await recorder.add_all(
            [
                AttemptResult(item.id, now, now, None, why, Outcome.REJECTED)
                for item, why in rejected
            ]
        )
        self._outcomes[Outcome.REJECTED] += len(rejected)
        self._retrying.difference_update(item.id for item, _ in rejected)

    async def _send(
        self,
        client: httpx.AsyncClient,
        batch: Batch,
        recorder: Recorder,
        limiter: SharedRateLimiter,
    ) -> None:
        """Post ``batch`` and settle its requests alike by the answer."""
        started = utc_now()
        unusable: UnusableKey | None = None
        try:
            status, answer, retry_after = await post(
                client,
                self.url,
                self.target.key,
                batch.body(started),
                timeout=attempt_timeout(self.target.timeout, batch.attempts),
                basic=True,
            )
        except UnusableKey as exc:
            unusable = exc
            status, answer, retry_after = None, f"not sent: {exc}", None
        finally:
            limiter.release()
        outcome = Outcome.HELD if unusable else classify(status, answer)
        next_at = 0.0
        if outcome is Outcome.RETRY:
            wait = self.backoff.after(batch.attempts, retry_after)
            next_at = time.time() + min(wait, self.target.max_wait)
        finished = utc_now()
        await recorder.add_all(
            [
                AttemptResult(
                    item.id, started, finished, status, answer, outcome, next_at, self.url, batch.id
                )
                for item in batch.requests
            ]
        )
        ids = [item.id for item in batch.requests]
        self._outcomes[outcome] += len(ids)
        if outcome is Outcome.RETRY:
            self._retrying.update(ids)
        else:
            self._retrying.difference_update(ids)
        if outcome is Outcome.HELD:
            self._refused(status, unusable)


def _top_up(taken: list[Claimed], queue: asyncio.Queue[Claimed | None]) -> None:
    """Take what the queue holds, up to a full batch's worth of requests. A stop's
    ``None`` is left for a worker to find."""
    while len(taken) < MAX_BATCH_MESSAGES:
        try:
            item = queue.get_nowait()
        except asyncio.QueueEmpty:
            return
        if item is None:
            queue.put_nowait(None)
            return
        taken.append(item)


def sender_for(
    db_path: Location,
    target: DeliveryTarget,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    backoff: Backoff | None = None,
    claimer: str | None = None,
) -> Sender:
    """The sender for ``target``'s route: ``SegmentSender`` for ``segment``, else ``Sender``."""
    kind = SegmentSender if target.route == "segment" else Sender
    return kind(
        db_path,
        target,
        transport=transport,
        on_progress=on_progress,
        backoff=backoff,
        claimer=claimer,
    )


__all__ = ["SEGMENT_WORKERS", "SegmentSender", "sender_for"]
