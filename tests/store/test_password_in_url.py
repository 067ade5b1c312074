"""A password given in the team database's URL is kept in memory for the connections the
desk opens later from the URL without it (delivery workers, live views), never on disk."""

from __future__ import annotations

import pytest

from regal_desktop.store import open_store
from regal_desktop.store.postgres import without_password
from tests.helpers.postgres import PASSWORD_USER, PostgresServer


def test_later_connections_sign_in_with_the_urls_password(
    postgres_server: PostgresServer, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from regal_desktop.store import db

    secret = "tr0ub4dor-and-3"
    monkeypatch.setattr(db, "_passwords", {})
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(postgres_server.folder / "no-pgpass"))
    name = postgres_url.rsplit("/", 1)[1]
    postgres_server.admin(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{secret}'")
    try:
        postgres_server.admin(f"ALTER DATABASE {name} OWNER TO {PASSWORD_USER}")
        url = postgres_server.url(name, user=PASSWORD_USER, password=secret)
        with open_store(url) as first:
            assert first.location == without_password(url)
            with open_store(without_password(url)) as worker:  # as a worker opens it
                assert worker.conn.execute("SELECT current_user").fetchone()[0] == PASSWORD_USER
    finally:
        postgres_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        postgres_server.admin(f"DROP ROLE IF EXISTS {PASSWORD_USER}")
