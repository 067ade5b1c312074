"""Crash drill: a sender killed with SIGKILL mid-send, then restarted, loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from regal_desktop.sandbox import Faults, Sandbox
from tests.helpers.delivery import fill_outbox, make_body, states

SCRIPT = Path(__file__).with_name("drill_sender.py")
ROOT = Path(__file__).resolve().parents[2]


def sender_command(db_path: Path, url: str, workers: int) -> list[str]:
    return [sys.executable, str(SCRIPT), str(db_path), url, str(workers)]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_sigkill_mid_send_then_restart_delivers_everything(db_path: Path) -> None:
    total, workers = 900, 24
    bodies = [make_body(n) for n in range(total)]
    fill_outbox(db_path, bodies)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with Sandbox(faults=Faults(latency=0.05)) as sandbox:
        first = subprocess.Popen(
            sender_command(db_path, sandbox.url, workers),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while sandbox.accepted_count < 300 and first.poll() is None:
            assert time.monotonic() < deadline, "the first sender made no progress"
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
        assert sandbox.accepted_count < total, "the sender finished before it could be killed"

        second = subprocess.run(
            sender_command(db_path, sandbox.url, workers),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        arrived = Counter(r.body for r in sandbox.received if r.status == 200)

    assert set(arrived) == set(bodies), "some bodies never arrived"
    duplicates = sum(arrived.values()) - total
    # Only requests that were on the wire when the process died can arrive twice.
    assert duplicates <= workers
    assert states(db_path) == {"delivered": total}
