"""A key that cannot be an HTTP header value is refused, and no answer keeps a key.

A key pasted across a wrapped line keeps its line break; httpx then refuses the header
with a message holding the whole key. That must neither be retried nor stored.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from regal_desktop.delivery.client import Backoff
from regal_desktop.delivery.report import Summary
from regal_desktop.delivery.sender import DeliveryTarget, Sender
from regal_desktop.sandbox import Sandbox
from regal_desktop.store import NewRequest, open_store
from tests.helpers.delivery import PROFILE, make_body, states

FAST = Backoff(base=0.02, cap=0.1)
KEY = "rk_live_0123456789abcdef0123"
BROKEN = "rk_live_0123456789\nabcdef0123"


def fill_outbox(db_path: Path, endpoint: str, bodies: list[str]) -> None:
    """Queue ``bodies`` for ``endpoint`` (where the target sends them)."""
    store = open_store(db_path)
    try:
        store.outbox.enqueue([NewRequest(PROFILE, endpoint, "tester", body) for body in bodies])
    finally:
        store.close()


def answers(db_path: Path) -> list[tuple[int | None, str]]:
    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute("SELECT status, answer FROM attempts ORDER BY id").fetchall()
    return [(status, str(answer)) for status, answer in rows]


def run_for_at_most(sender: Sender, seconds: float) -> Summary:
    """Run ``sender``, stopping it after ``seconds`` (a sender that retries for ever)."""

    async def bounded() -> Summary:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(seconds, stop.set)
        return await sender.run(stop)

    return asyncio.run(bounded())


def secret_pieces(key: str) -> list[str]:
    """The key and each of its lines, raw and escaped as repr and JSON would print it."""
    pieces = [key, repr(key)[1:-1], json.dumps(key)[1:-1], *key.split()]
    return [piece for piece in pieces if len(piece) >= 8]


def test_a_key_with_a_line_break_is_held_once_and_never_stored(db_path: Path) -> None:
    with Sandbox(key=KEY) as sandbox:
        fill_outbox(db_path, sandbox.url, [make_body(1), make_body(2)])
        target = DeliveryTarget(PROFILE, sandbox.url, BROKEN, workers=1)
        summary = run_for_at_most(Sender(db_path, target, backoff=FAST), 5.0)
        assert sandbox.received == []
    assert summary.auth_failed
    assert "API key" in summary.message and "line break" in summary.message
    assert states(db_path) == {"held": 1, "queued": 1}
    recorded = answers(db_path)
    assert len(recorded) == 1, f"retried: {recorded}"
    status, answer = recorded[0]
    assert status is None
    assert "API key" in answer and "line break" in answer
    for piece in [*secret_pieces(BROKEN), summary.message]:
        assert all(piece not in text for _, text in recorded), piece


def test_a_receiver_that_echoes_the_key_has_it_scrubbed_from_the_answer(db_path: Path) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        said = f"key {request.headers['Authorization']} is not allowed here"
        return httpx.Response(401, json={"message": said})

    fill_outbox(db_path, "http://127.0.0.1:9/events", [make_body(1)])
    target = DeliveryTarget(PROFILE, "http://127.0.0.1:9/events", KEY, workers=1)
    sender = Sender(db_path, target, transport=httpx.MockTransport(echo), backoff=FAST)
    summary = run_for_at_most(sender, 5.0)
    assert summary.auth_failed
    [(status, answer)] = answers(db_path)
    assert status == 401
    assert KEY not in answer and KEY[-8:] not in answer
    assert "is not allowed here" in answer


@pytest.mark.parametrize("key", [BROKEN, "rk_live_0123456789abcdéf", "rk_live_01234\x00abcdef0"])
def test_keys_that_cannot_be_a_header_value_never_reach_the_receiver(
    db_path: Path, key: str
) -> None:
    with Sandbox(key=KEY) as sandbox:
        fill_outbox(db_path, sandbox.url, [make_body(1)])
        target = DeliveryTarget(PROFILE, sandbox.url, key, workers=1)
        summary = run_for_at_most(Sender(db_path, target, backoff=FAST), 5.0)
        assert sandbox.received == []
    assert summary.auth_failed
    assert states(db_path) == {"held": 1}
    for piece in secret_pieces(key):
        assert all(piece not in text for _, text in answers(db_path))
        assert piece not in summary.message
