"""A sender killed mid-flight, and an endpoint changed under queued requests.

Stranded claims: ``send --wait`` of 40 payloads (all claimed at once) against a receiver
that answers in 3 s is killed (SIGTERM, as ``timeout`` sends, or SIGKILL) while its
requests are on the wire; all its rows stay ``sending``. ``outbox flush --wait`` alone
must then deliver every payload and exit 0 only when nothing of the account is left
unsettled. Duplicate bound: the requests on the
wire when the sender died, at most one per worker (24, ``DeliveryTarget.workers``): the
receiver still answers them, and the flush sends them again.

Endpoint changed: requests queued for a profile's endpoint (a receiver that drops every
connection, so they wait for a retry), then the profile is given a new endpoint. A flush
sends none of them anywhere: it holds them and says where they were queued for and where
the profile sends now; ``outbox retry`` moves each to the new endpoint and a flush
delivers it there. The old receiver never accepts one, so duplicates are 0.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from regal_desktop.delivery.sender import DeliveryTarget
from regal_desktop.sandbox import Faults, Sandbox

from .tools import database, run_cli, start_cli, states, tally

pytestmark = [
    pytest.mark.drill,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals"),
]

PayloadFile = Callable[..., tuple[Path, list[str]]]
WORKERS = DeliveryTarget("drill", "http://127.0.0.1/events", None).workers
LATENCY = 3.0


def _sending(db_path: Path) -> int:
    """How many requests are claimed by a sender (0 while the schema is not there yet)."""
    if not db_path.exists():
        return 0
    try:
        with closing(sqlite3.connect(db_path, timeout=5)) as conn:
            row = conn.execute("SELECT count(*) FROM requests WHERE state = 'sending'")
            return int(row.fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_killed_senders_requests_are_delivered_by_flush_alone(
    sig: signal.Signals, payload_file: PayloadFile
) -> None:
    name = f"stranded-{sig.name.lower()}"
    # Fewer than the 48 (two per worker) the sender claims at once: nothing stays queued.
    path, ids = payload_file(40, tag=name)
    with Sandbox(faults=Faults(latency=LATENCY)) as sandbox:
        sender = start_cli(["send", "--wait", str(path)], sandbox.url)
        deadline = time.monotonic() + 30
        while _sending(database()) < WORKERS:
            assert sender.poll() is None, f"the sender ended early (code {sender.returncode})"
            assert time.monotonic() < deadline, "the sender claimed nothing"
            time.sleep(0.05)
        time.sleep(0.5)  # its requests are on the wire, the receiver is answering slowly
        sender.send_signal(sig)
        assert sender.wait(timeout=10) == -sig
        killed_at = time.monotonic()
        stranded = states(database())
        assert stranded == {"sending": len(ids)}, stranded
        assert sandbox.accepted_count == 0, "answers came back before the kill"

        final = run_cli(["outbox", "flush", "--wait"], sandbox.url)

        assert final.returncode == 0, final.stderr
        assert "nothing queued" not in final.stdout
        # The receiver answers what the dead sender had on the wire too: count those.
        time.sleep(max(0.0, killed_at + LATENCY + 0.5 - time.monotonic()))
        tally(name, ids, sandbox, bound=WORKERS)
    assert states(database()) == {"delivered": len(ids)}


def test_an_endpoint_changed_under_queued_requests(payload_file: PayloadFile) -> None:
    path, ids = payload_file(5, tag="moved")
    with Sandbox(faults=Faults(drop_rate=1.0)) as old, Sandbox() as new:
        assert run_cli(["profile", "add", "moving", "--endpoint", old.url]).returncode == 0
        queued = run_cli(["send", "--profile", "moving", str(path)])
        assert queued.returncode == 0, queued.stderr
        assert states(database()) == {"queued": len(ids)}  # each waits for a retry
        assert run_cli(["profile", "add", "moving", "--endpoint", new.url]).returncode == 0

        held = run_cli(["outbox", "flush", "--wait", "--profile", "moving"])

        assert held.returncode == 1, held.stderr
        assert "Traceback" not in held.stderr
        assert f"queued for {old.url}" in held.stderr and new.url in held.stderr, held.stderr
        assert new.received == []
        assert states(database()) == {"held": len(ids)}

        for request_id in range(1, len(ids) + 1):
            retried = run_cli(["outbox", "retry", str(request_id)])
            assert retried.returncode == 0, retried.stderr
            assert f"for {new.url} (it was queued for {old.url})" in retried.stdout
        delivered = run_cli(["outbox", "flush", "--wait", "--profile", "moving"])

        assert delivered.returncode == 0, delivered.stderr
        assert old.accepted_count == 0
        tally("endpoint-changed", ids, new, bound=0)
    assert states(database()) == {"delivered": len(ids)}
    with closing(sqlite3.connect(database())) as conn:
        where = conn.execute("SELECT DISTINCT endpoint FROM requests").fetchall()
        last = conn.execute("SELECT DISTINCT endpoint FROM attempts WHERE status = 200").fetchall()
    assert where == last == [(new.url,)]  # the evidence names where they went
