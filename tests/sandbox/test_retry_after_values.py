"""The sandbox sends several ``Retry-After`` values in turn, for the absurd-values drill."""

from __future__ import annotations

import httpx

from regal_desktop.sandbox import Faults, Sandbox

BODY = '{"userId": "user-1"}'


def test_several_retry_after_values_are_sent_in_turn() -> None:
    values = ("100000", "inf", "Thu, 31 Dec 2099 23:59:59 GMT")
    with Sandbox(faults=Faults(throttle_rate=1.0, retry_after=values)) as sandbox:
        seen = [
            httpx.post(sandbox.url, content=BODY, timeout=5).headers["Retry-After"]
            for _ in range(4)
        ]
    assert seen == [*values, values[0]]
