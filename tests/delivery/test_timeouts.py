"""Timeouts, ``Retry-After`` and stalls: how long the sender waits, and that no wait is
endless or turns an answer that came back into a duplicate."""

from __future__ import annotations

import asyncio
import selectors
import sqlite3
import threading
import time
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from regal_desktop.delivery.client import Backoff, parse_retry_after
from regal_desktop.delivery.recorder import Recorder
from regal_desktop.delivery.report import Progress, Summary
from regal_desktop.delivery.sender import DeliveryTarget, Sender
from regal_desktop.delivery.waits import DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT, attempt_timeout
from regal_desktop.sandbox import Faults, Sandbox
from regal_desktop.store.outbox import AttemptResult, Outcome
from tests.helpers.delivery import PROFILE, fill_outbox, make_body, states

FAST = Backoff(base=0.02, cap=0.1)


def accepted(sandbox: Sandbox) -> Counter[str]:
    return Counter(r.body for r in sandbox.received if r.status == 200)


def timed_out(db_path: Path) -> Counter[int]:
    """Timed-out attempts, by request."""
    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute(
            "SELECT request_id FROM attempts WHERE status IS NULL AND answer LIKE '%timed out%'"
        ).fetchall()
    return Counter(row[0] for row in rows)


def test_the_defaults_are_generous_and_bounded() -> None:
    assert DEFAULT_TIMEOUT >= 60
    assert DEFAULT_MAX_WAIT == 3600
    target = DeliveryTarget(PROFILE, "http://127.0.0.1:9/events", None)
    assert (target.timeout, target.max_wait) == (DEFAULT_TIMEOUT, DEFAULT_MAX_WAIT)


def test_each_attempt_after_a_timeout_waits_longer_up_to_eight_times() -> None:
    assert [attempt_timeout(10.0, n) for n in range(1, 7)] == [10, 20, 40, 80, 80, 80]


@pytest.mark.parametrize(
    "absurd",
    ["inf", "+inf", "Infinity", "-inf", "1e400", "nan", "NaN", "1_000", "0x10", "1e3", "١٢"],
)
def test_a_retry_after_that_is_no_sane_number_is_ignored(absurd: str) -> None:
    assert parse_retry_after(absurd, 0.0) is None


def test_a_retry_after_far_away_is_kept_for_the_cap_to_bound() -> None:
    now = datetime(2026, 11, 27, tzinfo=UTC).timestamp()
    far = format_datetime(datetime(2099, 1, 1, tzinfo=UTC), usegmt=True)
    assert parse_retry_after("100000", now) == 100000.0
    assert parse_retry_after(far, now) == pytest.approx(
        datetime(2099, 1, 1, tzinfo=UTC).timestamp() - now
    )
    assert parse_retry_after("9" * 400, now) is None  # beyond any float: not a number
    assert parse_retry_after("Fri, 31 Dec 99999 23:59:59 GMT", now) is None


def test_retry_after_waits_no_longer_than_the_accounts_cap(db_path: Path) -> None:
    """``Retry-After: 100000`` would park the requests for 27.8 hours; the cap bounds it."""
    bodies = [make_body(n) for n in range(12)]
    fill_outbox(db_path, bodies)
    waits: list[float] = []
    real_add = Recorder.add

    async def noting(self: Recorder, result: AttemptResult) -> None:
        if result.outcome is Outcome.RETRY:
            waits.append(result.next_attempt_at - time.time())
        await real_add(self, result)

    faults = Faults(throttle_rate=0.5, retry_after="100000", seed=5)
    with pytest.MonkeyPatch.context() as patch, Sandbox(faults=faults) as sandbox:
        patch.setattr(Recorder, "add", noting)
        target = DeliveryTarget(PROFILE, sandbox.url, None, workers=4, max_wait=0.2)
        summary = Sender(db_path, target, backoff=FAST).run_sync()
        assert accepted(sandbox) == Counter(bodies)
    assert summary.delivered == 12
    assert waits and max(waits) <= 0.2


def test_settings_that_cannot_work_are_refused(db_path: Path) -> None:
    url = "http://127.0.0.1:9/events"
    for options, words in (
        ({"max_wait": 0}, "longest wait must be positive"),
        ({"timeout": float("inf")}, "timeout must be"),
    ):
        with pytest.raises(ValueError, match=words):
            Sender(db_path, DeliveryTarget(PROFILE, url, None, **options))  # type: ignore[arg-type]


def test_a_receiver_slower_than_the_timeout_gets_each_request_a_bounded_number_of_times(
    db_path: Path,
) -> None:
    """Each attempt after a timeout waits twice as long, so a receiver that answers, however
    slowly, ends up answering in time; every duplicate comes from a timed-out attempt."""
    bodies = [make_body(n) for n in range(6)]
    fill_outbox(db_path, bodies)
    with Sandbox(faults=Faults(latency=0.3)) as sandbox:
        sender: Sender

        def give_up_when_hopeless(progress: Progress) -> None:
            # With a fixed timeout every attempt times out and delivery never ends.
            del progress
            if len(sandbox.received) > 4 * len(bodies):
                sender.request_stop()

        target = DeliveryTarget(PROFILE, sandbox.url, None, workers=6, timeout=0.25)
        sender = Sender(db_path, target, backoff=FAST, on_progress=give_up_when_hopeless)
        summary = sender.run_sync()
        arrived = accepted(sandbox)
    assert summary.delivered == len(bodies), summary.message
    assert set(arrived) == set(bodies)
    duplicates = sum(arrived.values()) - len(bodies)
    timeouts = timed_out(db_path)
    assert duplicates <= sum(timeouts.values())
    assert max(timeouts.values(), default=0) <= 3  # 0.25, 0.5, 1 s, then 2 s: in time


class StallingSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """Stalls once, as a stopped process (SIGSTOP) does: time passes, answers come in,
    then the wait ends with no event, so the timers that fell due run before the answers
    are read (what epoll does after SIGCONT)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.armed = threading.Event()
        self.stalled = False

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if self.armed.is_set() and not self.stalled:
            self.stalled = True
            time.sleep(self.seconds)
            return []
        return list(super().select(timeout))


def test_answers_that_came_in_while_the_process_was_stopped_are_not_timeouts(
    db_path: Path,
) -> None:
    bodies = [make_body(n) for n in range(8)]
    fill_outbox(db_path, bodies)
    selector = StallingSelector(seconds=2.5)

    def stall_when_in_flight(progress: Progress) -> None:
        if progress.in_flight:
            selector.armed.set()

    with Sandbox(faults=Faults(latency=0.2)) as sandbox:
        target = DeliveryTarget(PROFILE, sandbox.url, None, workers=8, timeout=1.0)
        sender = Sender(db_path, target, backoff=FAST, on_progress=stall_when_in_flight)
        loop = asyncio.SelectorEventLoop(selector)
        try:
            summary: Summary = loop.run_until_complete(sender.run())
        finally:
            loop.close()
        arrived = accepted(sandbox)
    assert selector.stalled
    assert summary.delivered == len(bodies)
    assert arrived == Counter(bodies)  # each exactly once
    assert timed_out(db_path) == Counter()
    assert states(db_path) == {"delivered": len(bodies)}
