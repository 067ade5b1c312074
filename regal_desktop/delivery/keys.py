"""API keys in the operating system's keychain, never in a file, a log or a message.

Keys are stored with ``keyring`` under the service name ``regal-desktop`` and the profile
name as the user name. ``REGAL_API_KEY`` in the environment overrides the keychain, for
scripts and CI. When no keychain works, the key cannot be kept and is asked for each
session.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

SERVICE = "regal-desktop"
ENV_KEY = "REGAL_API_KEY"

#: Human names for the backends people meet; others fall back to keyring's own name.
_BACKEND_NAMES = {
    "SecretService": "Secret Service",
    "kwallet": "KDE Wallet",
    "macOS": "macOS Keychain",
    "Windows": "Windows Credential Manager",
}


class KeychainUnavailable(RuntimeError):  # noqa: N818 - the name others already call
    """The keychain cannot store the key; it will have to be entered each session."""


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
        """The key stored for ``profile``, or None (also when there is no keychain)."""
        keyring = _keyring()
        try:
            password: str | None = keyring.get_password(self.service, profile)
        except keyring.errors.KeyringError:
            return None
        return password

    def set(self, profile: str, key: str) -> None:
        """Store ``key`` for ``profile``; raise ``KeychainUnavailable`` if it cannot."""
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


def resolve_key(profile: str, environ: Mapping[str, str], store: KeyStore) -> str | None:
    """The key to use for ``profile``: ``REGAL_API_KEY`` wins, then the keychain."""
    from_env = environ.get(ENV_KEY, "").strip()
    if from_env:
        return from_env
    return store.get(profile)
