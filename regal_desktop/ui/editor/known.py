"""What the directory knows of a phone or e-mail's consent, and whether the draft differs.

The baseline (``ContactDocument.baseline``) is the profile Regal holds as far as this desk
knows: payload-shaped, phones keyed by E.164, e-mails by address. A draft row is matched
to it by its normalised key, so ``(954) 558-2399`` finds ``+19545582399``.
"""

from __future__ import annotations

from typing import Any

from regal_desktop.domain.consent import CONSENT_WORDS
from regal_desktop.domain.model import Channel, ConsentState
from regal_desktop.domain.normalise import normalise_email, normalise_phone, parse_timestamp
from regal_desktop.ui.editor.baseline import PointTable, consent_differs, known_points
from regal_desktop.ui.editor.draft import Consent, EmailRow, PhoneRow, consent_of, opt_in_of

#: Where the known state came from when it is this desk's own accepted send; a state
#: Regal reported names itself ("Regal (regalvoice.sms)", ``services.known``).
KNOWN_SOURCE = "this desk"


def point_key(point: PhoneRow | EmailRow, region: str = "US") -> str | None:
    """The row's number in E.164 or its address lower-cased; None while it is not one."""
    if isinstance(point, PhoneRow):
        return normalise_phone(point.number, region).e164
    address = normalise_email(point.address)[0]
    return address.lower() if address else None


def known_point(
    baseline: dict[str, Any] | None, point: PhoneRow | EmailRow, region: str = "US"
) -> dict[str, Any] | None:
    """The baseline's entry for the row's number or address, or None when not known."""
    key = point_key(point, region)
    if key is None:
        return None
    table: PointTable = "phones" if isinstance(point, PhoneRow) else "emails"
    entries = known_points(baseline, table)
    entry = entries.get(key)
    if entry is None and table == "emails":  # Regal may hold the address in another case
        entry = next((v for k, v in entries.items() if str(k).lower() == key), None)
    return entry if isinstance(entry, dict) else None


def known_opt_in(
    baseline: dict[str, Any] | None,
    point: PhoneRow | EmailRow,
    channel: Channel,
    region: str = "US",
) -> dict[str, Any] | None:
    """The known opt-in object of one channel of the row's point ({} when the point is
    known without it); None when nothing is known of the point."""
    entry = known_point(baseline, point, region)
    if entry is None:
        return None
    opt_in = entry.get(channel.field)
    return opt_in if isinstance(opt_in, dict) else {}


def known_consent(
    baseline: dict[str, Any] | None,
    point: PhoneRow | EmailRow,
    channel: Channel,
    region: str = "US",
) -> Consent | None:
    """The known consent of one channel of the row's point; None when nothing is known
    of the point (a point known without this channel's consent: No status)."""
    opt_in = known_opt_in(baseline, point, channel, region)
    return None if opt_in is None else consent_of(opt_in)


def same_consent(draft: Consent, known: Consent | None) -> bool:
    """Whether the draft sends what is known (None: nothing), by the editor's one rule
    (``baseline.consent_differs``: same state, words, IP, source and moment)."""
    return not consent_differs(draft, opt_in_of(known or Consent()) or {})


def readable_time(text: str) -> str:
    """A consent time as people read it, ``12 Mar 2026 14:02`` in local time (as written
    when it cannot be read; a time without offset is shown as written)."""
    moment = parse_timestamp(text)
    if moment is None:
        return text.strip()
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{moment.day} {moment:%b %Y %H:%M}"


def known_words(known: Consent | None, source: str = KNOWN_SOURCE) -> str:
    """``Known: Subscribed since 12 Mar 2026 14:02, this desk`` (or ``, Regal (...)``)
    or ``Known: nothing``."""
    if known is None or known.state is ConsentState.NO_STATUS:
        return "Known: nothing"
    state = CONSENT_WORDS[known.state]
    when = (
        f" since {readable_time(known.timestamp)}"
        if known.timestamp.strip()
        else " (time not recorded)"
    )
    return f"Known: {state}{when}, {source}"


__all__ = [
    "KNOWN_SOURCE",
    "known_consent",
    "known_opt_in",
    "known_point",
    "known_words",
    "point_key",
    "readable_time",
    "same_consent",
]
