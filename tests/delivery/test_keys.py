"""API keys: keychain storage, the environment override, and the no-keychain case."""

from __future__ import annotations

import base64
import json
from typing import Any

import keyring
import keyring.backends.fail
import pytest

from regal_desktop.delivery.keys import (
    HIDDEN,
    SERVICE,
    KeychainUnavailable,
    KeyStore,
    UnusableKey,
    clean_key,
    key_problem,
    mask,
    remember,
    resolve_key,
    scrub,
)

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


WRAPPED = "rk_live_0123456789\nabcdef0123456789"


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (WRAPPED, "a line break at character 19"),
        ("rk_live_0123456789\r\nabcdef", "a line break at character 19"),
        ("rk_live_01234\t56789", "a tab at character 14"),
        ("rk_live_01234\x0056789", r"a control character (\x00) at character 14"),
        ("rk_live_01234\x7f56789", r"a control character (\x7f) at character 14"),
        ("rk_live_0123456789\u200b", "not plain ASCII (U+200B) at character 19"),
        ("rk_live_01234é56789", "not plain ASCII (U+00E9) at character 14"),
    ],
)
def test_a_key_that_cannot_be_a_header_value_is_refused_in_one_line(text: str, what: str) -> None:
    with pytest.raises(UnusableKey) as caught:
        clean_key(text, "REGAL_API_KEY")
    message = str(caught.value)
    assert message.startswith("REGAL_API_KEY contains ") and what in message
    assert "\n" not in message and "\r" not in message
    for piece in text.split():
        assert piece[:8] not in message, "the message quotes the key"


def test_surrounding_white_space_is_removed_and_inner_spaces_kept() -> None:
    assert clean_key("  \t" + KEY + "\r\n") == KEY
    assert clean_key("two words-0123") == "two words-0123"
    assert clean_key(" \n ") == ""


def test_every_way_a_key_is_read_checks_it(memory_keyring: Any) -> None:
    store = KeyStore()
    with pytest.raises(UnusableKey, match=r"^REGAL_API_KEY contains a line break"):
        resolve_key("production", {"REGAL_API_KEY": WRAPPED}, store)
    with pytest.raises(UnusableKey, match="for profile 'production' contains a line break"):
        store.set("production", WRAPPED)
    assert store.get("production") is None  # nothing was stored
    memory_keyring.set_password(SERVICE, "production", WRAPPED)  # stored by another tool
    with pytest.raises(UnusableKey, match="saved in the keychain for profile 'production'"):
        resolve_key("production", {}, store)
    memory_keyring.set_password(SERVICE, "production", f" {KEY}\n")
    assert store.get("production") == KEY


def test_scrub_removes_every_spelling_of_a_key() -> None:
    key = "rk_live_scrub_me_0123456789"
    wrapped = "rk_live_scrub_me\n_also_this_part"
    remember(wrapped)
    raw = key.encode()
    texts = [
        f"refused {key} here",
        f"Illegal header value {wrapped.encode()!r}",
        f"json {json.dumps(wrapped)}",
        f"basic {base64.b64encode(raw).decode()}",
        f"url {base64.urlsafe_b64encode(raw).decode().rstrip('=')}",
        "one line: rk_live_scrub_me, the other: _also_this_part",
    ]
    for text in texts:
        cleaned = scrub(text, key)
        assert HIDDEN in cleaned, text
        for secret in (key, "rk_live_scrub_me", "_also_this_part", "\\n_also"):
            assert secret not in cleaned
    assert scrub("HTTP 200: ok", key) == "HTTP 200: ok"
    assert scrub("", key) == ""
    assert scrub("short keys stay: abc", "abc") == "short keys stay: abc"


def test_checking_a_key_as_it_is_typed_remembers_nothing() -> None:
    typed = "rk_live_typed_not_used_0123"
    assert key_problem(typed) is None
    assert key_problem(typed + "\n" + typed) is not None
    assert scrub(f"text {typed}") == f"text {typed}"  # only keys read or used are hidden
