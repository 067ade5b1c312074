"""Preferences that are not secrets, as JSON values in the ``settings`` table.

Every preference the application keeps is a :class:`Setting` in ``SETTINGS`` below: its
key, the JSON type of its value, its default, and what else a valid value must be. Code
reads and writes them through ``Settings.read``/``load``/``write`` with that object, never
with a key of its own, so a key, a default or a rule is written once. A stored value that
is not valid (a hand-edited or older database) reads as the default, or, through ``load``,
as a ``SettingError`` whose one-line message says which setting and why.

API keys live in the OS keychain. To make sure no secret ends up in this file by
mistake, a setting whose name mentions a key, secret, token or password is refused.
"""

from __future__ import annotations

import copy
import getpass
import json
import logging
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

log = logging.getLogger(__name__)

T = TypeVar("T")

_SECRET_WORDS = ("key", "secret", "token", "password")
#: How messages name the JSON type a setting holds.
_KINDS: dict[type, str] = {
    str: "text",
    bool: "true or false",
    list: "a list",
    dict: "a JSON object",
}


def _check_name(name: str) -> None:
    lowered = name.lower()
    for word in _SECRET_WORDS:
        if word in lowered:
            raise ValueError(
                f"setting {name!r} looks like a secret (its name contains {word!r}); "
                "secrets belong in the OS keychain, not in the settings"
            )


class SettingError(ValueError):
    """A setting's value is not valid; ``str()`` says which setting and why, in one line."""


def _kind_of(value: object) -> str:
    """How a message names the JSON type of ``value``."""
    for kind, words in _KINDS.items():
        if isinstance(value, kind):
            return words
    return "nothing" if value is None else "a number"


def _anything(value: Any) -> str | None:
    return None


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One preference: key, the type of its value, default, and what a valid value is."""

    key: str
    #: The Python (and JSON) type of the value: str, bool, list or dict.
    kind: type
    default: T
    #: How messages name it, e.g. "the saved mappings".
    label: str
    #: Beyond the type: why a value is not valid (the end of a sentence), or None.
    check: Callable[[Any], str | None] = _anything
    #: Whether ``label`` is plural ("the saved mappings are ...").
    plural: bool = False
    #: Whether each desk keeps its own value in a store a team shares (who sits at the
    #: desk, what it dismissed), instead of one value for the team (accounts, wordings).
    per_desk: bool = False

    def problem(self, value: object) -> str | None:
        """Why ``value`` cannot be this setting's value, in one line, or None."""
        verb = "are" if self.plural else "is"
        where = f"{self.label} ({self.key})"
        if not isinstance(value, self.kind):
            return (
                f"{where} {verb} not readable: expected {_KINDS[self.kind]}, "
                f"found {_kind_of(value)}"
            )
        reason = self.check(value)
        return None if reason is None else f"{where} {verb} not valid: {reason}"

    def fresh_default(self) -> T:
        """A copy of the default (a list or an object default is never shared)."""
        return copy.deepcopy(self.default)


def _not_empty(value: str) -> str | None:
    return None if value.strip() else "it is empty"


#: The channels a consent wording may name, as stored ("voice", "sms", "email").
TEMPLATE_CHANNELS = ("voice", "sms", "email")


def _template_problem(entry: object) -> str | None:
    """Why one saved consent wording is not valid (the end of a sentence), or None.

    ``name`` and ``text`` are required; ``channels`` (a non-empty list of
    TEMPLATE_CHANNELS) and ``version`` (text) are optional: wordings saved before they
    existed apply to every channel, version "1".
    """
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("text"), str)
    ):
        return 'is not {"name": ..., "text": ...} with text in both'
    channels = entry.get("channels", list(TEMPLATE_CHANNELS))
    if (
        not isinstance(channels, list)
        or not channels
        or any(channel not in TEMPLATE_CHANNELS for channel in channels)
    ):
        return f"has channels {channels!r}; expected a list of voice, sms, email"
    if not isinstance(entry.get("version", "1"), str):
        return f'has version {entry.get("version")!r}; expected text such as "2"'
    return None


def _templates(value: list[Any]) -> str | None:
    for number, entry in enumerate(value, start=1):
        problem = _template_problem(entry)
        if problem is not None:
            return f"entry {number} {problem}"
    return None


#: The account profiles besides the built-in sandbox (each checked by ``services.accounts``;
#: one that no longer validates is skipped, the others still load). Each has a ``kind``,
#: ``regal`` or ``segment``; an entry saved before kinds existed is a Regal account.
PROFILES: Setting[list[Any]] = Setting("profiles", list, [], "the account profiles", plural=True)
#: The profile a send goes to when none is named.
DEFAULT_PROFILE: Setting[str] = Setting("default_profile", str, "sandbox", "the default profile")
#: Where numbers without a country code are assumed to be (ISO code).
DEFAULT_REGION: Setting[str] = Setting(
    "default_region", str, "US", "the default region", _not_empty
)
#: The operator's e-mail, recorded with each send ("" for the OS user alone).
OPERATOR_EMAIL: Setting[str] = Setting(
    "operator_email", str, "", "the operator's e-mail", per_desk=True
)
#: The consent wordings staff pick from (empty: the bundled ones): ``{"name", "text",
#: "channels": ["voice", "sms", "email"], "version": "1"}``, the last two optional.
CONSENT_TEMPLATES: Setting[list[dict[str, Any]]] = Setting(
    "consent_templates", list, [], "the consent texts", _templates, plural=True
)
#: Column mappings of the CSV import saved by name, ``{name: {"columns": {}, "defaults":
#: {}}}`` (each read by ``ColumnMapping.from_setting``, which names a damaged one).
IMPORT_MAPPINGS: Setting[dict[str, Any]] = Setting(
    "import_mappings", dict, {}, "the saved mappings", plural=True
)
#: The ``eventSource`` a new contact starts with ("" for none).
DEFAULT_EVENT_SOURCE: Setting[str] = Setting(
    "default_event_source", str, "", "the default event source"
)
#: Whether the first-run welcome was dismissed.
WELCOME_DISMISSED: Setting[bool] = Setting(
    "welcome_dismissed", bool, False, "the welcome banner's dismissal", per_desk=True
)

#: Every setting the application keeps.
SETTINGS: tuple[Setting[Any], ...] = (
    PROFILES,
    DEFAULT_PROFILE,
    DEFAULT_REGION,
    OPERATOR_EMAIL,
    CONSENT_TEMPLATES,
    IMPORT_MAPPINGS,
    DEFAULT_EVENT_SOURCE,
    WELCOME_DISMISSED,
)

_MISSING = object()


def _login() -> str:
    """The OS user name ("unknown" where the system cannot say: a container)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


class Settings:
    """Read and write preferences; every value is stored as JSON.

    ``read``/``load``/``write`` take a :class:`Setting` and are typed; ``get``/``set`` are
    the untyped layer under them (any key, any JSON value).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # In a store a team shares, a per-desk setting is kept under "KEY@login@host".
        shared = getattr(conn, "kind", "sqlite") != "sqlite"
        self._desk = f"@{_login()}@{socket.gethostname()}" if shared else ""

    def _key(self, setting: Setting[Any]) -> str:
        """Where ``setting`` is stored: its key, and this desk's name for a per-desk one
        in a shared store."""
        return setting.key + self._desk if setting.per_desk else setting.key

    def get(self, key: str, default: Any = None) -> Any:
        """The value of setting ``key``, or ``default`` when it was never set."""
        _check_name(key)
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except ValueError:
            # Only a hand-edited database holds this; the stored text stays for inspection.
            log.warning("setting %r is not valid JSON; using the default", key)
            return default

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` (anything JSON can hold) under ``key``, replacing the old one."""
        _check_name(key)
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"setting {key!r}: the value cannot be stored as JSON: {exc}") from exc
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, text),
        )

    def load(self, setting: Setting[T]) -> T:
        """The stored value, or the default when it was never set; SettingError (saying
        which setting and why) when the stored value is not valid."""
        value = self.get(self._key(setting), _MISSING)
        if value is _MISSING:
            return setting.fresh_default()
        problem = setting.problem(value)
        if problem is not None:
            raise SettingError(problem)
        return cast(T, value)

    def read(self, setting: Setting[T]) -> T:
        """The stored value, or the default when it was never set or is not valid (a
        value that is not valid is logged and left in place, for inspection)."""
        try:
            return self.load(setting)
        except SettingError as exc:
            log.warning("%s; using the default", exc)
            return setting.fresh_default()

    def write(self, setting: Setting[T], value: T) -> None:
        """Store ``value``; SettingError, and nothing written, when it is not valid."""
        problem = setting.problem(value)
        if problem is not None:
            raise SettingError(problem)
        self.set(self._key(setting), value)


__all__ = [
    "CONSENT_TEMPLATES",
    "DEFAULT_EVENT_SOURCE",
    "DEFAULT_PROFILE",
    "DEFAULT_REGION",
    "IMPORT_MAPPINGS",
    "OPERATOR_EMAIL",
    "PROFILES",
    "SETTINGS",
    "TEMPLATE_CHANNELS",
    "WELCOME_DISMISSED",
    "Setting",
    "SettingError",
    "Settings",
]
