"""Kill drill for ``regal-desktop listen``: SIGKILL in the middle of a burst.

Eight clients post single events and small batches as fast as the receiver answers; the
process is killed once some hundreds were answered. Every event answered 2xx must be in
the database afterwards, the database must pass SQLite's integrity check, and a new
``listen`` must start on it and go on storing.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
from contextlib import closing
from typing import Any

import httpx
import pytest

from tests.helpers.listen import SECRET, start_listen

from .tools import database

pytestmark = pytest.mark.drill


def _event(client: int, number: int) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "contact.unsubscribed" if number % 2 else "contact.subscribed",
        "messageId": f"c{client}-{number}",
        "properties": {
            "phone": f"+1954555{number % 10000:04d}",
            "channel": "sms",
            "timestamp": 1714572000 + number,
        },
    }


def test_every_event_answered_2xx_survives_a_sigkill_mid_burst() -> None:
    process, url = start_listen()
    answered: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()

    def post(client: int) -> None:
        with httpx.Client(auth=("segment", SECRET), timeout=10) as http:
            number = 0
            while True:
                size = 1 + number % 3  # one event, or a batch of two or three
                events = [_event(client, number + k) for k in range(size)]
                body: Any = {"batch": events} if size > 1 else events[0]
                number += size
                try:
                    answer = http.post(url, json=body)
                except httpx.HTTPError:
                    return  # the receiver is gone
                if answer.status_code == 200:
                    with lock:
                        answered.extend(event["messageId"] for event in events)
                        if len(answered) >= 600:
                            enough.set()

    clients = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in clients:
        thread.start()
    try:
        assert enough.wait(60), "the receiver answered fewer than 600 events in a minute"
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        for thread in clients:
            thread.join(30)
    with closing(sqlite3.connect(database())) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT identity FROM regal_events")}
    missing = set(answered) - stored
    print(
        f"DRILL listen SIGKILL: answered {len(answered)}, stored {len(stored)}, lost {len(missing)}"
    )
    assert not missing

    again, url = start_listen()
    try:
        answer = httpx.post(url, json=_event(99, 1), auth=("x", SECRET), timeout=30)
        assert answer.json() == {"stored": 1, "known": 0, "rejected": []}
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=30)
    assert again.returncode == 0
