"""A Segment account delivering 10,000 consent changes in batches to a loopback receiver.

The receiver is the sandbox answering as Segment, in its own process. The figure is
messages per second from the first claim to the last outcome recorded (the outbox's
claims, the Segment calls made from each stored body, batches to ``/batch``, every
request's outcome and directory merge written); the baseline is a bare httpx loop
posting the very same batch bodies, built beforehand, with as many connections, in the
same run.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import httpx

from benchmarks.bench_delivery import _in_thread, _receiver
from benchmarks.common import Result
from regal_desktop.delivery.batches import Batch, batch_url, pack
from regal_desktop.delivery.segment import SEGMENT_WORKERS, sender_for
from regal_desktop.delivery.sender import DeliveryTarget
from regal_desktop.domain.check import check
from regal_desktop.domain.segment import SEGMENT_RATE
from regal_desktop.store import open_store
from regal_desktop.store.db import utc_now
from regal_desktop.store.outbox import Claimed, NewRequest

CHANGES = 10_000
PROFILE = "bench-segment"


def _bodies(count: int) -> list[str]:
    """Consent changes as the editor writes them: an SMS opt-in on the primary phone."""
    return [
        check(
            {
                "userId": f"u{i}",
                "traits": {
                    "firstName": "Ann",
                    "phones": {
                        f"+1954555{i % 10000:04d}": {
                            "isPrimary": True,
                            "smsOptIn": {
                                "subscribed": True,
                                "timestamp": "2026-05-01T10:00:00Z",
                                "ip": "192.0.2.10",
                                "text": "I agree to receive marketing texts",
                            },
                        }
                    },
                },
            }
        ).text
        for i in range(count)
    ]


def _batches(db: Path) -> list[Batch]:
    """The batches the sender makes of the queued requests (same bodies, same ids)."""
    with open_store(db) as store:
        rows = store.conn.execute(
            "SELECT id, body, 1, route, message_id, created_at FROM requests ORDER BY id"
        ).fetchall()
    rest = [Claimed(*row) for row in rows]
    batches = []
    while rest:
        packed = pack(rest)
        batches.append(packed.batch)
        rest = packed.rest
    return batches


def _bare(url: str, batches: list[Batch]) -> float:
    """Seconds a bare httpx client takes to post ``batches`` with as many connections."""
    bodies = [batch.body(utc_now()) for batch in batches]

    async def work() -> None:
        limits = httpx.Limits(max_connections=SEGMENT_WORKERS)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:

            async def worker() -> None:
                while bodies:
                    body = bodies.pop(0)
                    response = await client.post(
                        url, content=body, headers={"Content-Type": "application/json"}
                    )
                    response.raise_for_status()

            await asyncio.gather(*(worker() for _ in range(SEGMENT_WORKERS)))

    wall, _ = _in_thread(work)
    return wall


def run() -> list[Result]:
    """10,000 consent changes through a Segment account, against a bare httpx loop."""
    bodies = _bodies(CHANGES)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.sqlite3"
        with open_store(db) as store:
            store.outbox.enqueue(
                [NewRequest(PROFILE, "sandbox", "bench", b, route="segment") for b in bodies]
            )
        batches = _batches(db)
        messages = sum(len(batch.messages) for batch in batches)
        with _receiver(0.0) as (url, arrivals):
            root = url.removesuffix("/events") + "/v1"
            target = DeliveryTarget(PROFILE, root, None, rate=SEGMENT_RATE, route="segment")
            sender = sender_for(db, target)
            wall, cpu = _in_thread(sender.run)
        posts = len(arrivals)
        with open_store(db) as store:
            delivered = store.outbox.counts(PROFILE)
        with _receiver(0.0) as (url, _):
            bare = _bare(batch_url(url.removesuffix("/events") + "/v1"), batches)
    done = sum(n for state, n in delivered.items() if state.value == "delivered")
    return [
        Result(
            "Segment delivery, 10,000 consent changes in batches",
            messages / wall,
            "msg/s",
            "bare httpx posting the same batches",
            messages / bare,
            note=f"{done:,} delivered in {wall:.2f} s, {posts} POSTs (≤ 500 KB, ≤ 2,500 "
            f"messages each; {len(batches)} when packed in one go), sender CPU {cpu:.2f} s; "
            f"bare loop {bare:.2f} s",
        )
    ]
