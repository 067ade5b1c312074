"""One request: the exact bytes and headers, what an answer means, and retry timing."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from regal_desktop.delivery.client import Backoff, classify, parse_retry_after, post
from regal_desktop.store.outbox import Outcome

ENDPOINT = "https://events.regalvoice.com/events"
KEY = "rk_live_abcdef0123456789"
BODY = '{\n  "userId": "user-1",\n  "traits": {\n    "firstName": "Zoë"\n  }\n}'


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (202, Outcome.DELIVERED),
        (400, Outcome.REJECTED),
        (404, Outcome.REJECTED),
        (413, Outcome.REJECTED),
        (301, Outcome.REJECTED),
        (401, Outcome.HELD),
        (403, Outcome.HELD),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (None, Outcome.RETRY),
    ],
)
def test_classify(status: int | None, outcome: Outcome) -> None:
    assert classify(status, '{"message":"ok"}') is outcome


def test_a_200_with_an_unusual_body_still_counts_as_delivered() -> None:
    assert classify(200, "<html>accepted</html>") is Outcome.DELIVERED


def run_post(
    handler: httpx.MockTransport, key: str | None = KEY
) -> tuple[int | None, str, float | None]:
    async def go() -> tuple[int | None, str, float | None]:
        async with httpx.AsyncClient(transport=handler) as client:
            return await post(client, ENDPOINT, key, BODY)

    return asyncio.run(go())


def test_post_sends_the_exact_bytes_and_the_raw_key() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"message": "ok"})

    assert run_post(httpx.MockTransport(answer)) == (200, '{"message":"ok"}', None)
    [request] = seen
    assert request.method == "POST"
    assert str(request.url) == ENDPOINT
    assert request.content == BODY.encode("utf-8")
    assert request.headers["Authorization"] == KEY
    assert request.headers["Content-Type"] == "application/json"


def test_post_without_a_key_sends_no_authorization() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    run_post(httpx.MockTransport(answer), key=None)
    assert "Authorization" not in seen[0].headers


def test_post_returns_retry_after_and_keeps_the_answer() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "7"}, text="slow down")

    assert run_post(httpx.MockTransport(answer)) == (429, "slow down", 7.0)


def test_a_long_answer_is_cut_to_keep_the_history_small() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="x" * 100_000)

    status, text, _ = run_post(httpx.MockTransport(answer))
    assert status == 500
    assert len(text) == 4000


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (httpx.ConnectError("connection refused"), "network error talking to"),
        (httpx.ReadTimeout("read timed out"), "timed out (ReadTimeout)"),
        (httpx.RemoteProtocolError("server disconnected"), "server disconnected"),
    ],
)
def test_network_failures_become_a_plain_answer(error: Exception, words: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise error

    status, text, retry_after = run_post(httpx.MockTransport(answer))
    assert status is None
    assert retry_after is None
    assert words in text
    assert ENDPOINT in text
    assert KEY not in text


def test_parse_retry_after() -> None:
    now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
    later = format_datetime(datetime(2025, 1, 2, 3, 4, 35, tzinfo=UTC), usegmt=True)
    assert parse_retry_after("12", now) == 12.0
    assert parse_retry_after(" 1.5 ", now) == 1.5
    assert parse_retry_after(later, now) == pytest.approx(30.0)
    assert parse_retry_after("-4", now) == 0.0
    assert parse_retry_after("Mon, 01 Jan 2024 00:00:00 GMT", now) == 0.0  # in the past
    for nonsense in (None, "", "soon", "nan"):
        assert parse_retry_after(nonsense, now) is None


def test_backoff_doubles_up_to_the_cap() -> None:
    backoff = Backoff(base=0.5, cap=4.0, jitter="none")
    assert [backoff.delay(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_full_jitter_stays_within_the_bound_and_spreads() -> None:
    backoff = Backoff(base=1.0, cap=60.0, rng=random.Random(3))
    delays = [backoff.delay(3) for _ in range(200)]
    assert all(0.0 <= d <= 4.0 for d in delays)
    assert max(delays) - min(delays) > 2.0


def test_retry_after_wins_when_longer() -> None:
    backoff = Backoff(base=0.5, cap=60.0, jitter="none")
    assert backoff.after(1, None) == 0.5
    assert backoff.after(1, 10.0) == 10.0
    assert backoff.after(5, 1.0) == 8.0
