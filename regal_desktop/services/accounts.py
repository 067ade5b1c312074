"""Account profiles: which Regal account a request goes to, at what rate, with which key.

Profiles live in the store's settings (never the key: that is in the OS keychain). The
built-in ``sandbox`` profile sends to the loopback receiver this application starts
itself, so everything can be tried without a key; it is the default until a real
account is configured. ``REGAL_ENDPOINT`` and ``REGAL_API_KEY`` override a profile for
scripts and tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from regal_desktop.delivery.endpoint import REGAL_ENDPOINT, check_endpoint, is_loopback
from regal_desktop.delivery.keys import KeyStore, resolve_key
from regal_desktop.store.settings import DEFAULT_PROFILE, PROFILES, Settings

#: The endpoint value that means "the sandbox receiver built into this application".
SANDBOX = "sandbox"
#: The built-in profile's name: the default profile until another is chosen.
SANDBOX_PROFILE = DEFAULT_PROFILE.default
DEFAULT_RATE = 290.0


class AccountProfile(BaseModel):
    """One account: a name, where to send, and how fast (requests per second)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=60)
    endpoint: str = REGAL_ENDPOINT
    rate: float = Field(default=DEFAULT_RATE, gt=0, le=10_000)

    @field_validator("endpoint")
    @classmethod
    def _endpoint_is_allowed(cls, value: str) -> str:
        return value if value == SANDBOX else check_endpoint(value)

    @property
    def is_sandbox(self) -> bool:
        """True for the built-in loopback receiver."""
        return self.endpoint == SANDBOX

    @property
    def is_production(self) -> bool:
        """Sends to a real Regal account (anything not on this computer)."""
        return not self.is_sandbox and not is_loopback(self.endpoint)


BUILT_IN_SANDBOX = AccountProfile(name=SANDBOX_PROFILE, endpoint=SANDBOX)


class AccountError(ValueError):
    """A profile is unknown or its settings are not usable; the message says which."""


class Accounts:
    """The configured profiles, read from and written to the store's settings."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def all(self) -> list[AccountProfile]:
        """Every profile, the built-in sandbox first."""
        profiles = [BUILT_IN_SANDBOX]
        for entry in self._settings.read(PROFILES):
            try:
                profile = AccountProfile.model_validate(entry)
            except ValidationError:
                continue  # a hand-edited entry that no longer validates is skipped, not fatal
            if profile.name != SANDBOX_PROFILE:
                profiles.append(profile)
        return profiles

    def get(self, name: str) -> AccountProfile:
        """The profile called ``name``; AccountError naming the known ones if none."""
        for profile in self.all():
            if profile.name == name:
                return profile
        known = ", ".join(p.name for p in self.all())
        raise AccountError(f"no profile called {name!r} (known: {known})")

    def save(self, profile: AccountProfile) -> None:
        """Add or replace a profile (the sandbox profile cannot be changed)."""
        if profile.name == SANDBOX_PROFILE:
            raise AccountError("the sandbox profile is built in and cannot be changed")
        others = [p for p in self.all()[1:] if p.name != profile.name]
        self._settings.write(PROFILES, [p.model_dump() for p in [*others, profile]])

    def remove(self, name: str) -> None:
        """Forget a profile (its key stays in the keychain until removed there)."""
        kept = [p.model_dump() for p in self.all()[1:] if p.name != name]
        self._settings.write(PROFILES, kept)
        if self.default_name() == name:
            self._settings.write(DEFAULT_PROFILE, SANDBOX_PROFILE)

    def default_name(self) -> str:
        """The profile used when none is named: the sandbox until another is chosen."""
        return self._settings.read(DEFAULT_PROFILE)

    def set_default(self, name: str) -> None:
        """Use ``name`` when no profile is named."""
        self.get(name)
        self._settings.write(DEFAULT_PROFILE, name)


@dataclass(frozen=True)
class Destination:
    """Where a send goes for this run: a profile with any environment overrides applied."""

    profile: AccountProfile
    key: str | None

    @property
    def needs_key(self) -> bool:
        """A real account without a key cannot be sent to."""
        return (
            not self.profile.is_sandbox
            and not is_loopback(self.profile.endpoint)
            and (not self.key)
        )


def effective_profile(
    accounts: Accounts,
    environ: Mapping[str, str],
    name: str | None = None,
    rate: float | None = None,
) -> AccountProfile:
    """The profile to send to, with ``REGAL_ENDPOINT`` and a rate override applied.

    Reads no key, so the window can show where sends go without opening the keychain.
    """
    profile = accounts.get(name or accounts.default_name())
    override = environ.get("REGAL_ENDPOINT")
    changes: dict[str, object] = {}
    if override:
        changes["endpoint"] = check_endpoint(override)
    if rate is not None:
        changes["rate"] = rate
    if not changes:
        return profile
    try:
        return AccountProfile.model_validate({**profile.model_dump(), **changes})
    except ValidationError as exc:
        raise AccountError(exc.errors()[0]["msg"]) from exc


def destination(
    accounts: Accounts,
    keys: KeyStore,
    environ: Mapping[str, str],
    name: str | None = None,
    rate: float | None = None,
) -> Destination:
    """Resolve the profile to send to, applying ``REGAL_ENDPOINT``/``REGAL_API_KEY``."""
    profile = effective_profile(accounts, environ, name, rate)
    if profile.is_sandbox:
        key = environ.get("REGAL_API_KEY") or None  # the built-in sandbox needs no key
    else:
        key = resolve_key(profile.name, environ, keys)
    return Destination(profile=profile, key=key)
