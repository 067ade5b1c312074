"""One rate limit per account for every process sending for it, at a real receiver.

Real ``regal-desktop outbox flush --wait`` processes send one account's requests to a
loopback receiver that answers after 50 ms and, like Regal, answers 429 to any request
over the limit in a sliding second. Whoever sends, and however many: nothing is lost, no
429, never more than the account's rate in any second at the receiver. (How close to the
rate they get is measured in ``benchmarks/bench_shared_rate.py``, not asserted here.)
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.paths import DATABASE_VARIABLE
from regal_desktop.store import Location, NewRequest, open_store
from regal_desktop.store.claimers import LEASE, this_claimer
from regal_desktop.store.states import RequestState
from tests.drills.tools import ROOT, command, database, environment
from tests.helpers.postgres import postgres_server, postgres_url
from tests.helpers.servers import LimitedRegal, limited_regal

__all__ = ["postgres_server", "postgres_url"]  # fixtures

ACCOUNT = "team"

posix_only = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX processes")


def add_account(url: str, rate: float | None) -> None:
    """The account in this test's home, sending to ``url`` at ``rate`` (None: default)."""
    extra = [] if rate is None else ["--rate", f"{rate:g}"]
    assert main(["profile", "add", ACCOUNT, "--endpoint", url, *extra]) == 0


def queue(url: str, count: int, where: Location | None = None) -> list[bytes]:
    """Queue ``count`` distinct requests of the account (in this home's store, or
    ``where``); their bodies."""
    bodies = [
        json.dumps({"userId": f"shared-{n}", "traits": {"firstName": "Zoë"}}) for n in range(count)
    ]
    with open_store(database() if where is None else where) as store:
        store.outbox.enqueue([NewRequest(ACCOUNT, url, "tester", body) for body in bodies])
    return [body.encode() for body in bodies]


def flush(errors: Path, *, host: str | None = None, **env: str) -> subprocess.Popen[bytes]:
    """Start ``regal-desktop outbox flush --wait`` for the account, in a process of its own
    (with ``env`` added to its environment); with ``host``, that process believes its host
    is called so."""
    args = ["outbox", "flush", "--profile", ACCOUNT, "--wait"]
    argv = command(*args)
    if host is not None:
        argv = [
            sys.executable,
            "-c",
            f"import socket, sys; socket.gethostname = lambda: {host!r}; "
            "from regal_desktop.cli import main; sys.exit(main(sys.argv[1:]))",
            *args,
        ]
    with errors.open("wb") as stream:
        return subprocess.Popen(
            argv, cwd=ROOT, env=environment(**env), stdout=subprocess.DEVNULL, stderr=stream
        )


def finish(senders: list[subprocess.Popen[bytes]], errors: list[Path]) -> None:
    """Wait for every sender; each must end well."""
    for sender, text in zip(senders, errors, strict=True):
        assert sender.wait(timeout=120) == 0, text.read_text()


def assert_ceiling_held(
    receiver: LimitedRegal, bodies: list[bytes], rate: int, where: Location | None = None
) -> None:
    """Everything arrived exactly once, nothing was throttled, the rate was never passed."""
    assert Counter(receiver.bodies) == Counter(bodies)
    assert receiver.throttled == 0
    assert receiver.busiest_second() <= rate
    with open_store(database() if where is None else where) as store:
        assert store.outbox.counts(ACCOUNT)[RequestState.DELIVERED] == len(bodies)
        assert store.outbox.waiting(ACCOUNT) == 0


@posix_only
def test_two_processes_sending_one_account_share_its_rate(tmp_path: Path) -> None:
    with limited_regal(limit=100) as receiver:
        add_account(receiver.url, 100)
        bodies = queue(receiver.url, 500)
        errors = [tmp_path / "a.err", tmp_path / "b.err"]
        senders = [flush(errors[0]), flush(errors[1])]
        finish(senders, errors)
        assert_ceiling_held(receiver, bodies, 100)


@posix_only
def test_two_desks_on_one_postgresql_database_share_the_rate(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two homes (two desks) on one team database send one account at once."""
    monkeypatch.setenv(DATABASE_VARIABLE, postgres_url)
    with limited_regal(limit=100) as receiver:
        add_account(receiver.url, 100)  # a team setting: both desks see it
        bodies = queue(receiver.url, 400, postgres_url)
        errors = [tmp_path / "a.err", tmp_path / "b.err"]
        other_home = tmp_path / "desk-b"
        senders = [flush(errors[0]), flush(errors[1], REGAL_DESKTOP_HOME=str(other_home))]
        finish(senders, errors)
        assert_ceiling_held(receiver, bodies, 100, postgres_url)


@posix_only
@pytest.mark.parametrize(("rate", "count"), [(100, 300), (None, 870)], ids=["100", "default"])
def test_one_process_alone_never_passes_the_rate(
    tmp_path: Path, rate: int | None, count: int
) -> None:
    limit = 290 if rate is None else rate  # the default rate
    with limited_regal(limit=limit) as receiver:
        add_account(receiver.url, rate)
        bodies = queue(receiver.url, count)
        errors = [tmp_path / "alone.err"]
        finish([flush(errors[0])], errors)
        assert_ceiling_held(receiver, bodies, limit)


@posix_only
def test_processes_under_different_host_names_do_not_take_each_others_requests(
    tmp_path: Path,
) -> None:
    """Two processes share one home under different host names: each renews its claims,
    so neither takes the other's requests in flight for dead; none arrives twice."""
    assert socket.gethostname() != "desk-b"
    with limited_regal(limit=100, latency=0.3) as receiver:
        add_account(receiver.url, 100)
        bodies = queue(receiver.url, 200)
        errors = [tmp_path / "a.err", tmp_path / "b.err"]
        senders = [flush(errors[0]), flush(errors[1], host="desk-b")]
        finish(senders, errors)
        assert_ceiling_held(receiver, bodies, 100)


def test_another_hosts_claim_is_alive_while_renewed_and_dead_once_its_lease_runs_out(
    db_path: Path,
) -> None:
    with open_store(db_path) as store:
        store.outbox.enqueue([NewRequest(ACCOUNT, "sandbox", "t", "{}") for _ in range(2)])
        store.outbox.claim(ACCOUNT, 1, "desk-b.example.com:4242@1", now=1000.0)
        store.outbox.claim(ACCOUNT, 1, this_claimer(), now=1000.0)
        # Renewed every heartbeat: alive however long it sends.
        for beat in range(1, 20):
            store.outbox.renew("desk-b.example.com:4242@1", now=1000.0 + beat * LEASE / 2)
            assert store.outbox.recover(now=1000.0 + beat * LEASE / 2 + 1) == 0
        # Its desk died: once the lease runs out, its request goes back in the queue.
        assert store.outbox.recover(now=1000.0 + 20 * LEASE / 2 + LEASE + 1) == 1
        assert store.outbox.counts(ACCOUNT)[RequestState.QUEUED] == 1
