"""The sandbox answers as Segment's HTTP Tracking API would, for a Segment account."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest

from regal_desktop.domain.model import body_text
from regal_desktop.sandbox import Faults, Sandbox
from regal_desktop.services.accounts import AccountProfile, Destination
from regal_desktop.services.sending import deliver
from regal_desktop.store import NewRequest, open_store

KEY = "wk_sandbox_write_key_0123"
IDENTIFY = {"type": "identify", "userId": "user-1", "traits": {"phone": "+19175554444"}}


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def post(url: str, body: bytes, key: str | None = None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = basic(key)
    return httpx.post(url, content=body, headers=headers, timeout=5)


def batch(*messages: dict[str, object]) -> bytes:
    return json.dumps({"batch": list(messages), "sentAt": "2026-05-01T10:00:00.000Z"}).encode()


@pytest.mark.parametrize("path", ["/v1/batch", "/batch"])
def test_a_batch_is_answered_success_true(path: str) -> None:
    with Sandbox() as sandbox:
        assert sandbox.segment_url == f"http://127.0.0.1:{sandbox.port}/v1"
        url = sandbox.segment_url.removesuffix("/v1") + path
        response = post(url, batch(IDENTIFY, IDENTIFY))
        assert (response.status_code, response.json()) == (200, {"success": True})
        [received] = sandbox.received
        assert (received.path, received.status) == (path, 200)
        assert json.loads(received.body)["batch"][0] == IDENTIFY


@pytest.mark.parametrize("call", ["identify", "track"])
def test_single_calls_are_answered_too(call: str) -> None:
    with Sandbox() as sandbox:
        response = post(f"{sandbox.segment_url}/{call}", json.dumps(IDENTIFY).encode())
        assert response.json() == {"success": True}


def test_a_wrong_write_key_gets_401_and_the_right_one_200() -> None:
    with Sandbox(key=KEY) as sandbox:
        url = f"{sandbox.segment_url}/batch"
        assert post(url, batch(IDENTIFY), key="wk_someone_elses_key").status_code == 401
        assert post(url, batch(IDENTIFY)).status_code == 401  # none at all
        assert post(url, batch(IDENTIFY), key=KEY).status_code == 200
        assert [r.authorized for r in sandbox.received] == [False, False, True]


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("batch", b"{not json", "Invalid JSON"),
        ("batch", b"[]", "body must be a JSON object"),
        ("batch", b'{"batch": {}}', "batch must be a list of messages"),
        ("batch", batch(*[{"type": "identify"}] * 2501), "batch has 2,501 messages; at most 2,500"),
        ("batch", batch({"type": "identify", "traits": {"n": "x" * 40_000}}), "batch[0] is"),
        ("batch", batch(*[{"n": "x" * 30_000}] * 20), "bytes; batch takes at most 512,000"),
        ("identify", json.dumps({"n": "x" * 40_000}).encode(), "identify takes at most 32,768"),
    ],
)
def test_a_body_over_the_limits_or_not_json_gets_400(path: str, body: bytes, reason: str) -> None:
    with Sandbox() as sandbox:
        response = post(f"{sandbox.segment_url}/{path}", body)
        assert response.status_code == 400
        assert response.json()["success"] is False
        assert reason in response.json()["message"]


def test_faults_apply_to_segment_calls_as_to_regal() -> None:
    with Sandbox(faults=Faults(throttle_rate=1.0, retry_after="2")) as sandbox:
        response = post(f"{sandbox.segment_url}/batch", batch(IDENTIFY))
        assert (response.status_code, response.headers["Retry-After"]) == (429, "2")


def test_other_paths_are_not_found_and_regal_still_answers_at_events() -> None:
    with Sandbox() as sandbox:
        assert post(f"{sandbox.segment_url}/page", batch(IDENTIFY)).status_code == 404
        assert post(f"{sandbox.segment_url}/v1/batch", batch(IDENTIFY)).status_code == 404
        assert httpx.get(f"{sandbox.segment_url}/batch").status_code == 405
        regal = post(sandbox.url, json.dumps({"userId": "u"}).encode())
        assert regal.json() == {"message": "ok"}


def test_the_built_in_sandbox_takes_a_segment_accounts_sends(tmp_path: Path) -> None:
    # What `regal-desktop profile add seg --segment --endpoint sandbox` makes.
    profile = AccountProfile(name="seg", kind="segment", endpoint="sandbox")
    db_path = tmp_path / "outbox.sqlite3"
    store = open_store(db_path)
    try:
        body = body_text({"userId": "user-1", "traits": {"firstName": "Ann"}})
        [request] = store.outbox.enqueue(
            [NewRequest("seg", "sandbox", "tester", body, route="segment")]
        )
    finally:
        store.close()

    summary = deliver(db_path, Destination(profile, None))

    assert summary.message == "Delivered 1 request for profile seg"
    store = open_store(db_path)
    try:
        [attempt] = store.history.attempts(request)
    finally:
        store.close()
    assert attempt.status == 200 and attempt.answer == '{"success": true}'
    assert attempt.endpoint is not None and attempt.endpoint.endswith("/v1/batch")
    assert attempt.batch
