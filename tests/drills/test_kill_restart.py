"""Crash drill: the CLI killed with SIGKILL ten times in one bulk send, restarted each time.

tests/delivery/test_drill.py kills a bare ``Sender`` once; this drill kills the real
command line (``send --wait``, then ``outbox flush --wait``) at random points, ten times on
the same outbox, then lets it finish.

Duplicate bound: a worker waits for its previous outcome to be committed before it takes
the next request (``delivery/recorder.py``), so a kill can leave at most one request per
worker delivered but not recorded; the restart sends those again. Ten kills of 24 workers
(``DeliveryTarget.workers``) allow at most 240 duplicates.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from regal_desktop.delivery.sender import DeliveryTarget
from regal_desktop.sandbox import Faults, Sandbox

from .tools import database, run_cli, start_cli, states, tally

pytestmark = [
    pytest.mark.drill,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only"),
]

KILLS = 10
WORKERS = DeliveryTarget("drill", "http://127.0.0.1/events", None).workers
#: ``DRILL_SEED=n make drills`` replays one run's kill points.
SEED = int(os.environ.get("DRILL_SEED", "2026"))


def _kill_after(
    sender: subprocess.Popen[bytes], sandbox: Sandbox, arrivals: int, pause: float
) -> None:
    """SIGKILL ``sender`` ``pause`` seconds after the receiver accepted ``arrivals`` more."""
    target = sandbox.accepted_count + arrivals
    deadline = time.monotonic() + 30
    while sandbox.accepted_count < target:
        assert sender.poll() is None, f"the sender ended before the kill (code {sender.returncode})"
        assert time.monotonic() < deadline, "the sender made no progress"
        time.sleep(0.002)
    time.sleep(pause)  # not always right after an arrival: anywhere in a request's life
    sender.send_signal(signal.SIGKILL)
    assert sender.wait(timeout=10) == -signal.SIGKILL


def test_ten_sigkills_during_a_bulk_send_lose_nothing(
    payload_file: Callable[..., tuple[Path, list[str]]],
) -> None:
    rng = random.Random(SEED)
    path, ids = payload_file(2000)
    with Sandbox(faults=Faults(latency=0.05)) as sandbox:
        for kill in range(KILLS):
            # The first run queues the file; each restart only flushes the same outbox.
            args = ["send", "--wait", str(path)] if kill == 0 else ["outbox", "flush", "--wait"]
            arrivals, pause = rng.randint(1, 120), rng.uniform(0, 0.06)
            _kill_after(start_cli(args, sandbox.url), sandbox, arrivals, pause)
        unfinished = states(database())
        assert unfinished.get("delivered", 0) < len(ids), "everything went out before the kills"
        final = run_cli(["outbox", "flush", "--wait"], sandbox.url)
        assert final.returncode == 0, final.stderr
        tally(f"sigkill-x{KILLS}", ids, sandbox, bound=KILLS * WORKERS)
    assert states(database()) == {"delivered": len(ids)}
