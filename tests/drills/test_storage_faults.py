"""Storage drills: the database locked by another program, a full disk, a damaged file.

Each runs the real CLI in a subprocess and checks three things: the command explains the
problem in one line (no traceback, exit code not 0), the outbox holds all of a send or
none of it, and once the problem is gone the same command delivers everything.
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from regal_desktop.delivery.sender import DeliveryTarget
from regal_desktop.sandbox import Faults, Sandbox
from regal_desktop.store.db import connect

from .tools import assert_clean_failure, database, run_cli, start_cli, states, tally

pytestmark = pytest.mark.drill

PayloadFile = Callable[..., tuple[Path, list[str]]]
LOCKHOLDER = Path(__file__).with_name("lockholder.py")
#: How long the store waits for a lock (``store.db.connect``); the holder outlasts it.
BUSY_TIMEOUT = 10.0
WORKERS = DeliveryTarget("drill", "http://127.0.0.1/events", None).workers


def _new_database() -> Path:
    """Create this test's database (migrated, empty) and return its path."""
    path = database()
    connect(path).close()
    return path


@contextmanager
def _locked(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holds ``BEGIN EXCLUSIVE`` on ``path`` until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, str(LOCKHOLDER), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.stdin.close()  # end of input: the holder rolls back and exits
        assert holder.wait(timeout=30) == 0
        holder.stdout.close()


def test_locked_database_fails_in_one_line_then_works(payload_file: PayloadFile) -> None:
    path, ids = payload_file(200)
    db_path = _new_database()
    with Sandbox() as sandbox:
        with _locked(db_path):
            started = time.monotonic()
            blocked = run_cli(["send", "--wait", str(path)], sandbox.url)
            waited = time.monotonic() - started
        assert waited >= BUSY_TIMEOUT * 0.9, "the command did not wait for the lock"
        assert_clean_failure(blocked, str(db_path), "locked")
        assert states(db_path) == {}, "a half-written send was left in the outbox"
        assert sandbox.accepted_count == 0
        again = run_cli(["send", "--wait", str(path)], sandbox.url)
        assert again.returncode == 0, again.stderr
        tally("locked-database", ids, sandbox, bound=0)
    assert states(db_path) == {"delivered": len(ids)}


def test_database_locked_during_delivery_loses_nothing(
    payload_file: PayloadFile, tmp_path: Path
) -> None:
    path, ids = payload_file(300)
    db_path = _new_database()
    errors = tmp_path / "stderr.txt"
    with Sandbox(faults=Faults(latency=0.1)) as sandbox:
        sender = start_cli(["send", "--wait", str(path)], sandbox.url, errors=errors)
        deadline = time.monotonic() + 30
        while sandbox.accepted_count < 30:
            assert time.monotonic() < deadline and sender.poll() is None
            time.sleep(0.01)
        with _locked(db_path):
            time.sleep(BUSY_TIMEOUT + 2)
        code = sender.wait(timeout=60)
        finished = run_cli(["outbox", "flush", "--wait"], sandbox.url)
        assert finished.returncode == 0, finished.stderr
        # A write that timed out leaves its requests 'sending'; the flush sends them again.
        tally("locked-during-delivery", ids, sandbox, bound=WORKERS)
    assert states(db_path) == {"delivered": len(ids)}
    if code != 0:  # giving up is acceptable if it says why in one line
        said = errors.read_text()
        assert "Traceback" not in said, said
        lines = [line for line in said.splitlines() if line.startswith("regal-desktop:")]
        assert len(lines) == 1 and "locked" in lines[0], said


def _file_size_cap(limit: int) -> Callable[[], None]:
    """A preexec_fn capping every file the child writes at ``limit`` bytes (EFBIG after)."""

    def cap() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return cap


def _send_on_a_full_disk(path: Path, url: str) -> subprocess.CompletedProcess[str]:
    """``send`` with no room for the queued bodies (the file may not grow by 32 KiB)."""
    limit = database().stat().st_size + 32 * 1024
    return run_cli(["send", "--wait", str(path)], url, preexec_fn=_file_size_cap(limit))


def test_full_disk_queues_nothing_and_the_send_works_after(payload_file: PayloadFile) -> None:
    path, ids = payload_file(300, notes=400)
    _new_database()
    with Sandbox() as sandbox:
        full = _send_on_a_full_disk(path, sandbox.url)
        assert full.returncode != 0
        assert states(database()) == {}, "part of the send was queued"
        assert sandbox.accepted_count == 0
        again = run_cli(["send", "--wait", str(path)], sandbox.url)
        assert again.returncode == 0, again.stderr
        tally("full-disk", ids, sandbox, bound=0)
    assert states(database()) == {"delivered": len(ids)}


def test_full_disk_is_explained_in_one_line(payload_file: PayloadFile) -> None:
    path, _ = payload_file(300, notes=400)
    _new_database()
    with Sandbox() as sandbox:
        assert_clean_failure(_send_on_a_full_disk(path, sandbox.url), str(database()))


def test_garbage_database_is_set_aside_and_a_new_one_started(payload_file: PayloadFile) -> None:
    path, ids = payload_file(100)
    garbage = bytes(range(256)) * 64
    db_path = database()
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(garbage)
    with Sandbox() as sandbox:
        result = run_cli(["send", "--wait", str(path)], sandbox.url)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        notices = [line for line in result.stderr.splitlines() if "not a usable database" in line]
        assert len(notices) == 1, result.stderr
        kept = [p for p in db_path.parent.iterdir() if ".corrupt-" in p.name]
        assert len(kept) == 1 and kept[0].name in notices[0]
        assert kept[0].read_bytes() == garbage, "the damaged file was changed"
        tally("corrupt-database", ids, sandbox, bound=0)
    assert states(db_path) == {"delivered": len(ids)}


def test_damaged_pages_are_explained_in_one_line_and_nothing_is_overwritten(
    payload_file: PayloadFile,
) -> None:
    path, _ = payload_file(300, notes=100)
    with Sandbox() as sandbox:
        assert run_cli(["send", "--wait", str(path)], sandbox.url).returncode == 0
    data = bytearray(database().read_bytes())
    # Every page after the schema page loses its b-tree header, so whatever is read (table
    # or index) is damaged; page 1 stays valid, so the file still looks like a database.
    for page in range(4096, len(data), 4096):
        data[page : page + 8] = b"\xff" * 8
    damaged = bytes(data)
    database().write_bytes(damaged)
    result = run_cli(["outbox", "list"])
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    kept = [p for p in database().parent.iterdir() if ".corrupt-" in p.name]
    if result.returncode == 0:
        # Found damaged when opened: set aside whole, and a new database started.
        assert len(kept) == 1 and kept[0].name in lines[0], result.stderr
        assert kept[0].read_bytes() == damaged, "the damaged file was changed"
    else:
        # Found damaged later: the command stops, names the file and what to do.
        assert str(database()) in lines[0] and not kept, result.stderr
        assert database().read_bytes() == damaged, "the damaged file was changed"
