"""The settings registry: one definition per preference, typed reads, checked writes."""

from __future__ import annotations

import logging

import pytest

from regal_desktop.store import Store
from regal_desktop.store.settings import (
    CONSENT_TEMPLATES,
    DEFAULT_REGION,
    IMPORT_MAPPINGS,
    PROFILES,
    SETTINGS,
    WELCOME_DISMISSED,
    SettingError,
)


@pytest.fixture
def store(any_store: Store) -> Store:
    """Each test here runs on SQLite and on PostgreSQL (``any_store``)."""
    return any_store


def test_every_setting_has_its_own_key_a_valid_default_and_no_secret_name() -> None:
    keys = [setting.key for setting in SETTINGS]
    assert len(keys) == len(set(keys))
    for setting in SETTINGS:
        assert setting.problem(setting.default) is None, setting.key
        assert not any(word in setting.key for word in ("key", "secret", "token", "password"))


def test_a_value_of_the_wrong_type_is_named_in_one_line() -> None:
    assert IMPORT_MAPPINGS.problem(["web"]) == (
        "the saved mappings (import_mappings) are not readable: expected a JSON object, "
        "found a list"
    )
    assert WELCOME_DISMISSED.problem(1) == (
        "the welcome banner's dismissal (welcome_dismissed) is not readable: expected "
        "true or false, found a number"
    )
    assert DEFAULT_REGION.problem(None) == (
        "the default region (default_region) is not readable: expected text, found nothing"
    )


def test_rules_beyond_the_type() -> None:
    assert DEFAULT_REGION.problem("GB") is None
    assert DEFAULT_REGION.problem("  ") == (
        "the default region (default_region) is not valid: it is empty"
    )
    assert CONSENT_TEMPLATES.problem([{"name": "Calls", "text": "I agree"}]) is None
    problem = CONSENT_TEMPLATES.problem([{"name": "Calls", "text": "I agree"}, {"name": "x"}])
    assert problem is not None
    assert problem.startswith("the consent texts (consent_templates) are not valid: entry 2 ")
    assert "\n" not in problem


def test_read_gives_the_default_until_set_then_the_value(store: Store) -> None:
    assert store.settings.read(DEFAULT_REGION) == "US"
    assert store.settings.read(WELCOME_DISMISSED) is False
    store.settings.write(DEFAULT_REGION, "GB")
    store.settings.write(WELCOME_DISMISSED, True)
    assert store.settings.read(DEFAULT_REGION) == "GB"
    assert store.settings.read(WELCOME_DISMISSED) is True
    assert store.settings.get("default_region") == "GB"  # stored as plain JSON


def test_a_damaged_value_reads_as_the_default_and_load_says_why(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.settings.set("import_mappings", ["not", "an", "object"])
    with caplog.at_level(logging.WARNING, logger="regal_desktop.store.settings"):
        assert store.settings.read(IMPORT_MAPPINGS) == {}
    assert "the saved mappings (import_mappings) are not readable" in caplog.text
    with pytest.raises(SettingError, match=r"^the saved mappings \(import_mappings\) are not"):
        store.settings.load(IMPORT_MAPPINGS)
    # The damaged value stays in the database, for inspection.
    assert store.settings.get("import_mappings") == ["not", "an", "object"]


def test_a_value_that_is_not_valid_is_never_written(store: Store) -> None:
    store.settings.write(DEFAULT_REGION, "GB")
    with pytest.raises(SettingError, match="is not valid: it is empty"):
        store.settings.write(DEFAULT_REGION, "")
    with pytest.raises(SettingError, match="expected a list"):
        store.settings.write(PROFILES, {"name": "main"})  # type: ignore[arg-type]
    assert store.settings.read(DEFAULT_REGION) == "GB"
    assert store.settings.get("profiles") is None


def test_defaults_are_never_shared(store: Store) -> None:
    first = store.settings.read(PROFILES)
    first.append({"name": "changed in place"})
    assert store.settings.read(PROFILES) == []
    assert PROFILES.default == []
