"""The events receiver against real HTTP clients: auth, bad bodies, batches, a burst."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from regal_desktop.services.event_receiver import EventReceiver, Note
from regal_desktop.store import open_store

SECRET = "s3cret-for-the-tests-0123456789"


def _event(number: int, name: str = "contact.unsubscribed") -> dict[str, Any]:
    return {
        "type": "track",
        "event": name,
        "messageId": f"m{number}",
        "properties": {
            "phone": f"+1954555{number % 10000:04d}",
            "channel": "sms",
            "timestamp": 1714572000 + number,
            "source": "regalvoice.sms",
        },
    }


class Receiving:
    """A running receiver, what it said, and a client that knows the secret."""

    def __init__(self, receiver: EventReceiver, notes: list[Note], database: Path) -> None:
        self.receiver = receiver
        self.notes = notes
        self.database = database
        self.client = httpx.Client(auth=("segment", SECRET), timeout=30)

    def post(self, body: Any, path: str = "/events", **kwargs: Any) -> httpx.Response:
        return self.client.post(self.receiver.url.replace("/events", path), json=body, **kwargs)

    def stored(self) -> set[str]:
        with open_store(self.database) as store:
            return {row.identity for row in store.events.since(None)}


@pytest.fixture
def receiving(tmp_path: Path) -> Iterator[Receiving]:
    notes: list[Note] = []
    database = tmp_path / "events.sqlite3"
    with EventReceiver(database, SECRET, on_note=notes.append, max_body=64 * 1024) as receiver:
        running = Receiving(receiver, notes, database)
        yield running
        running.client.close()


def test_one_event_is_committed_before_the_answer(receiving: Receiving) -> None:
    answer = receiving.post(_event(1))
    assert answer.status_code == 200
    assert answer.json() == {"stored": 1, "known": 0, "rejected": []}
    assert receiving.stored() == {"m1"}
    again = receiving.post(_event(1), path="/")
    assert again.json() == {"stored": 0, "known": 1, "rejected": []}
    assert [note.outcome for note in receiving.notes] == ["stored", "known"]


def test_requests_without_the_secret_are_refused(receiving: Receiving) -> None:
    url = receiving.receiver.url
    for headers in (
        {},
        {"Authorization": "wrong-secret-wrong-secret"},
        {"Authorization": "Basic " + base64.b64encode(b"segment:wrong").decode()},
        {"Authorization": "Basic not-base64!"},
        {"X-Signature": "00" * 20},
    ):
        answer = httpx.post(url, json=_event(1), headers=headers)
        assert answer.status_code == 401, headers
        assert answer.json() == {"message": "Unauthorized: give the shared secret"}
    assert receiving.stored() == set()


def test_every_way_of_giving_the_secret(receiving: Receiving) -> None:
    url = receiving.receiver.url
    body = json.dumps(_event(1)).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    ways = [
        {"Authorization": SECRET},
        {"Authorization": f"Bearer {SECRET}"},
        {"Authorization": "Basic " + base64.b64encode(f"{SECRET}:".encode()).decode()},
        {"X-Signature": signature},
    ]
    for headers in ways:
        answer = httpx.post(url, content=body, headers=headers)
        assert answer.status_code == 200, headers


def test_a_body_that_cannot_be_read_is_refused_with_the_reason(receiving: Receiving) -> None:
    client, url = receiving.client, receiving.receiver.url
    answer = client.post(url, content=b"{not json")
    assert answer.status_code == 400
    assert answer.json()["message"] == (
        "body is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 1 column 2"
    )
    answer = client.post(url, content=b'{"event": "\xff"}')
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("body is not UTF-8")
    answer = client.post(url, json={"event": "contact.subscribed", "properties": {}})
    assert answer.status_code == 400
    assert (
        answer.json()["message"] == "no channel: expected properties.channel (voice, SMS or email)"
    )


def test_a_batch_with_some_bad_events_stores_the_good_ones(receiving: Receiving) -> None:
    batch = {"batch": [_event(1), {"type": "identify"}, _event(2), [1]]}
    answer = receiving.post(batch)
    assert answer.status_code == 200
    assert answer.json() == {
        "stored": 2,
        "known": 0,
        "rejected": [
            {
                "index": 1,
                "reason": "a Segment identify call is not an event (only track calls are read)",
            },
            {"index": 3, "reason": "an event must be a JSON object, not a list"},
        ],
    }
    assert receiving.stored() == {"m1", "m2"}
    rejected = [note.reason for note in receiving.notes if note.outcome == "rejected"]
    assert rejected == [
        "event 1: a Segment identify call is not an event (only track calls are read)",
        "event 3: an event must be a JSON object, not a list",
    ]


def test_sizes_paths_methods_and_encodings(receiving: Receiving) -> None:
    client, url = receiving.client, receiving.receiver.url
    big = client.post(url, content=b" " * (64 * 1024 + 1))
    assert big.status_code == 413
    assert big.json() == {"message": "body too large: the limit is 65536 bytes"}
    assert client.post(url.replace("/events", "/other"), json=_event(1)).status_code == 404
    assert client.get(url).status_code == 405
    packed = gzip.compress(json.dumps([_event(5), _event(6)]).encode())
    answer = client.post(url, content=packed, headers={"Content-Encoding": "gzip"})
    assert answer.json()["stored"] == 2
    bomb = gzip.compress(b" " * (1024 * 1024))
    assert client.post(url, content=bomb, headers={"Content-Encoding": "gzip"}).status_code == 413


def test_a_burst_of_a_thousand_events_is_all_stored(receiving: Receiving) -> None:
    url = receiving.receiver.url

    def send(numbers: range) -> list[int]:
        with httpx.Client(auth=("segment", SECRET), timeout=60) as client:
            return [client.post(url, json=_event(n)).status_code for n in numbers]

    with ThreadPoolExecutor(8) as pool:
        statuses = [
            s for part in pool.map(send, [range(k, 1000, 8) for k in range(8)]) for s in part
        ]
    assert statuses == [200] * 1000
    assert receiving.stored() == {f"m{n}" for n in range(1000)}
    assert sum(note.outcome == "stored" for note in receiving.notes) == 1000


def test_a_receiver_needs_a_secret(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="shared secret"):
        EventReceiver(tmp_path / "x.sqlite3", "")
