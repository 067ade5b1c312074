""" "Profile after send": the contact Regal will hold once this body is applied.

Shows what matters for journeys: which phone and e-mail are primary, which channels can
be reached, and a clear notice when this send moves the primary phone.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import QTextBrowser, QWidget

from regal_desktop.domain.consent import CONSENT_WORDS, consent_state
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel
from regal_desktop.domain.normalise import format_phone
from regal_desktop.domain.profile import (
    journey_reach,
    merge_profile,
    primary_email,
    primary_phone,
)
from regal_desktop.domain.reconcile import consent_moment
from regal_desktop.services.clock import local_time


def _consent_word(entry: dict[str, Any], channel: Channel) -> str:
    """The state, and under it since when and from where (Regal's source, for what
    Regal reported: ``services.known``)."""
    opt_in = entry.get(channel.field)
    word = CONSENT_WORDS[consent_state(opt_in)]
    if not isinstance(opt_in, dict):
        return word
    stamp = opt_in.get("timestamp")
    moment = consent_moment(stamp) if isinstance(stamp, str) else None
    where = [local_time(moment) if moment else "", str(opt_in.get("source") or "")]
    detail = " · ".join(escape(part) for part in where if part)
    return f"{word}<br><small>{detail}</small>" if detail else word


def _points_table(points: dict[str, Any], channels: tuple[Channel, ...], phones: bool) -> str:
    head = "".join(f"<th align='left'>{c.label}</th>" for c in channels)
    rows = []
    for point, entry in points.items():
        shown = format_phone(point) if phones else point
        marker = "★ primary" if entry.get("isPrimary") else ""
        cells = "".join(f"<td>{_consent_word(entry, c)}</td>" for c in channels)
        rows.append(
            f"<tr><td>{escape(shown)}</td><td>{escape(str(entry.get('label', '')))}</td>"
            f"<td><b>{marker}</b></td>{cells}</tr>"
        )
    return (
        "<table cellspacing='0' cellpadding='3' width='100%'>"
        f"<tr><th align='left'>{'Number' if phones else 'Address'}</th>"
        f"<th align='left'>Label</th><th></th>{head}</tr>{''.join(rows)}</table>"
    )


def profile_html(known: dict[str, Any] | None, body: dict[str, Any], palette: QPalette) -> str:
    """The profile after ``body`` is applied to ``known`` (None: unknown contact), as HTML."""
    profile = merge_profile(known, body)
    traits = profile.get("traits") or {}
    parts: list[str] = []
    origin = (
        "Known contact: merged with what this desk sent and what Regal reported (the "
        "latest by consent time)."
        if known
        else "New to this desk: the profile holds only what this request sends."
    )
    parts.append(f"<p><i>{origin}</i></p>")

    before = primary_phone(known) if known else None
    after = primary_phone(profile)
    if known and before and after and before != after:
        highlight = palette.color(QPalette.ColorRole.Highlight).name()
        on_highlight = palette.color(QPalette.ColorRole.HighlightedText).name()
        parts.append(
            f"<table width='100%' cellpadding='6' bgcolor='{highlight}'><tr><td>"
            f"<font color='{on_highlight}'><b>Primary phone changes</b> from "
            f"{escape(format_phone(before))} to {escape(format_phone(after))}. Journeys will "
            "call and text only the new primary, with its own consent.</font></td></tr></table>"
        )

    reach = journey_reach(profile)
    words = ", ".join(
        f"{channel.label} {'✓' if reach[channel.value] else '✗'}"
        for channel in (*PHONE_CHANNELS, *EMAIL_CHANNELS)
    )
    parts.append(f"<h3>Journeys can reach</h3><p>{words}</p>")
    name = " ".join(str(traits.get(k, "")) for k in ("firstName", "lastName")).strip()
    identity = [("Name", name), ("User ID", str(profile.get("userId", "")))]
    parts.append(
        "<h3>Contact</h3><table cellpadding='2'>"
        + "".join(
            f"<tr><td>{label}</td><td><b>{escape(value) or '—'}</b></td></tr>"
            for label, value in identity
        )
        + "</table>"
    )

    phones, emails = traits.get("phones") or {}, traits.get("emails") or {}
    phone_title = f"Phones ({len(phones)})"
    if after:
        phone_title += f": primary {escape(format_phone(after))}"
    parts.append(f"<h3>{phone_title}</h3>")
    parts.append(_points_table(phones, PHONE_CHANNELS, True) if phones else "<p>None.</p>")
    email_title = f"E-mails ({len(emails)})"
    if primary_email(profile):
        email_title += f": primary {escape(str(primary_email(profile)))}"
    parts.append(f"<h3>{email_title}</h3>")
    parts.append(_points_table(emails, EMAIL_CHANNELS, False) if emails else "<p>None.</p>")

    address = traits.get("address") or {}
    if address:
        line = ", ".join(
            str(address[k])
            for k in ("street", "city", "state", "zipcode", "country")
            if address.get(k)
        )
        parts.append(f"<h3>Address</h3><p>{escape(line)}</p>")
    custom = {
        k: v
        for k, v in traits.items()
        if k not in {"firstName", "lastName", "phones", "emails", "address"}
    }
    if custom:
        parts.append(
            "<h3>Custom traits</h3><table cellpadding='2'>"
            + "".join(
                f"<tr><td>{escape(k)}</td><td><b>{escape(str(v))}</b></td></tr>"
                for k, v in custom.items()
            )
            + "</table>"
        )
    return "".join(parts)


class ProfileView(QTextBrowser):
    """The merged profile, rendered only while visible (it can be long)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileView")
        self.setAccessibleName("Profile after send")
        self.setOpenLinks(False)
        self._pending: tuple[dict[str, Any] | None, dict[str, Any]] | None = None
        self._shown: tuple[dict[str, Any] | None, dict[str, Any]] | None = None

    def show_profile(self, known: dict[str, Any] | None, body: dict[str, Any]) -> None:
        """Show the profile for this body; rendering waits until the view is visible."""
        self._pending = (known, body)
        if self.isVisible():
            self._render()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._render()

    def _render(self) -> None:
        if self._pending is None or self._pending == self._shown:
            return
        known, body = self._shown = self._pending
        scroll = self.verticalScrollBar().value()
        self.setHtml(profile_html(known, body, self.palette()))
        self.verticalScrollBar().setValue(scroll)
