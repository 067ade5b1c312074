"""The sandbox answers as Regal would, injects faults, and keeps up with the rate limit."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from regal_desktop.sandbox import Faults, Received, Sandbox

BODY = json.dumps({"userId": "user-1", "traits": {"emails": {"jane@example.com": {}}}})
KEY = "rk_test_sandbox_0123456789"


def post(sandbox: Sandbox, body: str = BODY, **headers: str) -> httpx.Response:
    return httpx.post(sandbox.url, content=body.encode("utf-8"), headers=headers, timeout=5)


def test_a_valid_body_is_accepted_and_recorded() -> None:
    seen: list[Received] = []
    with Sandbox(on_request=seen.append) as sandbox:
        assert sandbox.url == f"http://127.0.0.1:{sandbox.port}/events"
        response = post(sandbox)
        assert response.status_code == 200
        assert response.json() == {"message": "ok"}
        assert sandbox.accepted_count == 1
        [received] = sandbox.received
        assert received.body == BODY
        assert received.authorized
        assert received.status == 200
        assert seen == [received]
        assert sandbox.arrivals() == [received.at]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "not valid JSON: Expecting property name"),
        ("[1, 2]", "must be a JSON object"),
        ('{"traits": {"firstName": "Jane"}}', "names no contact"),
    ],
)
def test_a_bad_body_gets_400_with_the_reason(body: str, reason: str) -> None:
    with Sandbox() as sandbox:
        response = post(sandbox, body)
        assert response.status_code == 400
        assert reason in response.json()["message"]
        assert sandbox.accepted_count == 0
        assert sandbox.received[0].status == 400


def test_invalid_utf8_gets_400() -> None:
    with Sandbox() as sandbox:
        response = httpx.post(sandbox.url, content=b'{"userId": "\xff"}', timeout=5)
        assert response.status_code == 400
        assert "not UTF-8" in response.json()["message"]


def test_with_a_key_only_the_same_authorization_is_accepted() -> None:
    with Sandbox(key=KEY) as sandbox:
        assert post(sandbox).status_code == 401
        assert post(sandbox, Authorization="Bearer " + KEY).status_code == 401
        assert post(sandbox, Authorization=KEY).status_code == 200
        assert [r.authorized for r in sandbox.received] == [False, False, True]
        assert KEY not in repr(sandbox.received)
        assert KEY not in repr(sandbox)


def test_other_paths_and_methods() -> None:
    with Sandbox() as sandbox:
        assert httpx.get(sandbox.url, timeout=5).status_code == 405
        base = sandbox.url.removesuffix("/events")
        assert httpx.post(base + "/other", content=BODY, timeout=5).status_code == 404
        assert httpx.get(base + "/", timeout=5).status_code == 404
        assert httpx.post(sandbox.url + "?x=1", content=BODY, timeout=5).status_code == 200


def test_throttle_answers_429_with_retry_after() -> None:
    with Sandbox(faults=Faults(throttle_rate=1.0, retry_after="3")) as sandbox:
        response = post(sandbox)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3"
        assert sandbox.received == []


def test_errors_answer_500_or_503() -> None:
    with Sandbox(faults=Faults(error_rate=1.0, seed=7)) as sandbox:
        statuses = {post(sandbox).status_code for _ in range(20)}
        assert statuses == {500, 503}


def test_fault_shares_follow_the_seeded_rates() -> None:
    faults = Faults(error_rate=0.2, throttle_rate=0.2, seed=42)
    with Sandbox(faults=faults) as sandbox, httpx.Client(timeout=5) as client:
        statuses = [client.post(sandbox.url, content=BODY).status_code for _ in range(300)]
    assert 30 <= statuses.count(429) <= 90
    assert 30 <= statuses.count(500) + statuses.count(503) <= 90
    assert statuses.count(200) == sandbox.accepted_count


def test_a_dropped_connection_gets_no_answer() -> None:
    with Sandbox(faults=Faults(drop_rate=1.0)) as sandbox:
        with pytest.raises(httpx.RemoteProtocolError):
            post(sandbox)
        assert sandbox.received == []


def test_a_hung_request_times_out_and_stop_releases_it() -> None:
    sandbox = Sandbox(faults=Faults(hang=True)).start()
    try:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(sandbox.url, content=BODY, timeout=0.3)
    finally:
        began = time.monotonic()
        sandbox.stop()
    # Not a speed check: without releasing the hung handler, stop() would never return.
    assert time.monotonic() - began < 10
    sandbox.stop()  # stopping twice is harmless


def test_latency_delays_each_answer() -> None:
    with Sandbox(faults=Faults(latency=0.2)) as sandbox:
        began = time.monotonic()
        assert post(sandbox).status_code == 200
        assert time.monotonic() - began >= 0.2


def test_faults_can_change_while_running() -> None:
    with Sandbox(faults=Faults(error_rate=1.0)) as sandbox:
        assert post(sandbox).status_code >= 500
        sandbox.faults = Faults()
        assert post(sandbox).status_code == 200


def test_a_busy_port_is_reported_plainly() -> None:
    with (
        Sandbox() as first,
        pytest.raises(OSError, match=f"cannot listen on 127.0.0.1 port {first.port}"),
    ):
        Sandbox(port=first.port).start()


def test_ipv6_loopback() -> None:
    try:
        sandbox = Sandbox("::1").bind()
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    with sandbox:
        assert sandbox.url.startswith("http://[::1]:")
        assert post(sandbox).status_code == 200


def test_serves_24_keep_alive_connections_at_once() -> None:
    total, workers = 480, 24

    async def drive(url: str) -> None:
        limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
        async with httpx.AsyncClient(limits=limits, timeout=10) as client:
            left = list(range(total))

            async def worker() -> None:
                while left:
                    left.pop()
                    response = await client.post(url, content=BODY)
                    assert response.status_code == 200

            await asyncio.gather(*(worker() for _ in range(workers)))

    with Sandbox(faults=Faults(latency=0.05)) as sandbox:
        asyncio.run(drive(sandbox.url))
        assert sandbox.accepted_count == total
