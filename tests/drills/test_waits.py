"""Wait drills: a receiver slower than the timeout, absurd ``Retry-After`` values, a clock
set back a day (``faketime``) and a sender stopped (SIGSTOP) longer than its timeout.

Each drill sends through a profile of its own (``profile add ... --timeout/--max-wait``)
so the waits are seconds, not the defaults' minute and hour.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from regal_desktop.sandbox import Faults, Sandbox

from .tools import ROOT, command, database, environment, run_cli, start_cli, states, tally

pytestmark = pytest.mark.drill

PayloadFile = Callable[..., tuple[Path, list[str]]]


def add_profile(name: str, endpoint: str, *options: str) -> None:
    result = run_cli(["profile", "add", name, "--endpoint", endpoint, *options])
    assert result.returncode == 0, result.stderr


def timed_out_attempts(db_path: Path) -> int:
    with closing(sqlite3.connect(db_path, timeout=30)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM attempts WHERE status IS NULL AND answer LIKE '%timed out%'"
        ).fetchone()
    return int(row[0])


def test_a_receiver_slower_than_the_timeout(payload_file: PayloadFile) -> None:
    """Every answer takes 2.5 s; the profile's timeout is 2 s. Each retry after a timeout
    waits twice as long (4 s, then 8 s), so each request times out at most twice and
    ``--wait`` ends; every duplicate is a timed-out attempt the receiver still took."""
    path, ids = payload_file(48)
    with Sandbox(faults=Faults(latency=2.5)) as sandbox:
        add_profile("slow", sandbox.url, "--timeout", "2")
        result = run_cli(["send", "--wait", "--profile", "slow", str(path)], timeout=90)
        assert result.returncode == 0, result.stderr
        outcome = tally("slower-than-timeout", ids, sandbox, bound=2 * len(ids))
    assert states(database()) == {"delivered": len(ids)}
    assert outcome.duplicates <= timed_out_attempts(database()) <= 2 * len(ids)


ABSURD = (
    "100000",  # 27.8 hours: waits the profile's longest wait instead
    "inf",
    "1e400",
    "NaN",
    "Thu, 31 Dec 2099 23:59:59 GMT",  # 73 years: the longest wait too
    "-1",
    "soon",
)


def test_absurd_retry_after_values(payload_file: PayloadFile) -> None:
    """30% of requests get 429 with one of ``ABSURD`` in turn; the profile waits 2 s at
    most. A value that is no sane number or date counts as absent (the backoff decides)."""
    path, ids = payload_file(150)
    faults = Faults(throttle_rate=0.3, retry_after=ABSURD, seed=73)
    with Sandbox(faults=faults) as sandbox:
        add_profile("absurd", sandbox.url, "--max-wait", "2")
        result = run_cli(["send", "--wait", "--profile", "absurd", str(path)], timeout=90)
        assert result.returncode == 0, result.stderr
        tally("retry-after-absurd", ids, sandbox, bound=0)
    assert states(database()) == {"delivered": len(ids)}


def opt_ins(path: Path, count: int) -> tuple[Path, list[str]]:
    """``count`` contacts each opting in to e-mail (a consent change: a row of evidence)."""
    ids = [f"clock-{number}" for number in range(count)]
    with path.open("w", encoding="utf-8") as stream:
        for number, user_id in enumerate(ids):
            consent = {"subscribed": True, "timestamp": "2026-11-01T10:00:00Z"}
            email = {f"jane.clock.{number}@example.com": {"emailOptIn": consent}}
            stream.write(json.dumps({"userId": user_id, "traits": {"emails": email}}) + "\n")
    return path, ids


def faketime(
    *args: str, offset: str = "-1d", timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """The real CLI with the clock ``offset`` from now (Debian's ``faketime``). On a
    timeout the whole process group goes: faketime runs the CLI as its child, which
    killing faketime alone would leave running."""
    argv = ["faketime", "-f", offset, *command(*args)]
    with subprocess.Popen(
        argv,
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


def test_a_clock_set_back_a_day(tmp_path: Path) -> None:
    """Requests fail and wait for a retry; then the clock goes back a day. Their due times
    are now a day away: the flush waits the profile's longest wait (5 s) at most, says what
    it waits for, and the evidence never shows a request accepted before it was queued."""
    assert shutil.which("faketime"), "faketime is missing ('make system-deps' installs it)"
    path, ids = opt_ins(tmp_path / "opt-ins.jsonl", 60)
    with Sandbox(faults=Faults(error_rate=1.0, seed=1)) as sandbox:
        add_profile("back", sandbox.url, "--max-wait", "5")
        failing = run_cli(["send", "--profile", "back", str(path)])
        assert "Traceback" not in failing.stderr
        assert states(database()) == {"queued": len(ids)}
        assert sandbox.accepted_count == 0

        sandbox.faults = Faults()  # the receiver recovers, and the clock goes back
        began = time.monotonic()
        flush = faketime("outbox", "flush", "--wait", "--profile", "back")
        took = time.monotonic() - began
        assert flush.returncode == 0, flush.stderr
        assert "waiting: " in flush.stderr and " wait for a retry, the next at " in flush.stderr
        tally("clock-set-back", ids, sandbox, bound=0)
    assert states(database()) == {"delivered": len(ids)}
    assert took < 60, f"the flush took {took:.0f} s for a 5 s longest wait"
    evidence = tmp_path / "evidence.jsonl"
    export = faketime("history", "export", str(evidence))
    assert export.returncode == 0, export.stderr
    rows = [json.loads(line) for line in evidence.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(ids)
    assert all(row["accepted_at"] >= row["queued_at"] for row in rows)


def test_a_sender_stopped_longer_than_its_timeout(payload_file: PayloadFile) -> None:
    """SIGSTOP for 5 s, past the profile's 2 s timeout, while requests are in flight: the
    answers that came in meanwhile are read, not judged timed out, so none is sent again."""
    path, ids = payload_file(300)
    with Sandbox(faults=Faults(latency=0.3)) as sandbox:
        add_profile("paused", sandbox.url, "--timeout", "2")
        sender = start_cli(["send", "--wait", "--profile", "paused", str(path)])
        try:
            deadline = time.monotonic() + 60
            while sandbox.accepted_count < 50:
                assert sender.poll() is None, "the sender ended before the stop"
                assert time.monotonic() < deadline, "nothing arrived"
                time.sleep(0.01)
            os.kill(sender.pid, signal.SIGSTOP)
            time.sleep(5)
            os.kill(sender.pid, signal.SIGCONT)
            assert sender.wait(timeout=90) == 0
        finally:
            if sender.poll() is None:
                sender.kill()
                sender.wait()
        tally("sigstop-5s", ids, sandbox, bound=0)
    assert states(database()) == {"delivered": len(ids)}
    assert timed_out_attempts(database()) == 0
