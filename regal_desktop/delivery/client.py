"""One HTTP request to Regal, what its answer means, and how long to wait before a retry.

Regal's contract: 200 ``{"message":"ok"}`` is success; 400 is a payload error and 401/403
a bad key, neither worth retrying; 429, 5xx and network failures are transient.
"""

from __future__ import annotations

import asyncio
import base64
import math
import random
import re
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx

from regal_desktop.delivery.keys import clean_key, scrub
from regal_desktop.store.outbox import Outcome

#: Longest answer kept in the history; Regal's answers are a line, an error page is not.
MAX_ANSWER = 4000
#: ``Retry-After`` as delay-seconds: ASCII digits (a fraction and a sign are tolerated).
_SECONDS = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?")


def classify(status: int | None, text: str) -> Outcome:
    """What an attempt's answer means for the request.

    Any 2xx counts as delivered: Regal documents only ``200 {"message":"ok"}``, but an
    accepted request must not be sent again (events are not idempotent), and the answer is
    kept in the history, so an unusual body stays visible without risking a duplicate.
    401/403 hold the request (the key is wrong: retrying cannot help and sending more would
    only pile up refusals). 408, 429, 5xx and no answer at all are retried. Every other
    status, redirects included, is a rejection that a person must look at.
    """
    del text  # the status alone decides; the caller keeps the text as the answer
    if status is None or status in (408, 429) or status >= 500:
        return Outcome.RETRY
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status in (401, 403):
        return Outcome.HELD
    return Outcome.REJECTED


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None.

    A value that is not a sane number or date (``inf``, ``1e400``, ``NaN``, ``0x10``,
    digits of other scripts, a year past 9999) counts as absent: the backoff decides. A
    sane but long one is returned as is; the sender caps every wait (``max_wait``, see
    ``waits``).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if _SECONDS.fullmatch(text):
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
            if when.tzinfo is None:
                return None  # an HTTP date is always GMT; a naive one is not one
            seconds = when.timestamp() - (time.time() if now is None else now)
        except (TypeError, ValueError, OverflowError, OSError):
            return None
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


class _NoAnswerError(Exception):
    """The attempt's own deadline passed without an answer."""


async def _awake_within(request: asyncio.Future[httpx.Response], seconds: float) -> httpx.Response:
    """``request``'s response, waiting ``seconds`` of this process's waking time at most.

    Time the process spends stopped (SIGSTOP, a laptop asleep, a stalled machine) counts
    as one tick, not as its length: after a stop, the answers that came in meanwhile are
    read before the deadline is judged, instead of an overall deadline discarding them
    (every such answer was a duplicate in the making).
    """
    tick = min(1.0, seconds / 8)
    awake, last = 0.0, time.monotonic()
    try:
        while True:
            done, _ = await asyncio.wait({request}, timeout=min(tick, seconds - awake))
            if done:
                return request.result()
            now = time.monotonic()
            awake += min(now - last, 2 * tick)
            last = now
            if awake >= seconds:
                raise _NoAnswerError
    finally:
        if not request.done():
            request.cancel()
            await asyncio.wait({request})


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: ``base * 2**(attempt-1)`` seconds, at most ``cap``.

    ``jitter="full"`` waits a random time between 0 and that bound, which spreads the
    retries of many requests that failed together (a 5xx burst) instead of sending them
    back in one wave.
    """

    base: float = 0.5
    cap: float = 60.0
    jitter: Literal["full", "none"] = "full"
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1 for the first)."""
        bound = min(self.cap, self.base * 2.0 ** max(0, attempt - 1))
        if self.jitter == "full":
            return self.rng.uniform(0.0, bound)
        return bound

    def after(self, attempt: int, retry_after: float | None) -> float:
        """The wait before the next attempt: the backoff, or ``Retry-After`` if longer."""
        delay = self.delay(attempt)
        return delay if retry_after is None else max(delay, retry_after)


def authorization(key: str, *, basic: bool = False) -> str:
    """The ``Authorization`` value for ``key``: the key as is (Regal: no ``Bearer``), or
    with ``basic`` HTTP Basic auth with the key as user name and an empty password
    (Segment's write key). Raises ``UnusableKey`` for a key no header can carry."""
    key = clean_key(key)
    if not basic:
        return key
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode("ascii")


async def post(
    client: httpx.AsyncClient,
    endpoint: str,
    key: str | None,
    body: str | bytes,
    timeout: float | None = None,
    *,
    basic: bool = False,
) -> tuple[int | None, str, float | None]:
    """Send ``body`` and return ``(status, answer, retry_after)``.

    ``status`` is None when no HTTP answer came back; ``answer`` is then a plain
    description of the network failure. ``key`` goes in ``Authorization`` as is (no
    ``Bearer``), or as HTTP Basic auth with ``basic`` (``authorization``); None sends no
    header (the sandbox without a key). Nothing here raises for
    network failures, and no message ever contains the key. A key that cannot be an HTTP
    header value raises ``UnusableKey`` before anything is sent: the request cannot be
    built, and httpx's own refusal would quote the whole key.

    ``timeout`` (seconds) bounds the attempt in waking time (``_awake_within``), so an
    answer that came in while the process was stopped is read, not discarded; httpx's
    per-phase timeouts still bound connecting, writing and the pool (a request cut short
    there cannot have reached Regal whole), but not reading. None leaves every phase to
    the client's timeouts.
    """
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = authorization(key, basic=basic)
    content = body.encode("utf-8") if isinstance(body, str) else body
    try:
        if timeout is None:
            response = await client.post(endpoint, content=content, headers=headers)
        else:
            phases = httpx.Timeout(timeout, read=None)
            sending = client.post(endpoint, content=content, headers=headers, timeout=phases)
            response = await _awake_within(asyncio.ensure_future(sending), timeout)
    except _NoAnswerError:
        return None, f"no answer from {endpoint}: timed out after {timeout:g} s", None
    except httpx.TimeoutException as exc:
        return None, f"no answer from {endpoint}: timed out ({type(exc).__name__})", None
    except httpx.TransportError as exc:
        reason = scrub(str(exc), key) or type(exc).__name__
        return None, f"network error talking to {endpoint}: {reason}", None
    answer = response.text[:MAX_ANSWER]
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return response.status_code, answer, retry_after
