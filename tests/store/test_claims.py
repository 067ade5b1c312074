"""Who holds a request being sent, and when a claim counts as dead: a sender that ended, a
pid now used by another program, or a lease nobody renewed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regal_desktop.store import Store
from regal_desktop.store.claimers import LEASE, is_claimer_alive, this_claimer
from tests.helpers.store import opt_in_body, request

HOST = socket.gethostname()
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test here runs on SQLite and on PostgreSQL (``any_store``)."""
    return any_store


def test_this_process_is_alive_and_an_ended_one_is_not() -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert is_claimer_alive(this_claimer())
    assert not is_claimer_alive(f"{HOST}:{ended.stdout.strip()}")
    assert is_claimer_alive("elsewhere.example.com:1")  # not provably gone: its lease decides
    assert not is_claimer_alive("not a claimer")


@linux_only
def test_a_pid_used_again_by_another_program_is_not_the_claimer() -> None:
    name = this_claimer()
    assert name.startswith(f"{HOST}:{os.getpid()}@")  # the process's start time
    started = name.rpartition("@")[2]
    assert not is_claimer_alive(f"{HOST}:{os.getpid()}@{int(started) + 1}")


@linux_only
def test_a_killed_child_not_yet_reaped_is_dead() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    stat = Path(f"/proc/{child.pid}/stat")
    deadline = time.monotonic() + 10
    while stat.read_text().rpartition(")")[2].split()[0] != "Z":  # a zombie until waited for
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        assert not is_claimer_alive(f"{HOST}:{child.pid}")
    finally:
        child.wait()


def test_an_unverifiable_claim_is_dead_once_its_lease_runs_out(store: Store) -> None:
    """A claimer whose pid runs but whose start time is unknown (an older name, or a system
    without /proc) may be a pid used again: the lease decides."""
    ids = store.outbox.enqueue([request(opt_in_body(f"+1954555000{n}")) for n in range(2)])
    unsure = f"{HOST}:{os.getpid()}"
    store.outbox.claim("production", 1, unsure, now=1000.0)
    store.outbox.claim("production", 1, this_claimer(), now=1000.0)

    assert store.outbox.recover(now=1000.0 + LEASE / 2) == 0
    store.outbox.renew(unsure, now=1000.0 + LEASE)
    assert store.outbox.recover(now=1000.0 + LEASE * 1.5) == 0
    assert store.outbox.recover(now=1000.0 + LEASE * 2.5) == 1  # only the unverifiable one

    rows = [store.outbox.get(i) for i in ids]
    assert [(r.state, r.claimed_by, r.claimed_at) for r in rows if r] == [
        ("queued", None, None),
        ("sending", this_claimer(), 1000.0),
    ]


def test_a_clock_set_back_does_not_keep_a_lease_alive_for_ever(store: Store) -> None:
    store.outbox.enqueue([request(opt_in_body("+19545550001"))])
    store.outbox.claim("production", 1, f"{HOST}:{os.getpid()}", now=1_000_000.0)

    assert store.outbox.recover(now=1_000_000.0 - 86_400) == 1
