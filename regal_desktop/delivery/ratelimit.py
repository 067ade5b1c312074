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
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from regal_desktop.delivery.endpoint import DEFAULT_RATE, REGAL_LIMIT


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
