"""A throwaway PostgreSQL cluster for the tests, and a fresh database for each test.

``postgres_server`` (session) runs ``initdb`` into a temporary folder and starts the server
on a free loopback port with its socket in that folder, trusting 127.0.0.1; when the tests
run as root it does so as the ``postgres`` user (PostgreSQL refuses root). At the end it
stops the server and removes the folder. ``postgres_url`` creates an empty database for
one test and drops it afterwards. Without the server's binaries (``make test`` installs
Debian's ``postgresql``) the tests that need it are skipped.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The superuser the cluster is created with (trusted from 127.0.0.1, no password).
SUPERUSER = "postgres"
#: A role that must sign in with a password (scram-sha-256); the tests create it.
PASSWORD_USER = "regal_pw"


def server_binaries() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(found[0]).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    """``command`` run as ``postgres`` when we are root, else as ourselves."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--", *command]
    return command


@dataclass
class PostgresServer:
    """A running throwaway cluster."""

    port: int
    folder: Path
    bindir: Path

    def url(self, dbname: str = "postgres", user: str = SUPERUSER, password: str = "") -> str:
        """A URL for ``dbname`` on this server over TCP on 127.0.0.1."""
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser, outside a transaction."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.encode())

    def stop(self) -> None:
        """Stop the server now (fast shutdown: sessions are ended)."""
        subprocess.run(
            _as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
                             "-m", "fast", "-w", "-t", "30", "stop"]),
            check=False, capture_output=True,
        )  # fmt: skip

    def running(self) -> bool:
        """True while the server runs."""
        status = subprocess.run(
            _as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
                             "status"]),
            check=False, capture_output=True,
        )  # fmt: skip
        return status.returncode == 0

    def ensure_running(self) -> None:
        """Start the server if a test stopped it."""
        if not self.running():
            self.start()

    def start(self) -> None:
        """Start (or restart) the server on its port."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
                             "-o", options, "-l", str(self.folder / "server.log"), "-w",
                             "start"]),
            check=True, capture_output=True,
        )  # fmt: skip


#: The file naming the process a cluster belongs to (it is removed when that one is gone).
OWNER_FILE = "owner.pid"
_PREFIX = "regal-pg-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_orphans(bindir: Path) -> None:
    """Stop and delete the clusters of test runs that were killed before they could."""
    for owner in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*/{OWNER_FILE}"):
        try:
            pid = int(owner.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        orphan = PostgresServer(port=0, folder=owner.parent, bindir=bindir)
        orphan.stop()
        shutil.rmtree(orphan.folder, ignore_errors=True)


def start_server() -> PostgresServer:
    """Create and start a cluster in a new temporary folder (first removing the clusters
    of earlier runs that were killed)."""
    bindir = server_binaries()
    if bindir is None:
        pytest.skip("PostgreSQL's server is not installed (make test installs postgresql)")
    remove_orphans(bindir)
    folder = Path(tempfile.mkdtemp(prefix=_PREFIX))
    (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        shutil.chown(folder, SUPERUSER, SUPERUSER)
    subprocess.run(
        _as_server_user([str(bindir / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER,
                         "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"]),
        check=True, capture_output=True,
    )  # fmt: skip
    hba = folder / "data" / "pg_hba.conf"
    rules = hba.read_text(encoding="utf-8")
    hba.write_text(
        f"host all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n{rules}", encoding="utf-8"
    )
    server = PostgresServer(port=_free_port(), folder=folder, bindir=bindir)
    server.start()
    return server


def remove_server(server: PostgresServer) -> None:
    """Stop the cluster and delete its folder."""
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)


_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway cluster for the whole run, removed at the end."""
    server = start_server()
    try:
        yield server
    finally:
        remove_server(server)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A ``postgresql://`` URL of an empty database of this test's own (dropped after)."""
    name = f"regal_test_{os.getpid()}_{next(_numbers)}"
    postgres_server.admin(f"CREATE DATABASE {name} TEMPLATE template0")
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.ensure_running()  # a test may have stopped it
        postgres_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
