"""One account's rate shared by one and by two sending processes, at a 50 ms receiver.

Each sender is a process of its own (``python -m benchmarks.bench_shared_rate DB URL
RATE``), all on one SQLite file, as two desks or a window and a script are; the receiver
(the sandbox, in a process of its own) answers after 50 ms. The figures: the combined
rate reached against the account's configured rate (the issue asks at least 95%), and
the busiest sliding second at the receiver (never above the rate).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_delivery import _bodies, _receiver, busiest_second
from benchmarks.common import Result
from regal_desktop.delivery.sender import DeliveryTarget, Sender
from regal_desktop.store import open_store
from regal_desktop.store.outbox import NewRequest

SECONDS = 8
LATENCY = 0.05


def _one(rate: float, senders: int) -> Result:
    count = int(rate * SECONDS)
    bodies = _bodies(count)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "shared.sqlite3"
        with _receiver(LATENCY) as (url, arrivals):
            with open_store(db) as store:
                store.outbox.enqueue([NewRequest("team", url, "bench", b) for b in bodies])
            began = time.monotonic()
            processes = [
                subprocess.Popen(
                    [sys.executable, "-m", "benchmarks.bench_shared_rate", str(db), url, str(rate)]
                )
                for _ in range(senders)
            ]
            for process in processes:
                process.wait(timeout=10 * SECONDS)
            wall = time.monotonic() - began
    span = max(arrivals) - min(arrivals)
    achieved = (len(arrivals) - 1) / span if span else float("nan")
    who = "one process" if senders == 1 else f"{senders} processes"
    return Result(
        f"shared rate {rate:g}/s, {who}, 50 ms latency",
        achieved,
        "req/s",
        "configured rate",
        rate,
        note=f"{len(arrivals)} of {count} delivered in {wall:.1f} s; busiest second "
        f"{busiest_second(arrivals)} (limit {rate:g})",
    )


def run() -> list[Result]:
    """One and two senders of one account, at 100/s and at the default 290/s."""
    return [_one(rate, senders) for rate in (100.0, 290.0) for senders in (1, 2)]


def _send(database: str, url: str, rate: str) -> int:
    """One sender process: deliver the account's outbox at ``rate``."""
    target = DeliveryTarget("team", url, "k", rate=float(rate))
    summary = Sender(Path(database), target).run_sync()
    return 0 if summary.remaining == 0 else 1


if __name__ == "__main__":
    sys.exit(_send(*sys.argv[1:]))
