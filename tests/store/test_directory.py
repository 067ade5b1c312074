"""The directory finds contacts by any identifier and keeps their merged profile."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from regal_desktop.store import Store, open_store
from regal_desktop.store.directory import lookup_keys


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test here runs on SQLite and on PostgreSQL (``any_store``)."""
    return any_store


REBECCA: dict[str, Any] = {
    "userId": "123",
    "traits": {
        "firstName": "Rebecca",
        "lastName": "Greene",
        "phones": {"+19545582399": {"label": "mobile"}},
        "emails": {"Rebecca@Example.com": {}},
    },
}


@pytest.mark.parametrize(
    "key",
    [
        "+19545582399",
        "+1 954-558-2399",
        "(954) 558-2399",
        "954.558.2399",
        "1 954 558 2399",
        "rebecca@example.com",
        "REBECCA@EXAMPLE.COM",
        "123",
        "phone:+19545582399",
    ],
)
def test_get_finds_the_contact_by_phone_in_any_format_email_or_user_id(
    store: Store, key: str
) -> None:
    store.directory.apply(REBECCA)

    profile = store.directory.get(key)

    assert profile is not None and profile["traits"]["lastName"] == "Greene"


def test_get_of_an_unknown_identifier_is_none(store: Store) -> None:
    store.directory.apply(REBECCA)

    assert store.directory.get("+15155552355") is None
    assert store.directory.get("jane@example.com") is None
    assert store.directory.get("") is None


def test_apply_merges_into_the_contact_found_by_a_later_identifier(store: Store) -> None:
    first = store.directory.apply(REBECCA, now="2024-05-01T10:00:00.000Z")
    # New phone, known e-mail: Regal finds her by the e-mail and adds the phone.
    second = store.directory.apply(
        {"traits": {"phones": {"+15155552355": {}}, "emails": {"rebecca@example.com": {}}}}
    )

    assert first == second
    assert store.directory.count() == 1
    profile = store.directory.get("+15155552355")
    assert profile is not None
    assert list(profile["traits"]["phones"]) == ["+19545582399", "+15155552355"]
    assert profile["traits"]["phones"]["+19545582399"]["isPrimary"] is True


def test_a_phone_match_wins_over_an_email_match(store: Store) -> None:
    by_phone = store.directory.apply({"traits": {"phones": {"+19545582399": {}}}})
    by_email = store.directory.apply({"traits": {"emails": {"jane@example.com": {}}}})

    chosen = store.directory.apply(
        {"traits": {"phones": {"+19545582399": {}}, "emails": {"jane@example.com": {}}}}
    )

    assert chosen == by_phone != by_email
    # The e-mail's key now leads to the contact it was last sent with.
    jane = store.directory.get("jane@example.com")
    assert jane is not None and "+19545582399" in jane["traits"]["phones"]


def test_user_id_alone_updates_a_known_contact_but_creates_none(store: Store) -> None:
    assert store.directory.apply({"userId": "999", "traits": {"plan": "gold"}}) is None
    assert store.directory.count() == 0

    contact_id = store.directory.apply(REBECCA)
    assert store.directory.apply({"userId": "123", "traits": {"plan": "gold"}}) == contact_id
    profile = store.directory.get("123")
    assert profile is not None and profile["traits"]["plan"] == "gold"


def test_a_changed_user_id_replaces_the_old_one(store: Store) -> None:
    store.directory.apply(REBECCA)

    store.directory.apply({"userId": "456", "traits": {"phones": {"+19545582399": {}}}})

    assert store.directory.get("123") is None
    assert store.directory.get("456") is not None


def test_apply_joins_the_callers_transaction(store: Store) -> None:
    store.conn.execute("BEGIN IMMEDIATE")
    store.directory.apply(REBECCA)
    store.conn.execute("ROLLBACK")

    assert store.directory.count() == 0


@pytest.fixture
def filled(store: Store) -> Store:
    return _fill(store)


def _fill(store: Store) -> Store:
    store.directory.apply(REBECCA)
    store.directory.apply(
        {
            "userId": "u-77",
            "traits": {
                "firstName": "Jane",
                "lastName": "Greenwood",
                "emails": {"jane@example.com": {}},
                "phones": {"+15155552355": {}},
            },
        }
    )
    store.directory.apply({"userId": "u-78", "traits": {"phones": {"+442079460000": {}}}})
    return store


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("954558", ["+19545582399"]),
        ("(954) 55", ["+19545582399"]),
        ("+1 515", ["+15155552355"]),
        ("1954", ["+19545582399"]),
        ("+44 20", ["+442079460000"]),
        ("jane@ex", ["+15155552355"]),
        ("REBECCA", ["+19545582399"]),
        ("u-7", ["+15155552355", "+442079460000"]),
        ("green", ["+19545582399", "+15155552355"]),
        ("jane green", ["+15155552355"]),
        ("wood", []),
        ("   ", []),
    ],
)
def test_find_as_you_type(filled: Store, text: str, expected: list[str]) -> None:
    assert [summary.display for summary in filled.directory.find(text)] == expected


def test_find_summary_and_limit(filled: Store) -> None:
    [jane] = filled.directory.find("jane@example.com")

    assert (jane.name, jane.user_id, jane.phones, jane.emails) == (
        "Jane Greenwood",
        "u-77",
        ("+15155552355",),
        ("jane@example.com",),
    )
    assert len(filled.directory.find("gree", limit=1)) == 1


def test_find_uses_indexes_not_table_scans(tmp_path: Path) -> None:
    """With 100,000 contacts a scan costs tens of milliseconds per keystroke (SQLite's
    query plans; PostgreSQL's indexes are the same, ``test_schema_pg``)."""
    with open_store(tmp_path / "regal.sqlite3") as store:
        _no_table_scans(_fill(store))


def _no_table_scans(filled: Store) -> None:
    statements: list[str] = []
    filled.conn.set_trace_callback(statements.append)
    filled.directory.find("954 558")
    filled.directory.find("jane gr")
    filled.conn.set_trace_callback(None)

    selects = [s for s in statements if s.startswith("SELECT")]
    assert selects
    for statement in selects:
        plan = " | ".join(row[3] for row in filled.conn.execute(f"EXPLAIN QUERY PLAN {statement}"))
        assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), (statement, plan)


def test_lookup_keys_for_each_kind_of_text() -> None:
    assert lookup_keys("Jane@Example.com") == ["email:jane@example.com", "user:Jane@Example.com"]
    assert lookup_keys("(954) 558-2399") == ["phone:+19545582399", "user:(954) 558-2399"]
    assert lookup_keys("user:abc") == ["user:abc"]
    assert lookup_keys(" ") == []


def test_stored_profile_is_the_merged_json(store: Store) -> None:
    contact_id = store.directory.apply(REBECCA)

    row: sqlite3.Row = store.conn.execute(
        "SELECT user_id, name, profile FROM contacts WHERE id = ?", (contact_id,)
    ).fetchone()

    assert (row["user_id"], row["name"]) == ("123", "rebecca greene")
    assert json.loads(row["profile"])["traits"]["phones"]["+19545582399"]["isPrimary"] is True


def _contact(first: str, email: str) -> dict[str, Any]:
    return {"traits": {"firstName": first, "emails": {email: {}}}}


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("gmail", ["Jane"]),
        ("@gmail", ["Jane"]),
        ("gmail.com", ["Jane"]),
        ("example", ["Rob"]),
        ("co.uk", ["Rob"]),
        ("jane@", ["Jane"]),
        ("rob@mail.ex", ["Rob"]),
    ],
)
def test_find_matches_an_email_by_its_start_or_its_domain(
    store: Store, typed: str, found: list[str]
) -> None:
    store.directory.apply(_contact("Jane", "jane@gmail.com"))
    store.directory.apply(_contact("Rob", "rob@mail.example.co.uk"))

    assert [contact.name for contact in store.directory.find(typed)] == found


def test_recent_lists_the_most_recently_changed_first_in_pages(store: Store) -> None:
    for day, first in enumerate(("Ann", "Ben", "Cal"), start=1):
        store.directory.apply(
            _contact(first, f"{first.lower()}@example.com"), now=f"2026-11-0{day}T10:00:00Z"
        )
    store.directory.apply(_contact("Ann", "ann@example.com"), now="2026-11-05T10:00:00Z")

    assert [c.name for c in store.directory.recent(2)] == ["Ann", "Cal"]
    assert [c.name for c in store.directory.recent(2, offset=2)] == ["Ben"]


def test_migration_3_indexes_the_domains_of_contacts_filed_before_it(tmp_path: Any) -> None:
    from regal_desktop.store.db import MIGRATIONS, _statements

    conn = sqlite3.connect(tmp_path / "old.db")
    for script in MIGRATIONS[:2]:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("INSERT INTO contacts (id, profile, updated_at) VALUES (7, '{}', 'x')")
    conn.execute("INSERT INTO contact_keys VALUES ('email:jane@mail.gmail.com', 7)")
    for statement in _statements(MIGRATIONS[2]):
        conn.execute(statement)

    parts = conn.execute("SELECT part, contact_id FROM contact_domains ORDER BY part").fetchall()
    assert parts == [("com", 7), ("gmail.com", 7), ("mail.gmail.com", 7)]
