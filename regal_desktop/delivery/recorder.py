"""Write attempt results to the outbox in small batches, and tell each sender when it is safe.

One transaction per result would cap the rate at the disk's commit speed; one per second
would let a crash forget a second's worth of delivered requests, which would then be sent
again. A batch is written every ``interval`` seconds or as soon as ``batch`` results wait,
and each worker waits for its own result to be written before taking the next request:
so at any moment at most one request per worker has gone out without its outcome on disk,
which bounds the duplicates a crash can cause to the number of workers.

The writes run on a thread of their own with its own connection: recording a delivered
request also merges it into the directory, and doing that on the event loop would stall
every worker for the length of each batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from regal_desktop.delivery.keys import scrub
from regal_desktop.delivery.waits import STORE_PATIENCE
from regal_desktop.store import Location, Store, open_store
from regal_desktop.store.db import DatabaseUnreachable, is_busy
from regal_desktop.store.outbox import AttemptResult

#: How long (seconds) to keep trying to write outcomes while the database is locked.
_BUSY_PATIENCE = 120.0


class Recorder:
    """Batches ``AttemptResult``s into ``Outbox.record`` transactions (one event loop)."""

    def __init__(
        self, db_path: Location, *, interval: float = 0.02, batch: int = 12, key: str | None = None
    ) -> None:
        self.db_path = db_path
        self._key = key  # scrubbed from every answer before it is written
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="regal-recorder")
        self._store: Store | None = None  # opened on, and only used by, the writer thread
        self.interval = interval
        self.batch = max(1, batch)
        self._pending: list[tuple[AttemptResult, asyncio.Future[None]]] = []
        self._has_work = asyncio.Event()
        self._full = asyncio.Event()
        self._closing = False
        #: Called with the reason while the team database cannot be reached, and with ""
        #: once it can again (the sender tells the user).
        self.on_store: Callable[[str], None] = lambda _reason: None

    async def add(self, result: AttemptResult) -> None:
        """Queue ``result`` and return once it is committed (or raise if writing failed).

        The answer is kept without the key (a receiver may echo it, an error may quote it).
        """
        result = dataclasses.replace(result, answer=scrub(result.answer, self._key))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((result, done))
        self._has_work.set()
        if len(self._pending) >= self.batch:
            self._full.set()
        await done

    async def add_all(self, results: list[AttemptResult]) -> None:
        """``add`` for every result of one POST (a Segment batch): queued together and
        returned once all are committed (or raise if writing failed)."""
        if not results:
            return
        answers: dict[str, str] = {}  # a batch shares one answer: scrubbed once
        loop = asyncio.get_running_loop()
        waits: list[asyncio.Future[None]] = []
        for result in results:
            if result.answer not in answers:
                answers[result.answer] = scrub(result.answer, self._key)
            done: asyncio.Future[None] = loop.create_future()
            self._pending.append((dataclasses.replace(result, answer=answers[result.answer]), done))
            waits.append(done)
        self._has_work.set()
        self._full.set()
        for outcome in await asyncio.gather(*waits, return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome

    def close(self) -> None:
        """Write what is waiting and end ``run``."""
        self._closing = True
        self._has_work.set()
        self._full.set()

    async def run(self) -> None:
        """Write batches until ``close`` is called and nothing is left."""
        while True:
            await self._has_work.wait()
            if not self._closing:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), self.interval)
            batch, self._pending = self._pending, []
            self._has_work.clear()
            self._full.clear()
            if batch:
                await self._write(batch)
            if self._closing and not self._pending:
                await asyncio.get_running_loop().run_in_executor(self._thread, self._close_store)
                self._thread.shutdown(wait=True)
                return

    def _record(self, results: list[AttemptResult]) -> None:
        if self._store is None:
            self._store = open_store(self.db_path)
        self._store.outbox.record(results)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    async def _write(self, batch: list[tuple[AttemptResult, asyncio.Future[None]]]) -> None:
        loop = asyncio.get_running_loop()
        results = [r for r, _ in batch]
        try:
            waited = 0.0
            while True:
                try:
                    await loop.run_in_executor(self._thread, self._record, results)
                    if waited:
                        self.on_store("")
                    break
                except DatabaseUnreachable as exc:
                    # The team database stopped answering: the outcomes wait here (the
                    # requests stay 'sending' there) until it is back.
                    if waited >= STORE_PATIENCE:
                        raise
                    self.on_store(str(exc))
                    await asyncio.sleep(1.0)
                    waited += 1.0
                except sqlite3.OperationalError as exc:
                    # Another program holds the database: these outcomes must still be
                    # written (else they are sent again), so wait a while for it.
                    if not is_busy(exc) or waited >= _BUSY_PATIENCE:
                        raise
                    await asyncio.sleep(0.5)
                    waited += 0.5
        except Exception as exc:
            # Each waiting worker raises it; the sender stops and says why. The rows stay
            # 'sending' and the next run puts them back in the queue.
            for _, done in batch:
                if not done.done():
                    done.set_exception(exc)
            return
        for _, done in batch:
            if not done.done():
                done.set_result(None)
