"""API keys: keychain storage, the environment override, and the no-keychain case."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest

from regal_desktop.delivery.keys import KeychainUnavailable, KeyStore, mask, resolve_key

KEY = "rk_live_0123456789abcdef"


def test_set_get_delete_with_the_in_memory_keychain(memory_keyring: object) -> None:
    store = KeyStore()
    assert store.available()
    assert store.backend_name() == "in-memory (tests)"
    assert store.get("production") is None
    store.set("production", KEY)
    assert store.get("production") == KEY
    assert store.get("staging") is None
    store.delete("production")
    assert store.get("production") is None
    store.delete("production")  # forgetting twice is fine


def test_environment_key_wins_over_the_keychain() -> None:
    store = KeyStore()
    store.set("production", KEY)
    assert resolve_key("production", {}, store) == KEY
    assert resolve_key("production", {"REGAL_API_KEY": " env-key-123 "}, store) == "env-key-123"
    assert resolve_key("production", {"REGAL_API_KEY": ""}, store) == KEY
    assert resolve_key("staging", {}, store) is None


def test_without_a_keychain_the_key_is_asked_each_session() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    store = KeyStore()
    assert not store.available()
    assert "no keychain" in store.backend_name()
    assert store.get("production") is None
    with pytest.raises(KeychainUnavailable, match="asked for each session") as caught:
        store.set("production", KEY)
    assert KEY not in str(caught.value)
    store.delete("production")
    assert resolve_key("production", {"REGAL_API_KEY": KEY}, store) == KEY


def test_mask_shows_at_most_the_last_four() -> None:
    assert mask(KEY) == "••••cdef"
    assert mask("short") == "••••"
    assert "short" not in mask("short")
