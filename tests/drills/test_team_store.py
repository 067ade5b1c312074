"""Drills on the team store: two desks (two homes) on one PostgreSQL database (a throwaway
cluster, ``tests/helpers/postgres.py``), the real command line in subprocesses, and the
loopback sandbox as Regal.

- What desk A sends is in desk B's ``history export`` and ``contacts show``.
- PostgreSQL stopped mid-send: the desk says so in one line (no traceback), loses nothing,
  and ``outbox flush --wait`` delivers the rest once the server is back.
- Desk A SIGKILLed mid-delivery: desk B delivers the rest, nothing lost.

Duplicates are bounded by what was on the wire: one sender's workers (24).
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from regal_desktop.sandbox import Faults, Sandbox
from regal_desktop.store import open_store
from tests.helpers.postgres import PostgresServer, postgres_server, postgres_url

from .tools import ROOT, command, environment, tally

__all__ = ["postgres_server", "postgres_url"]  # fixtures

pytestmark = [
    pytest.mark.drill,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only"),
]

#: One sender's workers: the most requests a stopped or killed desk can have on the wire.
WORKERS = 24


def _payloads(path: Path, count: int) -> list[str]:
    """``count`` contacts, each opting one number in to texts; their userIds."""
    ids = [f"team-{number}" for number in range(count)]
    with path.open("w", encoding="utf-8") as stream:
        for number, user_id in enumerate(ids):
            phone = f"+1954558{number:04d}"
            consent = {"subscribed": True, "text": "Texts OK", "timestamp": "2024-05-01T10:00:00Z"}
            body = {"userId": user_id, "traits": {"phones": {phone: {"smsOptIn": consent}}}}
            stream.write(json.dumps(body) + "\n")
    return ids


def _desk_env(home: Path, url: str, endpoint: str | None = None) -> dict[str, str]:
    return environment(endpoint, REGAL_DESKTOP_HOME=str(home), REGAL_DESKTOP_DATABASE=url)


def _run(
    home: Path, url: str, *args: str, endpoint: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*args), cwd=ROOT, env=_desk_env(home, url, endpoint), capture_output=True,
        text=True, timeout=180, check=False,
    )  # fmt: skip


def _start(
    home: Path, url: str, errors: Path, *args: str, endpoint: str
) -> subprocess.Popen[bytes]:
    with errors.open("wb") as stderr:
        return subprocess.Popen(
            command(*args), cwd=ROOT, env=_desk_env(home, url, endpoint),
            stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip


def _wait_for(sandbox: Sandbox, arrivals: int, sender: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while sandbox.accepted_count < arrivals:
        assert sender.poll() is None, f"the sender ended early (code {sender.returncode})"
        assert time.monotonic() < deadline, "the sender made no progress"
        time.sleep(0.005)


def _states(url: str) -> dict[str, int]:
    with open_store(url) as team:
        rows = team.conn.execute("SELECT state, count(*) FROM requests GROUP BY state")
        return {str(state): int(count) for state, count in rows}


def test_desk_b_sees_what_desk_a_sent(tmp_path: Path, postgres_url: str) -> None:
    ids = _payloads(tmp_path / "contacts.jsonl", 20)
    with Sandbox() as sandbox:
        file = str(tmp_path / "contacts.jsonl")
        sent = _run(tmp_path / "a", postgres_url, "send", "--wait", file, endpoint=sandbox.url)
    assert sent.returncode == 0, sent.stderr

    exported = _run(tmp_path / "b", postgres_url, "history", "export", "--format", "jsonl", "-")
    shown = _run(tmp_path / "b", postgres_url, "contacts", "show", "+1 954 558 0007")

    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert sorted(row["point"] for row in rows) == [f"+1954558{n:04d}" for n in range(len(ids))]
    assert {row["state"] for row in rows} == {"delivered"}
    assert {row["db_role"] for row in rows} == {"postgres"}  # the role desk A signed in as
    assert shown.returncode == 0, shown.stderr
    assert "team-7" in shown.stdout


def test_postgres_stopped_mid_send_loses_nothing(
    tmp_path: Path, postgres_url: str, postgres_server: PostgresServer
) -> None:
    """The team database stops mid-send and comes back: the same run says so in one
    line, waits, and goes on; every request is delivered, nothing twice but what was
    in flight."""
    ids = _payloads(tmp_path / "contacts.jsonl", 1000)
    errors = tmp_path / "send.err"
    with Sandbox(faults=Faults(latency=0.05)) as sandbox:
        sender = _start(tmp_path / "a", postgres_url, errors, "send", "--wait",
                        str(tmp_path / "contacts.jsonl"), endpoint=sandbox.url)  # fmt: skip
        _wait_for(sandbox, 100, sender)
        postgres_server.stop()
        try:
            time.sleep(3)  # down for a while: the desk holds what it has and waits
            assert sender.poll() is None, errors.read_text(encoding="utf-8")
        finally:
            postgres_server.ensure_running()
        code = sender.wait(timeout=180)
        said = errors.read_text(encoding="utf-8")
        problems = [line for line in said.splitlines() if line.startswith("regal-desktop:")]
        print(f"DRILL pg-stopped: the desk said {problems}")
        assert "Traceback" not in said
        assert len(problems) == 1 and "not reachable" in problems[0], said
        assert "goes on when it is back" in problems[0]
        assert code == 0, said
        tally("pg-stopped-mid-send", ids, sandbox, bound=WORKERS)
    assert _states(postgres_url) == {"delivered": len(ids)}


def test_another_desk_delivers_what_a_killed_one_left(tmp_path: Path, postgres_url: str) -> None:
    ids = _payloads(tmp_path / "contacts.jsonl", 1000)
    with Sandbox(faults=Faults(latency=0.05)) as sandbox:
        doomed = _start(tmp_path / "a", postgres_url, tmp_path / "a.err", "send", "--wait",
                        str(tmp_path / "contacts.jsonl"), endpoint=sandbox.url)  # fmt: skip
        _wait_for(sandbox, 150, doomed)
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait(timeout=10) == -signal.SIGKILL
        assert _states(postgres_url).get("delivered", 0) < len(ids)

        rest = _run(tmp_path / "b", postgres_url, "outbox", "flush", "--wait",
                    endpoint=sandbox.url)  # fmt: skip
        assert rest.returncode == 0, rest.stderr
        tally("pg-sigkill-other-desk", ids, sandbox, bound=WORKERS)
    assert _states(postgres_url) == {"delivered": len(ids)}
