"""A database that cannot be written in the middle of a delivery (a full disk): the message
says what went out, not "nothing was changed" (72 requests had gone out when it said so)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from regal_desktop.context import open_context
from regal_desktop.delivery.report import Summary
from regal_desktop.delivery.sender import Sender
from regal_desktop.services.accounts import AccountProfile, Destination
from regal_desktop.services.sending import deliver
from regal_desktop.store import NewRequest, StoreError

ENDPOINT = "http://127.0.0.1:9/events"


def test_a_write_failing_mid_delivery_says_how_many_went_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = open_context()
    try:
        ids = ctx.store.outbox.enqueue(
            [NewRequest("loop", ENDPOINT, "me", f'{{"userId": "{n}"}}') for n in range(5)]
        )
        database = ctx.database
    finally:
        ctx.close()

    async def full_disk(self: Sender, stop: object = None) -> Summary:
        with closing(sqlite3.connect(database)) as conn, conn:
            conn.execute(
                "UPDATE requests SET state = 'delivered' WHERE id IN (?, ?, ?)", tuple(ids[:3])
            )
        raise StoreError(
            f"{database}: cannot write to the database: disk I/O error (is the disk full?); "
            "nothing was changed"
        )

    monkeypatch.setattr(Sender, "run", full_disk)
    destination = Destination(AccountProfile(name="loop", endpoint=ENDPOINT), None)
    with pytest.raises(StoreError) as raised:
        deliver(database, destination)
    message = str(raised.value)
    assert "nothing was changed" not in message
    assert message == (
        f"{database}: cannot write to the database: disk I/O error (is the disk full?); "
        "delivery stopped after 3 request(s) were delivered; the other 2 stay in the outbox "
        "and are sent once the database can be written"
    )
