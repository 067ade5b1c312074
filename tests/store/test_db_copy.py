"""``regal-desktop db copy --to URL`` on a real PostgreSQL cluster: a desk's history with
its evidence, directory, events, team settings and queued requests arrive once; a second
run copies nothing more; the team store's ``history export`` and ``contacts show`` then
show what the desk had."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.paths import app_paths
from regal_desktop.store import open_store
from tests.helpers.store import deliver_all, opt_in_body, request

ACCOUNTS = [
    {"name": "production", "endpoint": "https://events.regalvoice.com/events", "rate": 100},
]
EVENT = (
    "ev-1", "contact.unsubscribed", "phone", "+19545550103", "sms", 0, None, "regal", None,
    None, "2024-05-02T10:00:00Z", "2024-05-02T10:00:01Z", "events.jsonl:1", "{}",
)  # fmt: skip


def _fill_desk() -> Path:
    """This desk's SQLite store: two delivered requests (the same body twice, as a CSV with
    a repeated row queues it), one queued on another account, an event, the accounts."""
    path = app_paths().ensure().database
    with open_store(path) as store:
        store.settings.set("profiles", ACCOUNTS)
        store.settings.set("operator_email", "me@example.com")  # the desk's own: stays
        same = opt_in_body("+19545550101")
        store.outbox.enqueue([request(same), request(same)])
        deliver_all(store)
        store.outbox.enqueue([request(opt_in_body("+19545550102"), profile="staging")])
        store.conn.execute(
            "INSERT INTO regal_events (identity, event, kind, point, channel, subscribed, "
            "user_id, source, text, ip, timestamp, stored_at, origin, raw) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            EVENT,
        )
    return path


def _counts(url: str) -> dict[str, int]:
    with open_store(url) as team:
        return {
            table: int(team.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in (
                "requests", "attempts", "consent_changes", "request_keys", "contacts",
                "contact_keys", "regal_events",
            )
        }  # fmt: skip


def test_copy_brings_everything_once(postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _fill_desk()

    assert main(["db", "copy", "--to", postgres_url]) == 0
    first = capsys.readouterr().out
    counts = _counts(postgres_url)
    assert main(["db", "copy", "--to", postgres_url]) == 0
    second = capsys.readouterr().out

    assert "history and outbox: 3 copied, 0 already there" in first
    assert "directory: 1 copied, 0 already there" in first
    assert "Regal events: 1 copied, 0 already there" in first
    assert "team settings: 1 copied, 0 already there" in first
    assert counts == {
        "requests": 3, "attempts": 2, "consent_changes": 3, "request_keys": 3,
        "contacts": 1, "contact_keys": 1, "regal_events": 1,
    }  # fmt: skip
    assert "history and outbox: 0 copied, 3 already there" in second
    assert "directory: 0 copied, 1 already there" in second
    assert "done: nothing new to copy" in second
    assert _counts(postgres_url) == counts
    with open_store(postgres_url) as team:
        assert team.settings.get("profiles") == ACCOUNTS
        assert team.settings.get("operator_email") is None
        states = dict(
            team.conn.execute(
                "SELECT profile, string_agg(state, ',' ORDER BY id) FROM requests GROUP BY 1"
            ).fetchall()
        )
        roles = {row[0] for row in team.conn.execute("SELECT db_role FROM requests")}
    assert states == {"production": "delivered,delivered", "staging": "queued"}
    assert roles == {None}  # queued on a desk, not by a role of the team database


def test_the_team_store_shows_what_was_copied(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill_desk()
    assert main(["db", "copy", "--to", postgres_url]) == 0
    capsys.readouterr()
    monkeypatch.setenv("REGAL_DESKTOP_DATABASE", postgres_url)

    assert main(["history", "export", "--format", "jsonl", "-"]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["contacts", "show", "+1 954 555 0101"]) == 0
    shown = capsys.readouterr().out

    assert [(row["point"], row["state"]) for row in exported] == [
        ("+19545550101", "delivered"),
        ("+19545550101", "delivered"),
        ("+19545550102", "queued"),
    ]
    assert {row["operator"] for row in exported} == {"tester <ops@example.com>"}
    assert "+19545550101" in shown


def test_copy_refuses_what_is_not_a_team_database(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fill_desk()

    assert main(["db", "copy", "--to", "/tmp/other.sqlite3"]) == 2

    assert "give the team database's postgresql:// URL" in capsys.readouterr().err


def test_copy_says_when_the_team_database_is_unreachable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fill_desk()

    code = main(["db", "copy", "--to", "postgresql://nobody@127.0.0.1:9/none"])

    err = capsys.readouterr().err
    assert code == 2
    assert "not reachable" in err
    assert "Traceback" not in err
