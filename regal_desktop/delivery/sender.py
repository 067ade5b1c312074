"""Drain one profile's outbox to Regal: bounded workers, the shared rate, retries, evidence.

A fixed pool of ``workers`` asyncio tasks takes requests from a small in-memory queue that
a feeder refills from the outbox in batches, so thousands of queued requests cost a few
dozen tasks, not thousands. Every start takes a send time from the account's schedule
in the store (``SharedRateLimiter``), shared with every other sender of the account;
every outcome is written back through the outbox before the worker moves on (see
``recorder``). Delivery is at least once: after a crash, ``Outbox.recover`` re-queues what
was being sent, so at most one request per worker can arrive twice. A Segment account's
outbox goes out in batches through ``delivery.segment.SegmentSender``, which shares all
of this but what one POST carries (``sender_for`` picks by the account's route).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from regal_desktop.delivery.client import Backoff, classify, post
from regal_desktop.delivery.endpoint import DEFAULT_RATE, check_endpoint, is_loopback
from regal_desktop.delivery.keys import UnusableKey
from regal_desktop.delivery.ratelimit import SharedRateLimiter
from regal_desktop.delivery.recorder import Recorder
from regal_desktop.delivery.report import Progress, Summary
from regal_desktop.delivery.waits import (
    DEFAULT_MAX_WAIT,
    DEFAULT_TIMEOUT,
    STORE_PATIENCE,
    attempt_timeout,
)
from regal_desktop.store import Location, open_store
from regal_desktop.store.claimers import HEARTBEAT, is_claimer_alive, this_claimer
from regal_desktop.store.db import DatabaseUnreachable, StoreError, is_busy, utc_now
from regal_desktop.store.outbox import AttemptResult, Claimed, Outbox, Outcome
from regal_desktop.store.states import RequestState

log = logging.getLogger(__name__)

#: Senders running in this process, by claimer name: a sender may hand its unstarted
#: requests back only when no other sender of this process shares its claimer name.
_running: Counter[str] = Counter()
_running_lock = threading.Lock()


@dataclass
class DeliveryTarget:
    """Where and how fast to send one profile's requests. The key never shows in repr."""

    profile: str
    endpoint: str
    key: str | None = field(repr=False)
    rate: float = DEFAULT_RATE
    workers: int = 24
    #: Seconds the first attempt waits for an answer; later ones wait longer
    #: (``waits.attempt_timeout``).
    timeout: float = DEFAULT_TIMEOUT
    #: The longest wait before a retry, whatever ``Retry-After`` or the clock says.
    max_wait: float = DEFAULT_MAX_WAIT
    #: The endpoint its requests were queued for: the profile's (``sandbox`` for the
    #: built-in receiver, whose URL changes every run). Queued requests of the profile
    #: that name another are held, never sent here. None (tools, tests): every request
    #: of the profile, wherever it was queued for.
    queued_for: str | None = None
    #: How the profile sends: ``regal`` (one request per POST, ``Sender``) or ``segment``
    #: (batches of Segment calls, ``delivery.segment.SegmentSender``; ``sender_for``
    #: picks). With ``queued_for``, requests queued for the other route are held.
    route: str = "regal"


class Sender:
    """Sends the queued requests of ``target.profile`` from the database at ``db_path``."""

    #: Who answers, and what its key is called, in the messages of a run.
    service = "Regal"
    key_words = "the API key"
    #: At most this many requests (or batches) in flight at once, whatever the account says.
    max_workers: int | None = None

    def __init__(
        self,
        db_path: Location,
        target: DeliveryTarget,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        backoff: Backoff | None = None,
        claimer: str | None = None,
    ) -> None:
        check_endpoint(target.endpoint)
        if target.workers < 1:
            raise ValueError(f"workers must be at least 1, got {target.workers}")
        if target.rate < 1:
            raise ValueError(f"rate must be at least 1 request per second, got {target.rate:g}")
        if not 0 < target.timeout < math.inf:
            raise ValueError(f"timeout must be positive and finite, got {target.timeout:g} seconds")
        if not 0 < target.max_wait < math.inf:
            raise ValueError(
                f"the longest wait must be positive and finite, got {target.max_wait:g} seconds"
            )
        if self.max_workers is not None and target.workers > self.max_workers:
            target = dataclasses.replace(target, workers=self.max_workers)
        self.db_path = db_path
        self.target = target
        self.transport = transport
        self.on_progress = on_progress
        self.backoff = backoff or Backoff()
        self.claimer = claimer or this_claimer()
        self._stop_requested = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reset()

    def _reset(self) -> None:
        """Fresh counters and events for one run."""
        self._outcomes: Counter[Outcome] = Counter()
        self._retrying: set[int] = set()
        self._in_flight = 0
        self._refusal: str | None = None  # why the key was refused, said once
        self._moved: set[int] = set()  # held: queued for another endpoint than this run's
        self._halt = asyncio.Event()
        self._wake = asyncio.Event()
        self._store_down = ""  # why the team database cannot be reached, "" while it can
        self._last = Progress(0, 0, 0, 0, 0, 0)  # the last counts read
        self._store_down_since: float | None = None

    def _store(self, reason: str) -> None:
        """The team database stopped answering (``reason``), or answers again (``""``):
        delivery waits for it, holding what it has, and says so once per outage."""
        if reason and not self._store_down:
            log.warning("delivery waits for the database: %s", reason)
            self._store_down_since = time.monotonic()
        elif not reason and self._store_down:
            log.warning("the database answers again: delivery goes on")
            self._store_down_since = None
        self._store_down = reason

    def request_stop(self) -> None:
        """Stop after the requests in flight; safe to call from any thread, even before
        ``run`` starts (the run then sends nothing)."""
        self._stop_requested.set()
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._stop_now)

    def _stop_now(self) -> None:
        self._halt.set()
        self._wake.set()

    def run_sync(self, stop: asyncio.Event | None = None) -> Summary:
        """``run`` in a new event loop (for threads and the command line)."""
        return asyncio.run(self.run(stop))

    async def run(self, stop: asyncio.Event | None = None) -> Summary:
        """Send until nothing of the profile is queued or sending, ``stop`` is set, or the
        key is refused; return what happened."""
        self._reset()
        self._loop = asyncio.get_running_loop()
        if self._stop_requested.is_set():
            self._stop_now()
        with _running_lock:
            _running[self.claimer] += 1
        store = open_store(self.db_path)
        try:
            return await self._drain(store.outbox, stop)
        finally:
            with _running_lock:
                _running[self.claimer] -= 1
            store.close()
            self._loop = None

    async def _drain(self, outbox: Outbox, stop: asyncio.Event | None) -> Summary:
        outbox.recover()
        self._hold_moved(outbox)
        target = self.target
        # One schedule per account for every sender of it, here or in another process.
        limiter = SharedRateLimiter(self.db_path, target.profile, target.rate)
        recorder = Recorder(self.db_path, batch=max(1, target.workers // 2), key=target.key)
        recorder.on_store = self._store
        queue: asyncio.Queue[Claimed | None] = asyncio.Queue()
        watchers = [
            asyncio.create_task(self._report(outbox)),
            asyncio.create_task(self._renew(outbox)),
        ]
        if stop is not None:
            watchers.append(asyncio.create_task(self._watch(stop)))
        try:
            async with self._client() as client:
                writer = asyncio.create_task(recorder.run())
                workers = [
                    asyncio.create_task(self._work(client, queue, limiter, recorder))
                    for _ in range(target.workers)
                ]
                try:
                    await self._feed(outbox, queue)
                finally:
                    self._stop_now()
                    while not queue.empty():  # claimed but never started: handed back
                        queue.get_nowait()
                    for _ in workers:
                        queue.put_nowait(None)
                    failures = await asyncio.gather(*workers, return_exceptions=True)
                    recorder.close()
                    await writer
                    for task in watchers:
                        task.cancel()
                    await asyncio.gather(*watchers, return_exceptions=True)
        finally:
            limiter.close()
            # Also after a failure: rows of a live process are never recovered otherwise.
            self._hand_back(outbox)
        for failure in failures:
            if isinstance(failure, BaseException):
                raise failure
        summary = self._summary(outbox)
        self._progress(outbox)
        log.info("delivery for profile %s ended: %s", target.profile, summary.message)
        return summary

    def _client(self) -> httpx.AsyncClient:
        workers = self.target.workers
        limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
        transport = self.transport or httpx.AsyncHTTPTransport(
            limits=limits, http2=False, retries=0
        )
        return httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(self.target.timeout),
            follow_redirects=False,
            # Proxy settings from the environment must not capture loopback traffic.
            trust_env=not is_loopback(self.target.endpoint),
        )

    async def _watch(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._stop_now()

    async def _nap(self, seconds: float) -> None:
        """Sleep up to ``seconds``, waking early when a worker or a stop needs the feeder."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(0.001, seconds))

    def _backlog(self) -> int:
        """How many claimed requests to keep ready: one per worker."""
        return self.target.workers

    async def _feed(self, outbox: Outbox, queue: asyncio.Queue[Claimed | None]) -> None:
        """Keep about ``_backlog()`` requests ready, until the profile has nothing pending.

        A team database that stops answering is waited for (``STORE_PATIENCE``): what is
        queued waits there, and the outcomes in hand wait in the recorder."""
        while not self._halt.is_set():
            try:
                if await self._feed_once(outbox, queue):
                    return
            except DatabaseUnreachable as exc:
                since = self._store_down_since
                if since is not None and time.monotonic() - since >= STORE_PATIENCE:
                    raise
                self._store(str(exc))
                await self._nap(1.0)

    async def _feed_once(self, outbox: Outbox, queue: asyncio.Queue[Claimed | None]) -> bool:
        """One turn of ``_feed``: claim, or wait a little; True once nothing is pending."""
        profile, backlog = self.target.profile, self._backlog()
        queued_for = self.target.queued_for
        if queue.qsize() >= backlog:
            await self._nap(0.5)
            return False
        try:
            claimed = outbox.claim(
                profile,
                2 * backlog - queue.qsize(),
                self.claimer,
                endpoint=queued_for,
                max_wait=self.target.max_wait,
                route=None if queued_for is None else self.target.route,
            )
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            # Another program holds the database: the requests wait, nothing is lost.
            log.warning("outbox busy, claiming again shortly: %s", exc)
            await self._nap(1.0)
            return False
        self._store("")
        for item in claimed:
            queue.put_nowait(item)
        if claimed:
            return False
        self._hold_moved(outbox)  # queued meanwhile for another endpoint
        if queue.empty() and self._in_flight == 0:
            if outbox.waiting(profile) == 0:
                return True
            outbox.recover()  # a sender that died during this run
        due = outbox.next_due(profile, max_wait=self.target.max_wait)
        wait = 0.5 if due is None else min(0.5, due - time.time())
        await self._nap(wait)
        return False

    async def _work(
        self,
        client: httpx.AsyncClient,
        queue: asyncio.Queue[Claimed | None],
        limiter: SharedRateLimiter,
        recorder: Recorder,
    ) -> None:
        try:
            while (item := await queue.get()) is not None:
                self._wake.set()  # room in the queue: the feeder may claim more
                if self._halt.is_set():
                    continue
                await limiter.acquire()
                if self._halt.is_set():
                    continue  # not sent: handed back to the queue at the end
                self._in_flight += 1
                try:
                    await self._attempt(client, item, recorder, limiter)
                finally:
                    self._in_flight -= 1
                    if self._in_flight == 0:
                        self._wake.set()  # the feeder may be waiting to see the end
        except BaseException:
            self._stop_now()
            raise

    async def _attempt(
        self,
        client: httpx.AsyncClient,
        item: Claimed,
        recorder: Recorder,
        limiter: SharedRateLimiter,
    ) -> None:
        started = utc_now()
        unusable: UnusableKey | None = None
        try:
            status, answer, retry_after = await post(
                client,
                self.target.endpoint,
                self.target.key,
                item.body,
                timeout=attempt_timeout(self.target.timeout, item.attempts),
            )
        except UnusableKey as exc:
            # The request cannot be built: a refused key (held), not a network failure.
            unusable = exc
            status, answer, retry_after = None, f"not sent: {exc}", None
        finally:
            # The answer is in: this request can no longer reach the server. Released
            # before the (batched) write so the wait for the disk does not eat the rate.
            limiter.release()
        outcome = Outcome.HELD if unusable else classify(status, answer)
        next_at = 0.0
        if outcome is Outcome.RETRY:
            # A timeout backs off like any other failure; no wait outlasts ``max_wait``.
            wait = self.backoff.after(item.attempts, retry_after)
            next_at = time.time() + min(wait, self.target.max_wait)
        await recorder.add(
            AttemptResult(
                item.id, started, utc_now(), status, answer, outcome, next_at, self.target.endpoint
            )
        )
        self._outcomes[outcome] += 1
        if outcome is Outcome.RETRY:
            self._retrying.add(item.id)
        else:
            self._retrying.discard(item.id)
        if outcome is Outcome.HELD:
            self._refused(status, unusable)

    def _refused(self, status: int | None, unusable: UnusableKey | None) -> None:
        """The key was refused (or cannot be sent): say why, once, and stop the run."""
        if self._refusal is None:
            profile = self.target.profile
            self._refusal = (
                f"Not sent for profile {profile}: {unusable}; nothing more was sent"
                if unusable
                else f"{self.service} refused {self.key_words} for profile {profile} "
                f"(HTTP {status}); nothing more was sent"
            )
        self._stop_now()

    def _hold_moved(self, outbox: Outbox) -> None:
        """Hold the profile's requests queued for another endpoint: they were confirmed
        for that one, and this run's key may not be theirs."""
        if self.target.queued_for is None:
            return
        moved = outbox.hold_moved(self.target.profile, self.target.queued_for, self.target.route)
        if moved:
            log.warning(
                "profile %s: %d request(s) queued for another endpoint held",
                self.target.profile,
                len(moved),
            )
            self._moved.update(moved)

    async def _renew(self, outbox: Outbox) -> None:
        """Renew the lease of this process's claims while the run lasts (``claimers``)."""
        while True:
            await asyncio.sleep(HEARTBEAT)
            try:
                outbox.renew(self.claimer)
            except (sqlite3.Error, StoreError) as exc:
                # Locked or failing: the lease lasts several heartbeats; the next one tries.
                log.warning("claims not renewed, trying at the next heartbeat: %s", exc)

    def _hand_back(self, outbox: Outbox) -> None:
        """Put requests claimed by this run but never sent back in the queue."""
        with _running_lock:
            shared = _running[self.claimer] > 1
        if shared:
            return  # another sender of this process may be sending them; recover() later
        outbox.recover(lambda claimer: claimer != self.claimer and is_claimer_alive(claimer))

    async def _report(self, outbox: Outbox) -> None:
        if self.on_progress is None:
            return
        while True:
            with contextlib.suppress(DatabaseUnreachable):  # said by the progress below
                self._progress(outbox)
            if self._store_down:
                self.on_progress(dataclasses.replace(self._last, store_down=self._store_down))
            await asyncio.sleep(0.1)

    def _progress(self, outbox: Outbox) -> None:
        if self.on_progress is None:
            return
        counts = outbox.counts(self.target.profile)
        self._last = Progress(
            delivered=self._outcomes[Outcome.DELIVERED],
            rejected=self._outcomes[Outcome.REJECTED],
            held=self._outcomes[Outcome.HELD],
            retrying=len(self._retrying),
            queued=counts[RequestState.QUEUED],
            in_flight=self._in_flight,
        )
        if not self._store_down:
            self.on_progress(self._last)

    def _summary(self, outbox: Outbox) -> Summary:
        profile = self.target.profile
        remaining = outbox.waiting(profile)
        delivered = self._outcomes[Outcome.DELIVERED]
        rejected = self._outcomes[Outcome.REJECTED]
        held = self._outcomes[Outcome.HELD] + len(self._moved)
        if self._refusal is not None:
            message = self._refusal
        else:
            message = f"Delivered {delivered} request{'s' * (delivered != 1)} for profile {profile}"
            if rejected:
                message += (
                    f"; {rejected} rejected by {self.service} (see the outbox to fix and resend)"
                )
            if self._moved:
                message += (
                    f"; {len(self._moved)} held: queued before the profile's endpoint changed "
                    "(see the outbox to retry or drop)"
                )
            if remaining:
                message += f"; stopped with {remaining} still in the outbox"
        return Summary(delivered, rejected, held, remaining, self._refusal is not None, message)
