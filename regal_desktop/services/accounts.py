"""Account profiles: which Regal account a request goes to, at what rate, with which key.

An account is of one of two kinds: ``regal`` sends each body to Regal's Custom Events API;
``segment`` sends it as Segment calls (``domain.segment``) to a Segment source, whose
key is the source's write key, for Regal's Segment destination to pass on.

Profiles live in the store's settings (never the key: that is in the OS keychain). The
built-in ``sandbox`` profile sends to the loopback receiver this application starts
itself, so everything can be tried without a key; it is the default until a real
account is configured. ``REGAL_ENDPOINT`` and ``REGAL_API_KEY`` override a profile for
scripts and tests.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from regal_desktop.delivery.endpoint import (
    DEFAULT_RATE,
    REGAL_ENDPOINT,
    REGAL_LIMIT,
    check_endpoint,
    endpoint_warning,
    is_loopback,
    is_regals_own,
)
from regal_desktop.delivery.keys import ENV_KEY, KeyStore, clean_key, resolve_key
from regal_desktop.delivery.waits import DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT
from regal_desktop.domain.segment import SEGMENT_ENDPOINT, SEGMENT_EU_ENDPOINT, SEGMENT_RATE
from regal_desktop.store.settings import DEFAULT_PROFILE, PROFILES, Settings

#: The endpoint value that means "the sandbox receiver built into this application".
SANDBOX = "sandbox"
#: The built-in profile's name: the default profile until another is chosen.
SANDBOX_PROFILE = DEFAULT_PROFILE.default
#: The slowest rate a profile may have: the rate limiter counts whole requests a second.
MIN_RATE = 1.0
#: Regal allows this many requests per second per account; more is refused for its hosts.
REGAL_MAX_RATE = float(REGAL_LIMIT)
#: Segment asks a source for at most this many requests (batches) per second.
SEGMENT_MAX_RATE = float(SEGMENT_RATE)
#: The fastest rate for any other receiver (a company's proxy, a loopback test server).
MAX_RATE = 10_000.0
#: The kinds of account: Regal's Custom Events API, or a Segment source.
Kind = Literal["regal", "segment"]
#: How people read each kind.
KIND_WORDS: dict[str, str] = {"regal": "Regal", "segment": "Segment"}
#: Segment's own domains: their hosts get no warning, and Segment's rate limit applies.
_SEGMENT_DOMAINS = ("segment.io", "segmentapis.com")
#: What an account may set as its timeout and its longest wait before a retry (seconds).
TIMEOUT_RANGE = (1.0, 600.0)
MAX_WAIT_RANGE = (1.0, 86_400.0)


class AccountProfile(BaseModel):
    """One account: a name, where to send, how fast (requests per second), how long an
    attempt waits for an answer (``timeout``, seconds) and the longest wait before a retry
    (``max_wait``, seconds: a ``Retry-After`` asking for more, or a clock set back, waits
    this long at most)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=60)
    #: Regal's API, or a Segment source (older settings without it are Regal accounts).
    kind: Kind = "regal"
    endpoint: str = REGAL_ENDPOINT
    rate: float = DEFAULT_RATE  # MIN_RATE up to max_rate(endpoint): see rate_problem
    timeout: float = DEFAULT_TIMEOUT
    max_wait: float = DEFAULT_MAX_WAIT

    @field_validator("timeout", "max_wait")
    @classmethod
    def _seconds_in_range(cls, value: float, info: ValidationInfo) -> float:
        low, high = TIMEOUT_RANGE if info.field_name == "timeout" else MAX_WAIT_RANGE
        if not low <= value <= high:  # NaN too
            what = "timeout" if info.field_name == "timeout" else "longest wait before a retry"
            raise ValueError(f"the {what} must be {low:g} to {high:g} seconds, not {value:g}")
        return value

    @field_validator("endpoint")
    @classmethod
    def _endpoint_is_allowed(cls, value: str, info: ValidationInfo) -> str:
        if value == SANDBOX:
            return value
        value = check_endpoint(value)
        if info.data.get("kind") == "segment":
            # The sender adds /batch to a Segment endpoint: the API's root is kept.
            value = value.rstrip("/").removesuffix("/batch").rstrip("/")
        return value

    @field_validator("rate")
    @classmethod
    def _rate_is_allowed(cls, value: float, info: ValidationInfo) -> float:
        # The endpoint is validated first (fields in order); absent when it was refused.
        endpoint = str(info.data.get("endpoint", ""))
        problem = rate_problem(value, endpoint, info.data.get("kind", "regal"))
        if problem:
            raise ValueError(problem)
        return value

    @property
    def is_sandbox(self) -> bool:
        """True for the built-in loopback receiver."""
        return self.endpoint == SANDBOX

    @property
    def is_production(self) -> bool:
        """Sends to a real Regal account (anything not on this computer)."""
        return not self.is_sandbox and not is_loopback(self.endpoint)

    @property
    def is_segment(self) -> bool:
        """Sends Segment calls to a Segment source rather than bodies to Regal."""
        return self.kind == "segment"

    @property
    def kind_word(self) -> str:
        """``Regal`` or ``Segment``."""
        return KIND_WORDS[self.kind]

    @property
    def warning(self) -> str | None:
        """Why this endpoint may not be what it should (a look-alike, another host, the
        EU Segment region Regal's destination does not serve), or None."""
        if self.is_sandbox:
            return None
        return (
            segment_warning(self.endpoint) if self.is_segment else endpoint_warning(self.endpoint)
        )


def is_segments_own(url: str) -> bool:
    """True when ``url`` goes to one of Segment's own hosts (``segment.io``,
    ``segmentapis.com``)."""
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    return any(host == d or host.endswith("." + d) for d in _SEGMENT_DOMAINS)


def segment_warning(url: str) -> str | None:
    """A one-line warning for a Segment account's endpoint, or None: the EU region (Regal's
    destination is available in the US only), a look-alike, or a host not Segment's."""
    if url.rstrip("/") == SEGMENT_EU_ENDPOINT or (
        is_segments_own(url) and ".eu1." in (urlsplit(url).hostname or "")
    ):
        return (
            "this is Segment's EU endpoint, but Regal's Segment destination is available "
            "in the US only: Regal may never get these calls (the US endpoint is "
            f"{SEGMENT_ENDPOINT})"
        )
    if is_segments_own(url) or is_loopback(url):
        return None
    host = urlsplit(url).hostname or url
    if not host.isascii():
        return endpoint_warning(url)  # names the letter beyond ASCII
    return (
        f"{host} is not Segment's own host (api.segment.io): calls and the write key go "
        "to whoever runs it; make sure it is your company's proxy"
    )


def max_rate(endpoint: str, kind: str = "regal") -> float:
    """The fastest rate a profile of ``kind`` sending to ``endpoint`` may have."""
    if kind == "segment" and is_segments_own(endpoint):
        return SEGMENT_MAX_RATE
    return REGAL_MAX_RATE if is_regals_own(endpoint) else MAX_RATE


def default_rate(kind: str) -> float:
    """The rate a new account of ``kind`` starts with."""
    return float(SEGMENT_RATE) if kind == "segment" else DEFAULT_RATE


def rate_problem(rate: float, endpoint: str, kind: str = "regal") -> str | None:
    """What is wrong with ``rate`` for a profile of ``kind`` sending to ``endpoint``, or
    None."""
    if not rate >= MIN_RATE:  # NaN too
        return (
            f"rate {rate:g} is less than 1 request per second; give {MIN_RATE:g} or more "
            f"(the default is {default_rate(kind):g})"
        )
    if kind == "segment" and is_segments_own(endpoint) and rate > SEGMENT_MAX_RATE:
        return (
            f"rate {rate:g} is more than the {SEGMENT_MAX_RATE:g} requests per second Segment "
            f"asks of a source; give {SEGMENT_MAX_RATE:g} or less"
        )
    if is_regals_own(endpoint) and rate > REGAL_MAX_RATE:
        return (
            f"rate {rate:g} is more than the {REGAL_MAX_RATE:g} requests per second Regal "
            f"allows an account; give {REGAL_MAX_RATE:g} or less (the default is "
            f"{DEFAULT_RATE:g})"
        )
    if not rate <= MAX_RATE:
        return f"rate {rate:g} is more than {MAX_RATE:,.0f} requests per second"
    return None


def profile_message(exc: ValidationError) -> str:
    """Why a profile does not validate, as one plain line (pydantic's prefix dropped)."""
    return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())


BUILT_IN_SANDBOX = AccountProfile(name=SANDBOX_PROFILE, endpoint=SANDBOX)


class AccountError(ValueError):
    """A profile is unknown or its settings are not usable; the message says which."""


def _stored_profile(entry: Any) -> AccountProfile | None:
    """A saved profile, its rate brought within bounds if it was saved before they were
    checked (a Regal account at 2,000/s sends at 300/s, one at 0.5/s at 1/s); None when
    it cannot be read at all."""
    try:
        return AccountProfile.model_validate(entry)
    except ValidationError:
        pass
    rate = entry.get("rate") if isinstance(entry, dict) else None
    if not isinstance(rate, int | float) or isinstance(rate, bool):
        return None
    endpoint = str(entry.get("endpoint", REGAL_ENDPOINT))
    kind = str(entry.get("kind", "regal"))
    bounded = (
        min(max(rate, MIN_RATE), max_rate(endpoint, kind))
        if math.isfinite(rate)
        else default_rate(kind)
    )
    try:
        profile = AccountProfile.model_validate({**entry, "rate": bounded})
    except ValidationError:
        return None
    logging.getLogger(__name__).warning(
        "profile %r: the saved rate %g is out of bounds; %g is used", profile.name, rate, bounded
    )
    return profile


class Accounts:
    """The configured profiles, read from and written to the store's settings."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def all(self) -> list[AccountProfile]:
        """Every profile, the built-in sandbox first."""
        profiles = [BUILT_IN_SANDBOX]
        for entry in self._settings.read(PROFILES):
            profile = _stored_profile(entry)
            if profile is None:
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
        raise AccountError(profile_message(exc)) from exc


def destination(
    accounts: Accounts,
    keys: KeyStore,
    environ: Mapping[str, str],
    name: str | None = None,
    rate: float | None = None,
    key_account: str | None = None,
) -> Destination:
    """Resolve the profile to send to, applying ``REGAL_ENDPOINT``/``REGAL_API_KEY``.

    ``REGAL_API_KEY`` is the key of ``key_account``, the account the command works on
    (its ``--profile``; None: the default account), and of no other: the window
    delivering another account's queue must not send it this key.
    """
    profile = effective_profile(accounts, environ, name, rate)
    if profile.name != (key_account or accounts.default_name()):
        environ = {var: value for var, value in environ.items() if var != ENV_KEY}
    if profile.is_sandbox:
        # The built-in sandbox needs no key; one given must still fit in a header.
        key = clean_key(environ.get(ENV_KEY, ""), ENV_KEY) or None
    else:
        key = resolve_key(profile.name, environ, keys)
    return Destination(profile=profile, key=key)
