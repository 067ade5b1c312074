"""A sliding-window rate limiter that also bounds what can reach the server in any second.

Regal allows 300 requests per second per account. A token bucket lets a full bucket burst
on top of the steady rate, and counting per aligned second lets 2N starts straddle a
boundary; a log of the last N start times rules both out: a request may start only when
fewer than N started in the ``window`` seconds before it.

Pacing starts is not enough at the server: a request that waited for a connection or for
the interpreter arrives later than it started, next to newer ones. A request reaches the
server somewhere between its start and its answer, so the requests that can arrive in any
window are those whose [start, answer] interval touches it. Before each start the limiter
therefore also requires that fewer than ``ceiling`` requests are in flight or were
answered within the last window; that bounds arrivals in every sliding window by
``ceiling`` whatever the network does.

That holds for one sender. An account's rate is a ceiling for every desk and process
sending for it together, so the senders use ``SharedRateLimiter``: each start takes a send
time from the account's schedule in the store (``store/slots.py``), spaced so that the
receiver never sees more than the rate in any sliding second, wherever the starts come
from. ``RateLimiter`` stays for a pace within one process.
"""

from __future__ import annotations

import asyncio
import math
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from regal_desktop.delivery.endpoint import DEFAULT_RATE, REGAL_LIMIT
from regal_desktop.delivery.waits import STORE_PATIENCE
from regal_desktop.store import Location, Store, open_store
from regal_desktop.store.db import DatabaseUnreachable, is_busy
from regal_desktop.store.slots import CLOCK_SET_BACK, SendSchedule


class RateLimiter:
    """At most ``floor(rate)`` starts, and ``ceiling`` arrivals, in any ``window`` seconds.

    Call ``acquire()`` before a request and ``release()`` when its answer (or failure)
    is in. For one asyncio loop.
    """

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        window: float = 1.0,
        *,
        ceiling: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if window <= 0:
            raise ValueError(f"rate limit window must be positive, got {window}")
        if math.floor(rate) < 1:
            raise ValueError(
                f"rate limit must allow at least 1 request per {window:g} s, got {rate:g}"
            )
        self.limit = math.floor(rate)
        self.ceiling = max(self.limit, math.floor(REGAL_LIMIT if ceiling is None else ceiling))
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._answers: deque[float] = deque()
        self._in_flight = 0
        self._released = asyncio.Event()
        # One waiter at a time, in arrival order (asyncio.Lock is FIFO): fair to workers,
        # and only the head of the line needs to sleep.
        self._turn = asyncio.Lock()

    def _forget(self, now: float) -> None:
        for log in (self._starts, self._answers):
            while log and log[0] + self.window <= now:
                log.popleft()

    async def acquire(self) -> None:
        """Wait until a request may start, and count it as started (and in flight) now."""
        async with self._turn:
            now = self._clock()
            while True:
                self._forget(now)
                full = len(self._starts) >= self.limit
                start_at = self._starts[0] + self.window if full else now
                busy = self._in_flight + len(self._answers) >= self.ceiling
                if start_at <= now and not busy:
                    break
                if busy:
                    # Wait for an answer to leave the window, or for one in flight to end.
                    until = self._answers[0] + self.window if self._answers else None
                    released = await self._wait_release(None if until is None else until - now)
                    now = self._clock() if released or until is None else max(self._clock(), until)
                else:
                    await self._sleep(start_at - now)
                    # Float rounding may leave the clock a hair short of the deadline; the
                    # oldest start has left the window either way, and waiting again for a
                    # sub-nanosecond step could spin forever.
                    now = max(self._clock(), start_at)
            self._starts.append(now)
            self._in_flight += 1

    def release(self) -> None:
        """The request started by the matching ``acquire()`` has its answer (or failed)."""
        self._in_flight -= 1
        self._answers.append(self._clock())
        self._released.set()

    async def _wait_release(self, timeout: float | None) -> bool:
        """Wait for a ``release()`` (True) or ``timeout`` seconds (False)."""
        self._released.clear()
        waiter = asyncio.ensure_future(self._released.wait())
        tasks: set[asyncio.Future[Any]] = {waiter}
        if timeout is not None:
            tasks.add(asyncio.ensure_future(self._sleep(max(timeout, 0.0))))
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return waiter.done()


#: Share of an account's rate its schedule is planned for. Starts are exact, but a request
#: reaches the receiver a little after its start, more or less late each time; the spare
#: 3% lets arrivals bunch by ~20 ms (at 100/s; more at higher rates) and still never make
#: more than the rate in a sliding second (measured: ``benchmarks/bench_shared_rate.py``).
PACE = 0.97
#: A send time missed by more than this (seconds: the event loop was busy, or no request
#: was ready) is left unused: a late start would arrive next to the following ones.
LATE = 0.005
#: How many seconds of send times a sender reserves at once: a few reservations a second,
#: and a desk that dies or stops leaves a gap at most this long (plus one more reserved
#: ahead).
AHEAD = 0.1


def slot_spacing(rate: float) -> float:
    """Seconds between two send times of an account limited to ``rate`` a second: any
    closed second holds at most ``1 + PACE * floor(rate)`` of them, which leaves room
    for arrivals to bunch and stays within ``floor(rate)``."""
    if math.floor(rate) < 1:
        raise ValueError(f"rate limit must allow at least 1 request per second, got {rate:g}")
    return 1.0 / (PACE * math.floor(rate))


class SharedRateLimiter:
    """Paces starts by the account's send schedule in the store at ``db_path`` (a SQLite
    file or the team's PostgreSQL URL), shared by every sender of ``profile``, in this
    process or any other, on this desk or another.

    ``acquire()`` waits for the next send time this limiter holds (reserving more from the
    store, a few per second, in a thread of its own so the event loop never waits for the
    database) and returns it; a time missed by more than ``LATE`` is skipped. ``release()``
    is there for ``RateLimiter``'s callers. ``close()`` when done. For one asyncio loop.
    """

    def __init__(
        self,
        db_path: Location,
        profile: str,
        rate: float = DEFAULT_RATE,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.spacing = slot_spacing(rate)
        self.profile = profile
        self.batch = max(1, math.ceil(AHEAD / self.spacing))
        #: Send times skipped because nobody was ready in time (for benchmarks and logs).
        self.missed = 0
        self._db_path = db_path
        self._clock = clock
        self._sleep = sleep
        self._slots: deque[float] = deque()
        self._refill: asyncio.Future[list[float]] | None = None
        self._turn = asyncio.Lock()
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=f"send-times:{profile}")
        self._store: Store | None = None  # opened and used in ``_thread`` only
        self._offset: tuple[float, float] | None = None  # the store's clock: offset, error
        self._closing = threading.Event()

    async def acquire(self) -> float:
        """Wait for this sender's next send time and return it (unix seconds)."""
        async with self._turn:
            while True:
                if len(self._slots) <= self.batch // 2:
                    self._reserve_ahead()
                if not self._slots:
                    assert self._refill is not None
                    await asyncio.shield(self._refill)
                    self._take_refill()
                    continue
                slot, now = self._slots[0], self._clock()
                if slot - now > CLOCK_SET_BACK:  # the clock went back: these are stale
                    self._slots.clear()
                    continue
                if slot > now:
                    await self._sleep(slot - now)
                    # Float rounding may leave the clock a hair short of the slot; waiting
                    # again for a sub-nanosecond step could spin.
                    now = max(self._clock(), slot)
                self._slots.popleft()
                if now - slot <= LATE:
                    return slot
                self.missed += 1

    def release(self) -> None:
        """The request's answer is in; the schedule needs nothing more."""

    def close(self) -> None:
        """Stop reserving and close the limiter's connection; unused send times lapse."""
        self._closing.set()  # a reservation waiting out a lock gives up
        if self._refill is not None:
            self._refill.cancel()
        self._thread.submit(self._close_store)
        self._thread.shutdown(wait=True)

    def _reserve_ahead(self) -> None:
        """Start reserving the next run of send times unless that is under way."""
        if self._refill is None:
            loop = asyncio.get_running_loop()
            self._refill = loop.run_in_executor(self._thread, self._reserve)
        elif self._refill.done():
            self._take_refill()
            if len(self._slots) <= self.batch // 2:
                self._reserve_ahead()

    def _take_refill(self) -> None:
        refill, self._refill = self._refill, None
        if refill is not None:
            self._slots.extend(refill.result())  # raises what the reservation raised

    def _reserve(self) -> list[float]:
        """Reserve ``batch`` send times (in the limiter's thread), waiting out a lock."""
        if self._store is None:
            self._store = open_store(self._db_path)
        schedule = SendSchedule(self._store.conn)
        started = time.monotonic()
        while True:
            try:
                # In the store's time (another computer's clock may be off), then in ours;
                # the closest reading so far of the store's clock holds (NTP's rule).
                offset, error = schedule.clock_offset()
                if self._offset is None or error < self._offset[1]:
                    self._offset = offset, error
                offset = self._offset[0]
                now = self._clock() + offset
                times = schedule.reserve(self.profile, self.batch, self.spacing, now)
                return [moment - offset for moment in times]
            except DatabaseUnreachable:
                # The team database stopped answering: nothing is sent until it is back
                # (the sender says so, and gives up after ``STORE_PATIENCE``).
                if self._closing.is_set() or time.monotonic() - started >= STORE_PATIENCE:
                    raise
                time.sleep(0.5)
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or self._closing.is_set():
                    raise
                time.sleep(0.05)  # another program holds the database a moment longer

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
