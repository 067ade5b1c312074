"""Drill: the Segment route's message ids survive a SIGKILL of the real command line.

``send --wait`` for a Segment account is killed while its first batch is on the wire (the
server has it, the answer never comes back); ``outbox flush --wait`` then sends every
request again, with the very message ids that had already arrived, so Segment drops
the copies.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.drills.tools import database, run_cli, start_cli, states, write_payloads
from tests.helpers.servers import SegmentServer

pytestmark = [
    pytest.mark.drill,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only"),
]

CONTACTS = 3000


def stored_ids(db_path: Path) -> set[str]:
    """Every message id the outbox's requests will send."""
    with closing(sqlite3.connect(db_path, timeout=30)) as conn:
        bases = [row[0] for row in conn.execute("SELECT message_id FROM requests")]
    assert all(bases), "a Segment request without a message id"
    return {f"{base}-identify" for base in bases}


def test_message_ids_survive_a_sigkill_mid_batch(
    tmp_path: Path, segment_server: SegmentServer
) -> None:
    added = run_cli(["profile", "add", "seg", "--segment", "--endpoint", segment_server.url])
    assert added.returncode == 0, added.stderr
    payloads = tmp_path / "contacts.jsonl"
    write_payloads(payloads, CONTACTS, tag="seg")
    segment_server.latency = 30.0  # the first batch arrives; its answer never does

    sender = start_cli(["send", "--profile", "seg", "--wait", str(payloads)])
    deadline = time.monotonic() + 60
    while not segment_server.batches():
        assert sender.poll() is None, f"the sender ended early (code {sender.returncode})"
        assert time.monotonic() < deadline, "no batch arrived"
        time.sleep(0.01)
    sender.send_signal(signal.SIGKILL)
    assert sender.wait(timeout=10) == -signal.SIGKILL
    killed = segment_server.batches()
    before = {mid for post in killed for mid in post.message_ids}
    assert before and states(database()).get("sending")

    segment_server.latency = 0.0
    flushed = run_cli(["outbox", "flush", "--profile", "seg", "--wait"])
    assert flushed.returncode == 0, flushed.stderr
    assert states(database()) == {"delivered": CONTACTS}

    after = segment_server.batches()[len(killed) :]
    assert all(post.status == 200 for post in after)
    delivered = [mid for post in after for mid in post.message_ids]
    expected = stored_ids(database())
    assert len(expected) == CONTACTS
    # Every request arrived, the ones already on the wire with the same ids as before.
    assert set(delivered) == expected
    assert before <= set(delivered)
    assert len(delivered) == len(set(delivered))  # the restart sent each request once
