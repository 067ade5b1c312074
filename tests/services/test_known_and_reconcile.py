"""The merged known state and reconciliation over a scripted history: changes queued and
delivered to a real loopback receiver, then Regal's events added to the store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from regal_desktop.context import AppContext, open_context
from regal_desktop.domain.reconcile import THIS_DESK, Status
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.services.known import known_contact, known_lookup, known_profile, provenance
from regal_desktop.services.reconcile import parse_since, reconcile_store, tally
from tests.helpers.regal import regal_event, send_and_deliver
from tests.helpers.servers import sandbox

__all__ = ["sandbox"]  # the fixture

CONFIRMED = "+19545550001"
STOPPED = "+19545550002"
WAITING = "+19545550003"
REGAL_ONLY = "+19545550004"
#: The consent time of every change this desk sends here.
SENT_AT = "2026-11-20T10:00:00-05:00"


def opt_in(number: str, channel: str = "sms", *, user_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "traits": {
            "firstName": "Jane",
            "phones": {
                number: {
                    f"{channel}OptIn": {
                        "subscribed": True,
                        "timestamp": SENT_AT,
                        "text": "I agree to receive texts",
                        "source": "web form",
                    }
                }
            },
        }
    }
    if user_id:
        body["userId"] = user_id
    return body


#: Regal's contact event, as stored by ``events import``.
event = regal_event


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    context = open_context()
    yield context
    context.close()


#: Queue the bodies and deliver them to the loopback receiver.
send = send_and_deliver


def test_the_four_statuses_on_a_scripted_history(ctx: AppContext, sandbox: Sandbox) -> None:
    send(ctx, sandbox, opt_in(CONFIRMED), opt_in(STOPPED), opt_in(WAITING, "voice"))
    ctx.store.events.add(
        [
            # Regal echoes the opt-in it accepted, at its consent time.
            event(CONFIRMED, True, "2026-11-20T15:00:00Z"),
            event(STOPPED, True, "2026-11-20T15:00:00Z"),
            # The customer replied STOP a day later.
            event(STOPPED, False, "2026-11-21T09:30:00Z"),
            event(STOPPED, False, "2026-11-21T09:30:05Z", source="regalvoice.sms.retry"),
            # An agent unsubscribed a number this desk never sent.
            event(REGAL_ONLY, False, "2026-11-22T08:00:00Z", source="regalvoice.agent_desktop"),
        ],
        "test",
    )
    now = datetime.now(UTC)
    lines = reconcile_store(ctx.store, now)
    found = {(line.point, line.channel): line for line in lines}
    assert len(lines) == 4  # the echoes and the repeated STOP are not listed again
    assert found[(CONFIRMED, "sms")].status is Status.CONFIRMED
    stopped = found[(STOPPED, "sms")]
    assert stopped.status is Status.CHANGED_IN_REGAL
    assert stopped.regal is not None and stopped.regal.at == "2026-11-21T09:30:00.000Z"
    assert stopped.confirmed_by is not None
    waiting = found[(WAITING, "voice")]
    assert waiting.status is Status.NOT_CONFIRMED and waiting.regal is None
    assert waiting.waiting is not None and waiting.waiting < timedelta(minutes=5)
    assert waiting.ours is not None and waiting.ours.at == "2026-11-20T15:00:00.000Z"
    only = found[(REGAL_ONLY, "sms")]
    assert only.status is Status.REGAL_ONLY and only.ours is None
    assert tally(lines).problems == 1  # changed in Regal; the other waits within the grace
    assert tally(lines, timedelta(0)).problems == 2
    later = reconcile_store(ctx.store, now + timedelta(days=2))
    assert tally(later).problems == 2  # now it has waited longer than a day
    # --since keeps Regal's changes made since then, and this desk's accepted since then.
    recent = reconcile_store(ctx.store, now, parse_since("2026-11-22"))
    assert {line.status for line in recent} == {
        Status.CONFIRMED,
        Status.CHANGED_IN_REGAL,
        Status.NOT_CONFIRMED,
        Status.REGAL_ONLY,
    }
    future = reconcile_store(ctx.store, now, parse_since((now + timedelta(days=1)).isoformat()))
    assert future == []


def test_the_merged_state_picks_the_latest_by_consent_time(
    ctx: AppContext,
    sandbox: Sandbox,
) -> None:
    send(ctx, sandbox, opt_in(STOPPED, user_id="u-42"))
    ctx.store.events.add(
        [
            event(STOPPED, False, "2026-11-19T09:00:00Z"),  # older than the opt-in sent
            event(STOPPED, True, "2026-11-20T15:00:00Z", channel="voice"),  # voice, by Regal
        ],
        "test",
    )
    profile = known_profile(ctx.store, "(954) 555-0002")
    assert profile is not None
    phone = profile["traits"]["phones"][STOPPED]
    assert phone["smsOptIn"]["subscribed"] is True  # this desk's opt-in is newer
    assert phone["smsOptIn"]["text"] == "I agree to receive texts"
    assert phone["voiceOptIn"]["subscribed"] is True
    known = provenance(ctx.store, STOPPED, "sms")
    assert known is not None and known.source == THIS_DESK
    assert known.since == "2026-11-20T15:00:00.000Z"

    ctx.store.events.add([event(STOPPED, False, "2026-11-21T09:30:00Z")], "test")  # STOP
    merged = known_contact(ctx.store, "u-42")
    assert merged is not None and merged.in_directory
    sms = merged.known(STOPPED, "sms")
    assert sms is not None and sms.subscribed is False and sms.from_regal
    assert sms.source == "Regal (regalvoice.sms)" and sms.since == "2026-11-21T09:30:00.000Z"
    assert merged.profile["traits"]["phones"][STOPPED]["smsOptIn"] == {
        "subscribed": False,
        "timestamp": "2026-11-21T09:30:00.000Z",
        "source": "regalvoice.sms",
    }
    assert merged.profile["traits"]["firstName"] == "Jane"
    # The directory itself still holds what this desk sent.
    directory = ctx.store.directory.get(STOPPED)
    assert directory is not None
    assert directory["traits"]["phones"][STOPPED]["smsOptIn"]["subscribed"] is True


def test_a_contact_only_regal_mentions_is_found_by_phone_email_and_user_id(
    ctx: AppContext,
) -> None:
    assert known_profile(ctx.store, "(954) 555-0004") is None
    ctx.store.events.add(
        [
            event(REGAL_ONLY, False, "2026-11-22T08:00:00Z", user_id="r-7"),
            event(
                None,
                True,
                "2026-11-22T08:05:00Z",
                channel="email",
                email="Ann@Example.com",
                user_id="r-7",
            ),
        ],
        "test",
    )
    for key in ("(954) 555-0004", "+19545550004", "ann@example.com", "r-7"):
        found = known_contact(ctx.store, key)
        assert found is not None, key
        assert not found.in_directory
        assert found.profile["userId"] == "r-7"
        phones, emails = found.profile["traits"]["phones"], found.profile["traits"]["emails"]
        assert phones[REGAL_ONLY]["isPrimary"] is True
        assert phones[REGAL_ONLY]["smsOptIn"]["subscribed"] is False
        assert emails["ann@example.com"]["emailOptIn"]["subscribed"] is True
    lookup = known_lookup(ctx.store)
    assert lookup(f"phone:{REGAL_ONLY}") is not None
    assert lookup("phone:+19545550999") is None
