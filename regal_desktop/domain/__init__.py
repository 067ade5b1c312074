"""The payload, its rules and its checks: pure Python, no Qt and no I/O."""

from regal_desktop.domain.check import Checked, check, check_text
from regal_desktop.domain.findings import Finding, Level, json_path
from regal_desktop.domain.jsonc import PayloadSyntaxError, loads
from regal_desktop.domain.legacy import Converted, convert_legacy
from regal_desktop.domain.model import (
    EMAIL_CHANNELS,
    PHONE_CHANNELS,
    STANDARD_TRAITS,
    Address,
    Channel,
    ConsentState,
    Email,
    LegacyOptIn,
    OptIn,
    Payload,
    Phone,
    Traits,
    TraitValue,
    body_of,
    body_text,
    parse_body,
)
from regal_desktop.domain.normalise import (
    PhoneResult,
    check_timestamp,
    format_phone,
    normalise_email,
    normalise_ip,
    normalise_phone,
    now_timestamp,
    parse_timestamp,
)

# --- profile.py and consent.py (another helper) --------------------------------------
# Their names (merge_profile, identity_keys, consent_changes, describe_change,
# ConsentChange) are imported and listed here once those modules exist.
# ---------------------------------------------------------------------------------------

__all__ = [
    "EMAIL_CHANNELS",
    "PHONE_CHANNELS",
    "STANDARD_TRAITS",
    "Address",
    "Channel",
    "Checked",
    "ConsentState",
    "Converted",
    "Email",
    "Finding",
    "LegacyOptIn",
    "Level",
    "OptIn",
    "Payload",
    "PayloadSyntaxError",
    "Phone",
    "PhoneResult",
    "TraitValue",
    "Traits",
    "body_of",
    "body_text",
    "check",
    "check_text",
    "check_timestamp",
    "convert_legacy",
    "format_phone",
    "json_path",
    "loads",
    "normalise_email",
    "normalise_ip",
    "normalise_phone",
    "now_timestamp",
    "parse_body",
    "parse_timestamp",
]
