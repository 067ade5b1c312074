"""The account's send schedule in the store, and the limiter that paces starts by it, on
a SQLite file and on a throwaway PostgreSQL cluster (skipped where it is not installed)."""

from __future__ import annotations

import asyncio
import itertools
import threading
from pathlib import Path

import pytest

from regal_desktop.delivery.ratelimit import LATE, SharedRateLimiter, slot_spacing
from regal_desktop.store import Location, open_store
from regal_desktop.store.slots import SendSchedule
from tests.helpers.postgres import postgres_server, postgres_url

__all__ = ["postgres_server", "postgres_url"]  # fixtures


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, db_path: Path) -> Location:
    """A new store: a SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        return db_path
    url: str = request.getfixturevalue("postgres_url")
    return url


def test_reservations_follow_each_other_and_never_overlap(location: Location) -> None:
    with open_store(location) as first, open_store(location) as second:
        a = SendSchedule(first.conn).reserve("team", 3, 0.01, now=1000.0)
        b = SendSchedule(second.conn).reserve("team", 2, 0.01, now=1000.0)
        other = SendSchedule(second.conn).reserve("solo", 1, 0.01, now=1000.0)
    assert a == pytest.approx([1000.0, 1000.01, 1000.02])
    assert b == pytest.approx([1000.03, 1000.04])  # after the first desk's, not on them
    assert other == pytest.approx([1000.0])  # every account has a schedule of its own


def test_after_a_pause_the_schedule_starts_now_not_in_the_past(location: Location) -> None:
    with open_store(location) as store:
        schedule = SendSchedule(store.conn)
        schedule.reserve("team", 5, 0.01, now=1000.0)
        assert schedule.reserve("team", 1, 0.01, now=2000.0) == pytest.approx([2000.0])
        assert schedule.next_free("team") == pytest.approx(2000.01)
        assert schedule.next_free("nobody") is None


def test_a_clock_set_back_starts_the_schedule_again_from_now(location: Location) -> None:
    """After the clock went back a day, the next free time is a day ahead: waiting for it
    would stop sending for a day; the schedule starts again from now instead."""
    with open_store(location) as store:
        schedule = SendSchedule(store.conn)
        schedule.reserve("team", 5, 0.01, now=1_000_000.0)
        assert schedule.reserve("team", 1, 0.01, now=1_000_000.0 - 86_400) == pytest.approx(
            [1_000_000.0 - 86_400]
        )
        # A few seconds ahead is other desks' times: those are waited for.
        schedule.reserve("team", 500, 0.01, now=2_000_000.0)
        assert schedule.reserve("team", 1, 0.01, now=2_000_000.0) == pytest.approx([2_000_005.0])


def test_a_reservation_needs_a_count_and_a_spacing(db_path: Path) -> None:
    with open_store(db_path) as store:
        schedule = SendSchedule(store.conn)
        with pytest.raises(ValueError, match="at least one"):
            schedule.reserve("team", 0, 0.01)
        with pytest.raises(ValueError, match="positive"):
            schedule.reserve("team", 1, 0.0)


def test_the_spacing_keeps_every_second_within_the_rate() -> None:
    for rate in (1, 5, 10.9, 100, 290, 1000):
        spacing = slot_spacing(rate)
        # The most send times a closed second can hold: 1 + floor(1 / spacing).
        assert 1 + int(1 / spacing) <= int(rate)
    with pytest.raises(ValueError, match="at least 1"):
        slot_spacing(0.5)


def test_limiters_in_two_threads_share_one_schedule(location: Location) -> None:
    """Two limiters (two senders) of one account, each in its own thread and event loop:
    the send times they hand out never coincide and are a full spacing apart, and no
    start comes before its time."""
    rate, each = 200, 60
    slots: list[float] = []
    early: list[float] = []
    lock = threading.Lock()

    def sender() -> None:
        async def run() -> None:
            limiter = SharedRateLimiter(location, "team", rate)
            try:
                for _ in range(each):
                    slot = await limiter.acquire()
                    now = limiter._clock()
                    with lock:
                        slots.append(slot)
                        if now < slot:
                            early.append(slot - now)
                    limiter.release()
            finally:
                limiter.close()

        asyncio.run(run())

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(slots) == 2 * each and not early
    ordered = sorted(slots)
    gaps = [later - sooner for sooner, later in itertools.pairwise(ordered)]
    # Unix times are exact to ~0.2 µs; on PostgreSQL each limiter reads the server's clock
    # to within half a round trip (well under a millisecond on this computer).
    error = 1e-6 if isinstance(location, Path) else 1e-3
    assert min(gaps) >= slot_spacing(rate) - error


class FakeClock:
    """A clock that moves only when slept on, or when the test moves it."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_send_time_missed_is_skipped_not_made_up_for(db_path: Path) -> None:
    """A start that comes late (the loop was busy, nobody was ready) would arrive next to
    the following ones: the limiter leaves missed times unused and never starts two to
    catch up."""
    clock = FakeClock()

    async def scenario() -> list[float]:
        limiter = SharedRateLimiter(db_path, "team", 100, clock=clock, sleep=clock.sleep)
        try:
            first = await limiter.acquire()
            clock.now += 0.5  # busy elsewhere for half a second
            second = await limiter.acquire()
            third = await limiter.acquire()
            assert limiter.missed > 0
            return [first, second, third]
        finally:
            limiter.close()

    first, second, third = asyncio.run(scenario())
    assert first == pytest.approx(1_000_000.0)
    assert second >= 1_000_000.5 - LATE
    assert third - second == pytest.approx(slot_spacing(100))


def test_a_clock_set_back_mid_run_does_not_stop_sending(db_path: Path) -> None:
    clock = FakeClock()

    async def scenario() -> float:
        limiter = SharedRateLimiter(db_path, "team", 100, clock=clock, sleep=clock.sleep)
        try:
            await limiter.acquire()  # holds the next tenth of a second of send times
            clock.now -= 86_400  # the computer's clock is set back a day
            return await limiter.acquire()
        finally:
            limiter.close()

    assert asyncio.run(scenario()) == pytest.approx(1_000_000.0 - 86_400)
