"""Opening the database: private files, damaged files, newer schemas, settings, operator."""

from __future__ import annotations

import getpass
import os
import stat
import sys
import threading
from pathlib import Path

import pytest

from regal_desktop.store import NotADatabaseError, Store, StoreError, open_store, operator_name
from regal_desktop.store.db import SCHEMA_VERSION
from tests.conftest import MemoryKeyring
from tests.helpers.postgres import PASSWORD_USER, PostgresServer
from tests.helpers.store import opt_in_body, request

GARBAGE = b"This is a spreadsheet, not a database.\n" * 200


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_database_and_wal_are_private_to_the_user(store: Store, db_path: Path) -> None:
    store.outbox.enqueue([request(opt_in_body("+19545582399"))])

    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists()
    assert mode(db_path) == 0o600
    assert mode(wal) == 0o600
    assert mode(db_path.parent) == 0o700


def test_data_survives_closing_and_reopening(db_path: Path) -> None:
    with open_store(db_path) as first:
        [request_id] = first.outbox.enqueue([request(opt_in_body("+19545582399"))])

    with open_store(db_path) as second:
        assert second.outbox.get(request_id) is not None
        assert second.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_file_that_is_not_a_database_is_a_clear_error_and_left_alone(db_path: Path) -> None:
    db_path.parent.mkdir()
    db_path.write_bytes(GARBAGE)

    with pytest.raises(NotADatabaseError) as caught:
        open_store(db_path)

    assert str(caught.value).startswith(f"{db_path} is not a Regal Desktop database")
    assert isinstance(caught.value, StoreError)
    assert db_path.read_bytes() == GARBAGE
    assert os.listdir(db_path.parent) == [db_path.name]


def test_set_aside_keeps_every_damaged_file_and_starts_afresh(db_path: Path) -> None:
    db_path.parent.mkdir()
    kept: set[bytes] = set()
    for attempt in (b"first ", b"second "):
        # Twice within the same second must not overwrite the first copy.
        db_path.write_bytes(attempt + GARBAGE)
        with open_store(db_path, set_aside_corrupt=True) as store:
            [notice] = store.notices
            assert notice.startswith(f"{db_path} was not a usable database; it was kept as ")
            assert store.outbox.counts()["queued"] == 0
        kept.add(attempt + GARBAGE)

    copies = sorted(db_path.parent.glob(f"{db_path.name}.corrupt-*"))
    assert {copy.read_bytes() for copy in copies} == kept


def test_a_good_database_has_no_notices(db_path: Path) -> None:
    with open_store(db_path, set_aside_corrupt=True) as store:
        assert store.notices == []


def test_a_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    with pytest.raises(StoreError, match="written by a newer Regal Desktop"):
        open_store(db_path, set_aside_corrupt=True)
    assert not list(db_path.parent.glob("*.corrupt-*"))


def test_a_folder_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    with pytest.raises(StoreError, match="cannot create the database"):
        open_store(blocker / "regal.sqlite3")


def test_two_processes_creating_the_database_at_once_both_succeed(db_path: Path) -> None:
    errors: list[BaseException] = []

    def opener() -> None:
        try:
            open_store(db_path).close()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []


def test_settings_round_trip_as_json_and_persist(db_path: Path) -> None:
    with open_store(db_path) as store:
        assert store.settings.get("theme", "light") == "light"
        store.settings.set("theme", "dark")
        store.settings.set("recent_files", ["a.json", "b.json"])
        store.settings.set("theme", "system")

    with open_store(db_path) as store:
        assert store.settings.get("theme") == "system"
        assert store.settings.get("recent_files") == ["a.json", "b.json"]


@pytest.mark.parametrize("name", ["api_key", "Production Secret", "token", "smtpPassword"])
def test_settings_refuse_anything_named_like_a_secret(store: Store, name: str) -> None:
    with pytest.raises(ValueError, match="looks like a secret"):
        store.settings.set(name, "hunter2")
    assert store.conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 0


def test_settings_refuse_values_json_cannot_hold(store: Store) -> None:
    with pytest.raises(ValueError, match="'theme': the value cannot be stored as JSON"):
        store.settings.set("theme", object())


def test_operator_name_is_the_os_user_plus_the_configured_email(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "ann")
    assert operator_name() == "ann"
    assert operator_name("ann@example.com") == "ann <ann@example.com>"

    def no_user() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr(getpass, "getuser", no_user)
    assert operator_name() == "unknown"


def test_the_store_is_the_sqlite_file_unless_a_team_database_is_named(tmp_path: Path) -> None:
    from regal_desktop.paths import app_paths, database_location

    paths = app_paths({"REGAL_DESKTOP_HOME": str(tmp_path / "home")}).ensure()
    url = "postgresql://alice@db.example.com:5433/team"

    assert database_location(paths, {}) == paths.database
    paths.database_setting.write_text(url + "\n", encoding="utf-8")
    assert database_location(paths, {}) == url
    other = "postgresql://bob@elsewhere/team"
    assert database_location(paths, {"REGAL_DESKTOP_DATABASE": other}) == other
    paths.database_setting.write_text("not a url\n", encoding="utf-8")
    assert database_location(paths, {}) == paths.database


def test_the_context_opens_the_team_database_with_the_keychain_password(
    postgres_server: PostgresServer,
    postgres_url: str,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from regal_desktop.context import open_context
    from regal_desktop.store import db

    secret = "correct-horse-battery-staple"
    postgres_server.admin(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{secret}'")
    try:
        name = postgres_url.rsplit("/", 1)[1]
        postgres_server.admin(f"ALTER DATABASE {name} OWNER TO {PASSWORD_USER}")
        url = postgres_server.url(name, user=PASSWORD_USER)
        monkeypatch.setenv("REGAL_DESKTOP_DATABASE", url)
        monkeypatch.delenv("PGPASSWORD", raising=False)
        monkeypatch.setenv("PGPASSFILE", str(postgres_server.folder / "no-pgpass"))
        monkeypatch.setattr(db, "_passwords", {})

        with pytest.raises(StoreError) as refused:
            open_context()
        assert "refused the sign-in" in str(refused.value)

        memory_keyring.set_password("regal-desktop", "database", secret)
        ctx = open_context()
        try:
            assert ctx.store.kind == "postgresql"
            assert ctx.database == url
            assert ctx.store.describe().endswith(f"/{name}")
        finally:
            ctx.close()
        assert secret not in str(refused.value)
    finally:
        postgres_server.admin(
            f"DROP DATABASE IF EXISTS {postgres_url.rsplit('/', 1)[1]} WITH (FORCE)"
        )
        postgres_server.admin(f"DROP ROLE IF EXISTS {PASSWORD_USER}")
