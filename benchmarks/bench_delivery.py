"""Sustained delivery to a loopback receiver at 0 and 50 ms latency.

The receiver runs in its own process, as Regal would. The figures: the share of the
configured rate reached, the busiest sliding second seen by the receiver (never above
the configured rate), and the sender's CPU per request against a bare httpx client posting the
same bodies with the same number of connections.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from benchmarks.common import Result
from regal_desktop.delivery.endpoint import REGAL_LIMIT
from regal_desktop.delivery.sender import DeliveryTarget, Sender
from regal_desktop.domain.check import check
from regal_desktop.store import open_store
from regal_desktop.store.outbox import NewRequest

RATE = 290.0
WORKERS = 24
SECONDS = 8


def _bodies(count: int) -> list[str]:
    return [
        check({"userId": f"u{i}", "traits": {"phones": {f"+1954555{i % 10000:04d}": {}}}}).text
        for i in range(count)
    ]


def busiest_second(arrivals: list[float]) -> int:
    """The most arrivals in any window of one second (sliding, not aligned)."""
    times = sorted(arrivals)
    return max((bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times)), default=0)


def _in_thread(work: object) -> tuple[float, float]:
    """Run ``work()`` (a coroutine factory) in a new thread; (wall s, that thread's CPU s)."""
    out: dict[str, float] = {}

    def main() -> None:
        cpu, wall = time.thread_time(), time.perf_counter()
        asyncio.run(work())  # type: ignore[operator]
        out["wall"], out["cpu"] = time.perf_counter() - wall, time.thread_time() - cpu

    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
    return out["wall"], out["cpu"]


def _bare(url: str, bodies: list[str]) -> float:
    """CPU seconds per request of a bare httpx client with the same pool and no store."""
    queue: list[str] = list(bodies)

    async def work() -> None:
        limits = httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS)
        async with httpx.AsyncClient(limits=limits, timeout=10) as client:

            async def worker() -> None:
                while queue:
                    body = queue.pop()
                    await client.post(
                        url,
                        content=body.encode(),
                        headers={"Authorization": "k", "Content-Type": "application/json"},
                    )

            await asyncio.gather(*(worker() for _ in range(WORKERS)))

    _, cpu = _in_thread(work)
    return cpu / len(bodies)


@contextlib.contextmanager
def _receiver(latency: float) -> Iterator[tuple[str, list[float]]]:
    """A Sandbox in its own process; yields its URL and, after the block, its arrivals."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "arrivals.json"
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.sandbox_process", str(latency), str(out)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None and process.stdin is not None
        arrivals: list[float] = []
        try:
            yield process.stdout.readline().strip(), arrivals
        finally:
            process.stdin.close()
            process.wait(timeout=30)
        arrivals.extend(json.loads(out.read_text()))


def _one(latency: float) -> list[Result]:
    count = int(RATE * SECONDS)
    bodies = _bodies(count)
    label = f"{latency * 1000:.0f} ms latency"
    with tempfile.TemporaryDirectory() as folder:
        with _receiver(latency) as (url, arrivals):
            db = Path(folder) / "bench.sqlite3"
            with open_store(db) as store:
                store.outbox.enqueue([NewRequest("bench", url, "bench", b) for b in bodies])
            target = DeliveryTarget("bench", url, "k", rate=RATE, workers=WORKERS)
            wall, cpu = _in_thread(Sender(db, target).run)
        span = max(arrivals) - min(arrivals)
        achieved = (len(arrivals) - 1) / span if span else float("nan")
        busiest = busiest_second(arrivals)
        with _receiver(latency) as (url, _):
            bare_cpu = _bare(url, bodies[: count // 2])
    return [
        Result(
            f"delivery rate, {label}",
            achieved,
            "req/s",
            "configured limit",
            RATE,
            note=f"{len(arrivals)} delivered in {wall:.1f} s; busiest second {busiest} "
            f"(limit {RATE:g}, Regal's {REGAL_LIMIT})",
        ),
        Result(
            f"sender CPU per request, {label}",
            cpu / count * 1e3,
            "ms",
            "bare httpx client",
            bare_cpu * 1e3,
        ),
    ]


def run() -> list[Result]:
    """Delivery at 0 and 50 ms of receiver latency."""
    return _one(0.0) + _one(0.05)
