"""Network drills: the real CLI sends a few hundred payloads through a misbehaving receiver.

Each fault here happens before the receiver's Regal logic sees the body (the sandbox
records only requests it answered as Regal would), and every 200 reaches the sender well
inside its timeout, so no fault can make a body arrive twice: the duplicate bound is 0.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from regal_desktop.sandbox import Faults, Sandbox

from .tools import database, run_cli, start_cli, states, tally

pytestmark = pytest.mark.drill

PayloadFile = Callable[..., tuple[Path, list[str]]]

FAULTS = {
    "latency-200ms": Faults(latency=0.2),
    "5xx-30pct": Faults(error_rate=0.3, seed=5),
    "429-30pct-retry-after": Faults(throttle_rate=0.3, retry_after="1", seed=29),
    "dropped-20pct": Faults(drop_rate=0.2, seed=20),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_send_wait_through_faults_delivers_everything_once(
    name: str, payload_file: PayloadFile
) -> None:
    path, ids = payload_file(300)
    with Sandbox(faults=FAULTS[name]) as sandbox:
        result = run_cli(["send", "--wait", str(path)], sandbox.url)
        assert result.returncode == 0, result.stderr
        tally(name, ids, sandbox, bound=0)
    assert states(database()) == {"delivered": len(ids)}


def _timed_out_attempts(db_path: Path) -> int:
    """Attempts that ended without an answer because the sender's timeout fired."""
    if not db_path.exists():
        return 0
    try:
        with closing(sqlite3.connect(db_path, timeout=5)) as conn:
            row = conn.execute(
                "SELECT count(*) FROM attempts WHERE status IS NULL AND answer LIKE '%timed out%'"
            ).fetchone()
    except sqlite3.OperationalError:
        return 0  # the schema is not there yet: the CLI is still starting
    return int(row[0])


def test_a_receiver_that_never_answers_then_recovers(payload_file: PayloadFile) -> None:
    path, ids = payload_file(100)
    with Sandbox(faults=Faults(hang=True)) as sandbox:
        # A profile whose timeout is 10 s (the default, a minute, is for slow days).
        added = run_cli(["profile", "add", "hang", "--endpoint", sandbox.url, "--timeout", "10"])
        assert added.returncode == 0, added.stderr
        sender = start_cli(["send", "--wait", "--profile", "hang", str(path)], sandbox.url)
        try:
            # The sender's own timeout (10 s) must end the hung attempts.
            deadline = time.monotonic() + 40
            while _timed_out_attempts(database()) == 0:
                assert sender.poll() is None, "the sender gave up instead of retrying"
                assert time.monotonic() < deadline, "no attempt ever timed out"
                time.sleep(0.2)
            assert sandbox.accepted_count == 0
            sandbox.faults = Faults()  # the receiver recovers
            assert sender.wait(timeout=90) == 0
        finally:
            if sender.poll() is None:
                sender.kill()
                sender.wait()
        tally("hang-then-recover", ids, sandbox, bound=0)
    assert states(database()) == {"delivered": len(ids)}
    assert _timed_out_attempts(database()) >= 1
