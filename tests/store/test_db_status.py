"""``regal-desktop db status`` on both stores: which one, where, its version, reachable or
not (exit 0 only when reachable and current), what it holds; never a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.paths import app_paths
from regal_desktop.store import Location, open_store
from regal_desktop.store.db import SCHEMA_VERSION
from tests.helpers.postgres import PostgresServer
from tests.helpers.store import opt_in_body, request


def _use(location: Location, monkeypatch: pytest.MonkeyPatch) -> Location:
    """Make ``location`` the store of this desk; return what to open."""
    if isinstance(location, str):
        monkeypatch.setenv("REGAL_DESKTOP_DATABASE", location)
        return location
    return app_paths().ensure().database


def test_status_names_the_store_its_version_and_what_it_holds(
    store_location: Location, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    location = _use(store_location, monkeypatch)
    with open_store(location) as store:
        store.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)", ("operator.email", '"x"')
        )
        if store.kind == "sqlite":  # enqueue's SQL on PostgreSQL is another helper's part
            store.outbox.enqueue([request(opt_in_body("+19545582399"))])

    code = main(["db", "status"])

    out = capsys.readouterr().out
    assert code == 0
    assert f"schema:    {SCHEMA_VERSION} (this application: {SCHEMA_VERSION})" in out
    assert "reachable: yes" in out
    if isinstance(location, Path):
        assert "store:     SQLite file on this desk" in out
        assert f"where:     {location}\n" in out
        assert "holds:     1 requests, 0 contacts, 0 events" in out
    else:
        assert "store:     PostgreSQL (the team's database)" in out
        assert "as postgres" in out
        assert "holds:     0 requests, 0 contacts, 0 events" in out


def test_a_desk_without_a_database_yet_is_not_current(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["db", "status"]) == 1

    out = capsys.readouterr().out
    assert "schema:    0 (this application" in out
    assert "not created yet" in out
    assert not app_paths().database.exists()  # status creates nothing


def test_an_unreachable_team_database_exits_1_and_never_shows_the_password(
    postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    closed = PostgresServer(port=1, folder=postgres_server.folder, bindir=postgres_server.bindir)
    monkeypatch.setenv("REGAL_DESKTOP_DATABASE", closed.url("team", "alice", "hunter2-secret"))

    assert main(["db", "status"]) == 1

    captured = capsys.readouterr()
    assert "reachable: no" in captured.out
    assert "where:     127.0.0.1:1/team as alice" in captured.out
    assert "hunter2" not in captured.out + captured.err


def test_the_password_in_the_url_is_never_printed_when_reachable(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The throwaway cluster trusts 127.0.0.1, so any password is accepted and ignored.
    monkeypatch.setenv(
        "REGAL_DESKTOP_DATABASE", postgres_url.replace("postgres@", "postgres:hunter2-secret@")
    )

    assert main(["db", "status"]) == 1  # reachable, but not created by the app yet

    captured = capsys.readouterr()
    assert "reachable: yes" in captured.out
    assert "schema:    0" in captured.out
    assert "empty: the application creates its tables on first use" in captured.out
    assert "hunter2" not in captured.out + captured.err


def test_a_newer_schema_is_not_current(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(postgres_url) as store:
        store.conn.execute("UPDATE regal_schema SET version = ?", (SCHEMA_VERSION + 1,))
    monkeypatch.setenv("REGAL_DESKTOP_DATABASE", postgres_url)

    assert main(["db", "status"]) == 1

    assert "written by a newer Regal Desktop" in capsys.readouterr().out
