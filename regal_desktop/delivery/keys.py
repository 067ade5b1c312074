"""API keys in the operating system's keychain, never in a file, a log or a message.

Keys are stored with ``keyring`` under the service name ``regal-desktop`` and the profile
name as the user name. ``REGAL_API_KEY`` in the environment overrides the keychain, for
scripts and CI. When no keychain works, the key cannot be kept and is asked for each
session.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
from collections.abc import Mapping
from types import ModuleType
from typing import Any

SERVICE = "regal-desktop"
ENV_KEY = "REGAL_API_KEY"
#: The keychain entry (under ``SERVICE``) with the team database's password (issue 12).
DATABASE_ENTRY = "database"

#: Human names for the backends people meet; others fall back to keyring's own name.
_BACKEND_NAMES = {
    "SecretService": "Secret Service",
    "kwallet": "KDE Wallet",
    "macOS": "macOS Keychain",
    "Windows": "Windows Credential Manager",
}


class KeychainUnavailable(RuntimeError):  # noqa: N818 - the name others already call
    """The keychain cannot store the key; it will have to be entered each session."""


class UnusableKey(ValueError):  # noqa: N818 - reads as what it is: an unusable key
    """A key that cannot be sent in an HTTP header; the one-line message says why and
    never holds the key."""


#: Keys this process has read or been given, so ``scrub`` can take them out of any text,
#: and their spellings (longest first) to look for.
_seen: set[str] = set()
_forms: list[str] = []
#: Shorter texts are not keys; scrubbing them would garble ordinary messages.
_SHORTEST_SECRET = 8
#: What a scrubbed key is replaced by.
HIDDEN = "[API key hidden]"


def _what_is_wrong(char: str) -> str:
    if char in "\r\n":
        return "a line break"
    if char == "\t":
        return "a tab"
    if ord(char) < 0x20 or ord(char) == 0x7F:
        return f"a control character ({char.encode('unicode_escape').decode('ascii')})"
    return f"a character that is not plain ASCII (U+{ord(char):04X})"


def key_problem(text: str, where: str = "the API key") -> str | None:
    """Why ``text`` (without surrounding white space) cannot be an HTTP header value, in
    one line naming ``where`` and the position of the first bad character (a line break,
    a control character, a character beyond ASCII), never the key; None if it can.

    Remembers nothing: for checking a key as it is typed.
    """
    for position, char in enumerate(text.strip(), start=1):
        if not " " <= char <= "~":
            return (
                f"{where} contains {_what_is_wrong(char)} at character {position}, which an "
                "HTTP header cannot carry; enter the key again on one line"
            )
    return None


def clean_key(text: str, where: str = "the API key") -> str:
    """``text`` without surrounding white space, or ``UnusableKey`` (with the one line of
    ``key_problem``) if it cannot be an HTTP header value.

    An empty result is returned as is: callers say "no key" in their own words. Every key
    seen here, usable or not, is remembered for ``scrub``.
    """
    remember(text)
    problem = key_problem(text, where)
    if problem:
        raise UnusableKey(problem)
    key = text.strip()
    remember(key)
    return key


def remember(key: str | None) -> None:
    """Note ``key`` so that ``scrub`` removes it from every text of this process."""
    global _forms
    if key and len(key.strip()) >= _SHORTEST_SECRET and key not in _seen:
        _seen.add(key)
        _forms = sorted(set(_forms) | _spellings(key), key=len, reverse=True)


def _spellings(key: str) -> set[str]:
    """The key as it may appear in a message: raw, trimmed, escaped as ``repr``, bytes
    or JSON print it, in base64 (alone and as Basic auth), and each of its lines on its own."""
    raw = key.encode("utf-8", "surrogatepass")
    forms = {
        key,
        key.strip(),
        repr(key)[1:-1],
        repr(raw)[2:-1],
        key.encode("unicode_escape").decode("ascii"),
        json.dumps(key)[1:-1],
        base64.b64encode(raw).decode("ascii"),
        base64.b64encode(raw + b":").decode("ascii"),  # Segment's Basic auth: key, no password
        base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="),
    }
    forms.update(re.split(r"[^ -~]+|\s+", key))
    return {form for form in forms if len(form) >= _SHORTEST_SECRET}


def scrub(text: str, *keys: str | None) -> str:
    """``text`` with every spelling of ``keys`` and of every key this process has read
    replaced by ``[API key hidden]``: for answers, log lines and error messages."""
    for key in keys:
        remember(key)
    if not text:
        return text
    for form in _forms:
        if form in text:
            text = text.replace(form, HIDDEN)
    return text


def mask(key: str) -> str:
    """Show only the last four characters (``••••1234``); short keys show nothing."""
    if len(key) < 12:
        return "••••"
    return "••••" + key[-4:]


def _keyring() -> ModuleType:
    """``keyring``, imported on first use: finding its backends takes a noticeable part of
    a second, which the window should not spend before it first paints."""
    module = importlib.import_module("keyring")
    importlib.import_module("keyring.errors")
    return module


def _is_fail_backend(backend: Any) -> bool:
    module = type(backend).__module__
    return module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null")


class KeyStore:
    """The profile keys in the OS keychain (through ``keyring``)."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    def available(self) -> bool:
        """True when a working keychain backend is active."""
        keyring = _keyring()
        try:
            return not _is_fail_backend(keyring.get_keyring())
        except keyring.errors.NoKeyringError:
            return False

    def backend_name(self) -> str:
        """The keychain's name as people know it, e.g. ``Secret Service``."""
        backend = _keyring().get_keyring()
        if _is_fail_backend(backend):
            return "none (no keychain found)"
        name = getattr(backend, "name", type(backend).__name__)
        first = str(name).split(" ")[0]
        return _BACKEND_NAMES.get(first, str(name))

    def get(self, profile: str) -> str | None:
        """The key stored for ``profile`` (trimmed), or None (also when there is no
        keychain); ``UnusableKey`` when what is stored cannot be sent in a header."""
        keyring = _keyring()
        try:
            password: str | None = keyring.get_password(self.service, profile)
        except keyring.errors.KeyringError:
            return None
        if password is None:
            return None
        where = f"the API key saved in the keychain for profile {profile!r}"
        return clean_key(password, where) or None

    def set(self, profile: str, key: str) -> None:
        """Store ``key`` for ``profile``; raise ``KeychainUnavailable`` if it cannot, and
        ``UnusableKey`` (before touching the keychain) if it cannot be sent in a header."""
        key = clean_key(key, f"the API key for profile {profile!r}")
        if not key:
            raise UnusableKey(f"the API key for profile {profile!r} is empty")
        if not self.available():
            raise KeychainUnavailable(
                f"no keychain is available on this computer, so the API key for profile "
                f"{profile!r} cannot be saved; it will be asked for each session"
            )
        keyring = _keyring()
        try:
            keyring.set_password(self.service, profile, key)
        except keyring.errors.KeyringError as exc:
            # The backend's message is kept out: some echo what they were given.
            raise KeychainUnavailable(
                f"the keychain ({self.backend_name()}) refused to save the API key for "
                f"profile {profile!r} ({type(exc).__name__}); it will be asked for each session"
            ) from None

    def delete(self, profile: str) -> None:
        """Forget the key of ``profile``; nothing happens if none is stored."""
        if not self.available():
            return
        keyring = _keyring()
        try:
            keyring.delete_password(self.service, profile)
        except keyring.errors.PasswordDeleteError:
            return  # nothing was stored for this profile

    def database_password(self, url: str) -> str | None:
        """The team database's password from the keychain (the entry ``database``), used
        when the URL, ``PGPASSWORD`` and ``~/.pgpass`` give none; None if not stored.
        Scrubbed from every message of this process from now on."""
        keyring = _keyring()
        try:
            password: str | None = keyring.get_password(self.service, DATABASE_ENTRY)
        except keyring.errors.KeyringError:
            return None
        remember(password)
        return password or None


def resolve_key(profile: str, environ: Mapping[str, str], store: KeyStore) -> str | None:
    """The key to use for ``profile``: ``REGAL_API_KEY`` wins, then the keychain.

    ``UnusableKey`` (one line, naming where the key came from) when the key found cannot
    be sent in an HTTP header.
    """
    from_env = clean_key(environ.get(ENV_KEY, ""), ENV_KEY)
    if from_env:
        return from_env
    return store.get(profile)


#: The shared secret senders must give ``regal-desktop listen``: from this variable, else
#: the keychain (service ``regal-desktop-events``, user ``listen``); never a file or an
#: argument.
EVENTS_SECRET_ENV = "REGAL_EVENTS_SECRET"
EVENTS_SECRET_SERVICE = "regal-desktop-events"
EVENTS_SECRET_USER = "listen"


def events_secret(environ: Mapping[str, str]) -> str | None:
    """The receiver's shared secret (``REGAL_EVENTS_SECRET`` wins, then the keychain), or
    None; ``UnusableKey`` when it cannot be compared with a header. Remembered for
    ``scrub``."""
    from_env = clean_key(environ.get(EVENTS_SECRET_ENV, ""), EVENTS_SECRET_ENV)
    if from_env:
        return from_env
    return KeyStore(EVENTS_SECRET_SERVICE).get(EVENTS_SECRET_USER)


def save_events_secret(secret: str) -> None:
    """Keep the receiver's shared secret in the keychain (``KeyStore.set``'s errors)."""
    KeyStore(EVENTS_SECRET_SERVICE).set(EVENTS_SECRET_USER, secret)
