"""The sender against a real loopback sandbox: every payload arrives, none is lost."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections import Counter
from contextlib import closing
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from regal_desktop.delivery.client import Backoff
from regal_desktop.delivery.endpoint import REGAL_LIMIT, EndpointError
from regal_desktop.delivery.report import Progress
from regal_desktop.delivery.sender import DeliveryTarget, Sender
from regal_desktop.sandbox import Faults, Sandbox
from tests.helpers.delivery import PROFILE, fill_outbox, make_body, states

FAST = Backoff(base=0.02, cap=0.1)
KEY = "rk_live_do_not_leak_7f3a9c"


def accepted_bodies(sandbox: Sandbox) -> Counter[str]:
    return Counter(r.body for r in sandbox.received if r.status == 200)


def attempts(db_path: Path) -> list[tuple[int, str, str, int | None, str]]:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(
            "SELECT request_id, started_at, finished_at, status, answer FROM attempts ORDER BY id"
        ).fetchall()


def send(db_path: Path, sandbox: Sandbox, key: str | None = None, **options: object) -> Sender:
    target = DeliveryTarget(PROFILE, sandbox.url, key, **options)  # type: ignore[arg-type]
    return Sender(db_path, target, backoff=FAST)


def test_every_payload_is_delivered_once(db_path: Path) -> None:
    bodies = [make_body(n) for n in range(150)]
    fill_outbox(db_path, bodies)
    with Sandbox() as sandbox:
        summary = send(db_path, sandbox, workers=8).run_sync()
        assert accepted_bodies(sandbox) == Counter(bodies)
    assert (summary.delivered, summary.rejected, summary.remaining) == (150, 0, 0)
    assert not summary.auth_failed
    assert summary.message == "Delivered 150 requests for profile sandbox"
    assert states(db_path) == {"delivered": 150}
    assert len(attempts(db_path)) == 150


def test_nothing_to_send_returns_at_once(db_path: Path) -> None:
    with Sandbox() as sandbox:
        began = time.monotonic()
        summary = send(db_path, sandbox).run_sync()
    assert summary.delivered == summary.remaining == 0
    # Not a speed check: a sender that waited for work that never comes would hang here.
    assert time.monotonic() - began < 10


def test_only_the_target_profile_is_sent(db_path: Path) -> None:
    fill_outbox(db_path, [make_body(1)])
    fill_outbox(db_path, [make_body(2)], profile="production")
    with Sandbox() as sandbox:
        send(db_path, sandbox).run_sync()
        assert list(accepted_bodies(sandbox)) == [make_body(1)]
    assert states(db_path) == {"delivered": 1, "queued": 1}


class TimedTransport(httpx.AsyncBaseTransport):
    """A real HTTP transport that notes when each request leaves."""

    def __init__(self, workers: int) -> None:
        limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
        self.inner = httpx.AsyncHTTPTransport(limits=limits)
        self.starts: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.starts.append(time.monotonic())
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def busiest_second(times: list[float]) -> int:
    ordered, best, low = sorted(times), 0, 0
    for high, moment in enumerate(ordered):
        while ordered[low] + 1.0 <= moment:
            low += 1
        best = max(best, high - low + 1)
    return best


def test_with_latency_the_rate_limit_is_never_exceeded(db_path: Path) -> None:
    total = 700
    fill_outbox(db_path, [make_body(n) for n in range(total)])
    transport = TimedTransport(24)
    reports: list[tuple[float, Progress]] = []
    with Sandbox(faults=Faults(latency=0.05)) as sandbox:
        target = DeliveryTarget(PROFILE, sandbox.url, None)
        sender = Sender(
            db_path,
            target,
            transport=transport,
            on_progress=lambda p: reports.append((time.monotonic(), p)),
        )
        began = time.monotonic()
        summary = sender.run_sync()
        elapsed = time.monotonic() - began
        assert sandbox.accepted_count == total
        arrivals = sandbox.arrivals()
    assert summary.delivered == total
    # Starts are paced at 290 a second, but a request may leave a moment after its start
    # (the event loop was busy); the hard guarantee is Regal's limit, at the transport
    # and at the receiver, in every sliding second.
    assert busiest_second(transport.starts) <= REGAL_LIMIT
    assert busiest_second(arrivals) <= REGAL_LIMIT
    # Progress: at most ~10 a second, and the last one is the final count.
    assert len(reports) <= 10 * elapsed + 2
    assert reports[-1][1] == Progress(total, 0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    "faults",
    [
        Faults(error_rate=0.4, seed=1),
        Faults(drop_rate=0.3, seed=2),
        Faults(error_rate=0.2, drop_rate=0.2, throttle_rate=0.2, latency=0.01, seed=3),
    ],
    ids=["5xx", "dropped", "mixed"],
)
def test_transient_failures_are_retried_until_delivered(db_path: Path, faults: Faults) -> None:
    bodies = [make_body(n) for n in range(120)]
    fill_outbox(db_path, bodies)
    with Sandbox(faults=faults) as sandbox:
        summary = send(db_path, sandbox, workers=8).run_sync()
        assert accepted_bodies(sandbox) == Counter(bodies)  # each exactly once
    assert summary.delivered == 120
    assert states(db_path) == {"delivered": 120}
    failed = [row for row in attempts(db_path) if row[3] != 200]
    assert len(failed) > 20
    if faults.drop_rate:
        assert any(row[3] is None and "disconnected" in row[4] for row in failed)


def stamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_retry_after_is_honoured(db_path: Path) -> None:
    fill_outbox(db_path, [make_body(n) for n in range(20)])
    with Sandbox(faults=Faults(throttle_rate=0.5, retry_after="0.3", seed=5)) as sandbox:
        summary = send(db_path, sandbox, workers=4).run_sync()
    assert summary.delivered == 20
    rows = attempts(db_path)
    throttled = [row for row in rows if row[3] == 429]
    assert throttled
    for request_id, _, finished, _, _ in throttled:
        later = [stamp(r[1]) for r in rows if r[0] == request_id and stamp(r[1]) > stamp(finished)]
        assert min(later) - stamp(finished) >= 0.29


def test_a_hung_server_times_out_and_is_retried_when_it_recovers(db_path: Path) -> None:
    bodies = [make_body(n) for n in range(10)]
    fill_outbox(db_path, bodies)
    with Sandbox(faults=Faults(hang=True)) as sandbox:
        heal = threading.Timer(0.8, lambda: setattr(sandbox, "faults", Faults()))
        heal.start()
        summary = send(db_path, sandbox, workers=4, timeout=0.25).run_sync()
        heal.join()
        assert accepted_bodies(sandbox) == Counter(bodies)
    assert summary.delivered == 10
    assert any(row[3] is None and "timed out" in row[4] for row in attempts(db_path))


def test_stop_finishes_in_flight_and_leaves_the_rest_queued(db_path: Path) -> None:
    fill_outbox(db_path, [make_body(n) for n in range(400)])
    with Sandbox(faults=Faults(latency=0.05)) as sandbox:
        sender = send(db_path, sandbox, workers=8, rate=100)

        async def run_then_stop() -> object:
            stop = asyncio.Event()
            asyncio.get_running_loop().call_later(0.5, stop.set)
            return await sender.run(stop)

        summary = asyncio.run(run_then_stop())
        arrived = sandbox.accepted_count
    assert 0 < summary.delivered == arrived < 400
    assert summary.remaining == 400 - arrived
    assert "stopped with" in summary.message
    # Nothing left half-sent: every request is delivered or queued again.
    assert states(db_path) == {"delivered": arrived, "queued": 400 - arrived}


def test_request_stop_from_another_thread(db_path: Path) -> None:
    fill_outbox(db_path, [make_body(n) for n in range(300)])
    with Sandbox(faults=Faults(latency=0.05)) as sandbox:
        sender = send(db_path, sandbox, workers=4, rate=50)
        threading.Timer(0.4, sender.request_stop).start()
        summary = sender.run_sync()
    assert 0 < summary.delivered < 300
    assert states(db_path)["queued"] == 300 - summary.delivered


def test_a_400_is_kept_as_rejected_and_the_rest_goes_on(db_path: Path) -> None:
    bad = '{\n  "traits": {\n    "firstName": "Nobody"\n  }\n}'
    fill_outbox(db_path, [make_body(1), bad, make_body(2)])
    with Sandbox() as sandbox:
        summary = send(db_path, sandbox).run_sync()
    assert (summary.delivered, summary.rejected, summary.remaining) == (2, 1, 0)
    assert "1 rejected by Regal" in summary.message
    assert states(db_path) == {"delivered": 2, "rejected": 1}
    [rejected] = [row for row in attempts(db_path) if row[3] == 400]
    assert "names no contact" in rejected[4]


def test_a_refused_key_stops_sending(db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fill_outbox(db_path, [make_body(n) for n in range(200)])
    workers = 6
    with Sandbox(key=KEY) as sandbox:
        summary = send(db_path, sandbox, "rk_live_wrong_key_000000", workers=workers).run_sync()
        refused = len(sandbox.received)
    assert summary.auth_failed
    assert summary.message == (
        "Regal refused the API key for profile sandbox (HTTP 401); nothing more was sent"
    )
    assert 1 <= summary.held == refused <= workers
    assert summary.delivered == 0
    assert summary.remaining == 200 - refused
    assert states(db_path) == {"held": refused, "queued": 200 - refused}
    assert "rk_live_wrong_key" not in caplog.text


def test_after_the_key_is_fixed_held_requests_go_out(db_path: Path) -> None:
    from regal_desktop.store import open_store

    fill_outbox(db_path, [make_body(n) for n in range(30)])
    with Sandbox(key=KEY) as sandbox:
        assert send(db_path, sandbox, "wrong-key-123456", workers=3).run_sync().auth_failed
        store = open_store(db_path)
        store.outbox.release_held(PROFILE)
        store.close()
        summary = send(db_path, sandbox, KEY, workers=3).run_sync()
    assert summary.delivered == 30
    assert states(db_path) == {"delivered": 30}


def test_the_key_never_reaches_the_database_or_the_logs(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fill_outbox(db_path, [make_body(n) for n in range(40)])
    with Sandbox(key=KEY, faults=Faults(error_rate=0.3, seed=9)) as sandbox:
        sender = send(db_path, sandbox, KEY, workers=4)
        assert KEY not in repr(sender.target)
        assert sender.run_sync().delivered == 40
        assert all(r.authorized for r in sandbox.received)
    assert caplog.records  # httpx did log each request; none of it holds the key
    assert KEY not in caplog.text
    for path in db_path.parent.glob(db_path.name + "*"):
        assert KEY.encode() not in path.read_bytes(), path.name


def test_plain_http_to_another_host_is_refused(db_path: Path) -> None:
    with pytest.raises(EndpointError, match="only allowed for the sandbox"):
        Sender(db_path, DeliveryTarget(PROFILE, "http://example.com/events", KEY))


def test_a_stop_asked_before_the_run_sends_nothing(db_path: Path) -> None:
    fill_outbox(db_path, [make_body(n) for n in range(5)])
    with Sandbox() as sandbox:
        sender = send(db_path, sandbox)
        sender.request_stop()
        summary = sender.run_sync()
        assert sandbox.received == []
    assert (summary.delivered, summary.remaining) == (0, 5)
    assert states(db_path) == {"queued": 5}


def test_a_sender_can_run_again_with_fresh_counts(db_path: Path) -> None:
    with Sandbox() as sandbox:
        sender = send(db_path, sandbox)
        fill_outbox(db_path, [make_body(1)])
        assert sender.run_sync().delivered == 1
        fill_outbox(db_path, [make_body(2), make_body(3)])
        assert sender.run_sync().delivered == 2


def test_settings_that_cannot_work_are_refused(db_path: Path) -> None:
    url = "http://127.0.0.1:9/events"
    for options, words in (
        ({"workers": 0}, "workers must be at least 1"),
        ({"rate": 0.5}, "rate must be at least 1"),
        ({"timeout": 0}, "timeout must be positive"),
    ):
        with pytest.raises(ValueError, match=words):
            Sender(db_path, DeliveryTarget(PROFILE, url, None, **options))  # type: ignore[arg-type]
