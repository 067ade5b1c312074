"""Pydantic models of the body Regal's Custom Events API accepts.

Field names are Python's; aliases are Regal's camelCase. Types are strict (``"yes"`` is
not a boolean), and unknown keys inside a phone, an e-mail, an opt-in, the address or the
top level are errors, so a typo like ``isprimary`` cannot vanish. Unknown keys in
``traits`` are custom traits.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr
from pydantic.alias_generators import to_camel

#: A custom trait or event property value: text, number or true/false.
TraitValue = StrictStr | StrictBool | StrictInt | StrictFloat


class Channel(StrEnum):
    """A way Regal reaches a contact; each has its own consent per number or address."""

    VOICE = "voice"
    SMS = "sms"
    EMAIL = "email"

    @property
    def field(self) -> str:
        """The opt-in key in the body: ``voiceOptIn``, ``smsOptIn`` or ``emailOptIn``."""
        return f"{self.value}OptIn"

    @property
    def label(self) -> str:
        """How people write the channel: ``Voice``, ``SMS``, ``E-mail``."""
        return {"voice": "Voice", "sms": "SMS", "email": "E-mail"}[self.value]


class ConsentState(StrEnum):
    """The three states Regal shows for one channel of one number or address."""

    NO_STATUS = "no status"
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        alias_generator=to_camel,
        # Only Regal's spelling is accepted: `is_primary` in a file is an unknown key.
        validate_by_name=False,
        validate_by_alias=True,
    )


class OptIn(_Strict):
    """Consent for one channel: ``subscribed`` and the audit fields Regal keeps."""

    subscribed: StrictBool
    timestamp: StrictStr | None = None
    ip: StrictStr | None = None
    text: StrictStr | None = None
    source: StrictStr | None = None

    @property
    def state(self) -> ConsentState:
        """Subscribed or unsubscribed (an opt-in object never means "No status")."""
        return ConsentState.SUBSCRIBED if self.subscribed else ConsentState.UNSUBSCRIBED


class Phone(_Strict):
    """One phone number of a contact (the number itself is the key in ``phones``)."""

    label: StrictStr | None = None
    is_primary: StrictBool | None = None
    voice_opt_in: OptIn | None = None
    sms_opt_in: OptIn | None = None


class Email(_Strict):
    """One e-mail address of a contact (the address itself is the key in ``emails``)."""

    label: StrictStr | None = None
    is_primary: StrictBool | None = None
    email_opt_in: OptIn | None = None


class Address(_Strict):
    """The postal address Regal keeps; all parts optional."""

    street: StrictStr | None = None
    city: StrictStr | None = None
    state: StrictStr | None = None
    zipcode: StrictStr | None = None
    country: StrictStr | None = None


class LegacyOptIn(_Strict):
    """An entry of the legacy ``traits.optIn[]`` array; applies to ``traits.phone``/``email``."""

    # Lax for this one field: strict mode would demand a Channel object, and JSON has text.
    channel: Channel = Field(strict=False)
    subscribed: StrictBool
    timestamp: StrictStr | None = None
    ip: StrictStr | None = None
    text: StrictStr | None = None
    source: StrictStr | None = None


class Traits(_Strict):
    """Contact attributes. Any key not listed here is a custom trait."""

    model_config = ConfigDict(extra="allow")

    first_name: StrictStr | None = None
    last_name: StrictStr | None = None
    phones: dict[str, Phone] | None = None
    emails: dict[str, Email] | None = None
    address: Address | None = None
    # Legacy shape, still accepted by Regal; converted to phones/emails before sending.
    phone: StrictStr | None = None
    email: StrictStr | None = None
    opt_in: list[LegacyOptIn] | None = None

    @property
    def custom(self) -> dict[str, Any]:
        """The custom traits, in the order they were given."""
        return dict(self.model_extra or {})


class Payload(_Strict):
    """One request body: a contact's traits, an event, or both."""

    user_id: StrictStr | None = None
    traits: Traits | None = None
    name: StrictStr | None = None
    properties: dict[str, Any] | None = None
    original_timestamp: StrictStr | None = None
    event_source: StrictStr | None = None


#: The standard trait keys (Regal's spelling); every other key in ``traits`` is custom.
STANDARD_TRAITS = frozenset(
    {"firstName", "lastName", "phones", "emails", "address", "phone", "email", "optIn"}
)

#: The opt-in keys each kind of contact point may carry.
PHONE_CHANNELS = (Channel.VOICE, Channel.SMS)
EMAIL_CHANNELS = (Channel.EMAIL,)


def body_of(payload: Payload) -> dict[str, Any]:
    """The JSON object Regal receives: camelCase keys, only what was set, stable order."""
    return payload.model_dump(by_alias=True, exclude_unset=True, mode="json")


#: Characters valid in JSON text that text widgets rewrite (line/paragraph separators,
#: no-break space): written as escapes so the preview shows exactly the bytes sent.
_ESCAPED = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u00a0": "\\u00a0"}


def body_text(body: dict[str, Any]) -> str:
    """The exact text sent on the wire and shown in the preview (2-space indented UTF-8).

    orjson writes the same layout as ``json.dumps(indent=2, ensure_ascii=False)`` about
    twenty times faster, which keeps the preview within a frame for large contacts; the
    standard library takes over for what orjson refuses (integers beyond 64 bits).
    """
    try:
        text = orjson.dumps(body, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        text = json.dumps(body, indent=2, ensure_ascii=False)
    for raw, escaped in _ESCAPED.items():
        if raw in text:
            text = text.replace(raw, escaped)
    return text


def parse_body(body: dict[str, Any]) -> Payload:
    """Parse an already-valid body (from the outbox, the directory or a test) into a model."""
    return Payload.model_validate(body)


__all__ = [
    "EMAIL_CHANNELS",
    "PHONE_CHANNELS",
    "STANDARD_TRAITS",
    "Address",
    "Channel",
    "ConsentState",
    "Email",
    "LegacyOptIn",
    "OptIn",
    "Payload",
    "Phone",
    "TraitValue",
    "Traits",
    "body_of",
    "body_text",
    "parse_body",
]
