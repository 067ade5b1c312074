"""The sliding-window limiter: never more than N starts in any window, and no idle gaps."""

from __future__ import annotations

import asyncio
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regal_desktop.delivery.ratelimit import RateLimiter


class FakeClock:
    """Virtual time: sleeping moves the clock instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        assert seconds > 0, "the limiter must never spin with a zero or negative sleep"
        self.sleeps.append(seconds)
        self.now += seconds


def busiest(starts: list[float], window: float) -> int:
    """The most starts inside any half-open window [t, t + window), t being a start.

    Starts a nanosecond apart from the window's edge count as outside: the fake clock adds
    float durations and can land one rounding step short of the exact deadline.
    """
    ordered = sorted(starts)
    best, low = 0, 0
    for high, start in enumerate(ordered):
        while ordered[low] + window <= start + 1e-9:
            low += 1
        best = max(best, high - low + 1)
    return best


def run_arrivals(arrivals: list[float], rate: float, window: float) -> list[float]:
    """Acquire once per arrival time (in order), as one queue of callers; return starts."""
    clock = FakeClock()

    async def scenario() -> list[float]:
        limiter = RateLimiter(rate, window, clock=clock, sleep=clock.sleep)
        starts = []
        for arrival in arrivals:
            clock.now = max(clock.now, arrival)
            await limiter.acquire()
            starts.append(clock.now)
        return starts

    return asyncio.run(scenario())


def test_a_burst_is_spread_over_whole_windows() -> None:
    starts = run_arrivals([0.0] * 20, rate=5, window=1.0)
    assert starts == [float(i // 5) for i in range(20)]


def test_a_burst_at_the_end_of_a_second_does_not_double_up() -> None:
    # 5 at 0.999 then 5 at 1.001: an aligned-second counter would let 10 through in 2 ms.
    starts = run_arrivals([0.999] * 5 + [1.001] * 5, rate=5, window=1.0)
    assert busiest(starts, 1.0) == 5
    assert starts[5:] == pytest.approx([1.999] * 5)


def test_fractional_rate_is_rounded_down() -> None:
    assert busiest(run_arrivals([0.0] * 30, rate=10.9, window=1.0), 1.0) == 10


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=0.7), min_size=1, max_size=120),
    rate=st.integers(min_value=1, max_value=12),
    window=st.sampled_from([0.1, 0.25, 1.0]),
)
def test_never_more_than_the_limit_in_any_window_and_no_idle_gap(
    gaps: list[float], rate: int, window: float
) -> None:
    arrivals = []
    now = 0.0
    for gap in gaps:
        now += gap
        arrivals.append(now)
    starts = run_arrivals(arrivals, rate, window)
    assert busiest(starts, window) <= rate
    # Busy: every start is as early as the arrival, the queue and the window allow.
    for i, start in enumerate(starts):
        earliest = max(arrivals[i], starts[i - 1] if i else 0.0)
        if i >= rate:
            earliest = max(earliest, starts[i - rate] + window)
        assert start == pytest.approx(earliest, abs=1e-9)


def test_concurrent_workers_share_the_limit() -> None:
    clock = FakeClock()
    starts: list[float] = []

    async def scenario() -> None:
        limiter = RateLimiter(7, 1.0, clock=clock, sleep=clock.sleep)

        async def worker() -> None:
            for _ in range(10):
                await limiter.acquire()
                starts.append(clock.now)

        await asyncio.gather(*(worker() for _ in range(5)))

    asyncio.run(scenario())
    assert len(starts) == 50
    assert busiest(starts, 1.0) == 7
    assert max(starts) == pytest.approx(7.0)  # 50 starts at 7 per second: 8 windows


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 request"):
        RateLimiter(0.5)
    with pytest.raises(ValueError, match="window must be positive"):
        RateLimiter(10, 0)


def test_a_short_real_run_keeps_the_limit_busy() -> None:
    starts: list[float] = []

    async def scenario() -> None:
        limiter = RateLimiter(20, 0.1)

        async def worker() -> None:
            for _ in range(12):
                await limiter.acquire()
                starts.append(time.monotonic())

        await asyncio.gather(*(worker() for _ in range(10)))

    began = time.monotonic()
    asyncio.run(scenario())
    elapsed = time.monotonic() - began
    assert len(starts) == 120
    assert busiest(starts, 0.1) <= 20
    # 120 starts at 20 per 0.1 s need 6 windows: the last starts 0.5 s after the first.
    assert elapsed >= 0.5


def run_requests(
    count: int, workers: int, duration: float, rate: int, ceiling: int
) -> list[tuple[float, float]]:
    """Workers each send requests that take ``duration``; return (start, answer) pairs."""
    clock = FakeClock()
    spans: list[tuple[float, float]] = []

    async def scenario() -> None:
        limiter = RateLimiter(rate, 1.0, ceiling=ceiling, clock=clock, sleep=clock.sleep)
        remaining = [count]

        async def worker() -> None:
            while remaining[0] > 0:
                remaining[0] -= 1
                await limiter.acquire()
                start = clock.now
                await clock.sleep(duration)  # the request is on the wire
                spans.append((start, clock.now))
                limiter.release()

        await asyncio.gather(*(worker() for _ in range(workers)))

    asyncio.run(scenario())
    return spans


def most_reaching_any_window(spans: list[tuple[float, float]]) -> int:
    """The most requests whose [start, answer] touches one window [t, t + 1)."""
    # The count only drops when t passes an answer, so it peaks at some t = answer.
    return max(sum(1 for s, e in spans if s < t + 1.0 - 1e-9 and e >= t) for _, t in spans)


@settings(max_examples=60, deadline=None)
@given(
    duration=st.floats(min_value=0.01, max_value=1.5),
    workers=st.integers(min_value=1, max_value=12),
    rate=st.integers(min_value=1, max_value=10),
    extra=st.integers(min_value=0, max_value=3),
)
def test_requests_that_can_reach_the_server_in_any_window_stay_under_the_ceiling(
    duration: float, workers: int, rate: int, extra: int
) -> None:
    spans = run_requests(40, workers, duration, rate, rate + extra)
    assert len(spans) == 40
    assert most_reaching_any_window(spans) <= rate + extra


def test_slow_answers_lower_the_pace_to_keep_the_ceiling() -> None:
    # Real time, short window: 5 starts per 0.2 s, answers taking 0.2 s. Without the
    # ceiling, 10 requests would touch one window; with it, never more than 5.
    spans: list[tuple[float, float]] = []

    async def scenario() -> None:
        limiter = RateLimiter(5, 0.2, ceiling=5)

        async def worker() -> None:
            for _ in range(3):
                await limiter.acquire()
                start = time.monotonic()
                await asyncio.sleep(0.2)
                spans.append((start, time.monotonic()))
                limiter.release()

        await asyncio.gather(*(worker() for _ in range(10)))

    asyncio.run(scenario())
    assert len(spans) == 30
    most = max(sum(1 for s, e in spans if s < t + 0.2 and e >= t) for _, t in spans)
    assert most <= 5
