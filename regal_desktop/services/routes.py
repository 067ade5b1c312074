"""What the chosen account's route adds to a check, and what its preview shows.

A Regal account sends the checked body as it is. A Segment account sends it as Segment
calls (``domain.segment``), so the body must also pass the Segment route's checks
(nothing the destination would ignore leaves the desk), and the preview shows the calls
themselves: the batch the sender posts, with the message ids and times a request gets
when it is queued left as placeholders. The editor, ``send``, ``validate``, an import
(each row, ``services.bulk_import``) and a fix (``services.requests.replace``) all go
through here; ``services.sending.queue`` refuses what this calls an error.
"""

from __future__ import annotations

from dataclasses import replace

from regal_desktop.domain.check import Checked
from regal_desktop.domain.findings import Finding, Level
from regal_desktop.domain.model import body_text
from regal_desktop.domain.segment import segment_calls, segment_problems
from regal_desktop.services.accounts import AccountProfile

#: Stand-ins in a preview for what a request gets when it is queued.
PREVIEW_MESSAGE_ID = "(assigned when queued)"
PREVIEW_TIMESTAMP = "(the time it is queued)"
#: Said beside a Segment preview.
PREVIEW_NOTE = (
    "Segment calls, as posted to /batch: message ids and times are set when the request is queued"
)


def route_of(profile: AccountProfile | None) -> str:
    """``segment`` for a Segment account, else ``regal`` (what the outbox records)."""
    return "segment" if profile is not None and profile.is_segment else "regal"


def route_findings(profile: AccountProfile | None, checked: Checked) -> list[Finding]:
    """The findings the account's route adds (none for a Regal account)."""
    return findings_for_route(route_of(profile), checked)


def findings_for_route(route: str, checked: Checked) -> list[Finding]:
    """``route_findings`` by the route's name (``regal``, ``segment``): what a worker
    process checking import rows gets, with no account to hand."""
    if route != "segment" or not checked.body:
        return []
    return segment_problems(checked.body)


def with_route(profile: AccountProfile | None, checked: Checked) -> Checked:
    """``checked`` with the route's findings added, errors first (the body is unchanged:
    the outbox keeps the Regal body, and the route's form is derived from it)."""
    extra = route_findings(profile, checked)
    if not extra:
        return checked
    findings = sorted([*checked.findings, *extra], key=lambda f: f.level is not Level.ERROR)
    return replace(checked, findings=tuple(findings))


def route_errors(profile: AccountProfile | None, checked: Checked) -> list[Finding]:
    """The route's errors alone (what keeps a body out of the outbox)."""
    return [f for f in route_findings(profile, checked) if f.level is Level.ERROR]


def route_preview(profile: AccountProfile | None, checked: Checked) -> str:
    """The exact text the account's route sends for ``checked``: the body for Regal, the
    batch of Segment calls (with placeholder message ids and times) for Segment."""
    return preview_for_route(route_of(profile), checked)


def preview_for_route(route: str, checked: Checked) -> str:
    """``route_preview`` by the route's name (an import plan knows its route)."""
    if route != "segment":
        return checked.text
    calls = segment_calls(checked.body, message_id=PREVIEW_MESSAGE_ID, timestamp=PREVIEW_TIMESTAMP)
    return body_text({"batch": calls})


__all__ = [
    "PREVIEW_MESSAGE_ID",
    "PREVIEW_NOTE",
    "PREVIEW_TIMESTAMP",
    "findings_for_route",
    "preview_for_route",
    "route_errors",
    "route_findings",
    "route_of",
    "route_preview",
    "with_route",
]
