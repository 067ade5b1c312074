"""The Segment account kind and its route: stored like any account, checked before queueing,
queued with its route, previewed as the Segment calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from regal_desktop.context import open_context
from regal_desktop.domain.check import check
from regal_desktop.domain.segment import SEGMENT_ENDPOINT, SEGMENT_EU_ENDPOINT
from regal_desktop.services.accounts import (
    AccountProfile,
    Destination,
    default_rate,
    profile_message,
)
from regal_desktop.services.routes import (
    PREVIEW_MESSAGE_ID,
    PREVIEW_TIMESTAMP,
    route_findings,
    route_of,
    route_preview,
    with_route,
)
from regal_desktop.services.sending import NotSendableError, Prepared, queue, queue_stream
from regal_desktop.store import open_store
from regal_desktop.store.settings import PROFILES

NUMBER = "+19545582399"
CONSENT = {
    "subscribed": True,
    "timestamp": "2020-08-25T21:23:43Z",
    "ip": "172.16.254.1",
    "text": "I agree to receive marketing texts",
}
GOOD = {"userId": "u-1", "traits": {"phones": {NUMBER: {"isPrimary": True, "smsOptIn": CONSENT}}}}
NO_IP = {
    "userId": "u-2",
    "traits": {"phones": {NUMBER: {"isPrimary": True, "smsOptIn": {**CONSENT, "ip": None}}}},
}
SEGMENT = AccountProfile(name="seg", kind="segment", endpoint=SEGMENT_ENDPOINT, rate=1000)
REGAL = AccountProfile(name="main")


def test_old_settings_without_a_kind_load_as_regal_accounts() -> None:
    ctx = open_context()
    try:
        ctx.store.settings.write(
            PROFILES, [{"name": "old", "endpoint": "https://events.regalvoice.com/events"}]
        )
        ctx.accounts.save(SEGMENT)
        old, seg = ctx.accounts.get("old"), ctx.accounts.get("seg")
    finally:
        ctx.close()
    assert (old.kind, old.is_segment, old.kind_word) == ("regal", False, "Regal")
    assert (seg.kind, seg.endpoint, seg.rate, seg.kind_word) == (
        "segment",
        SEGMENT_ENDPOINT,
        1000,
        "Segment",
    )


def test_a_segment_account_is_capped_at_segments_rate_on_segments_hosts() -> None:
    with pytest.raises(ValidationError) as caught:
        AccountProfile(name="seg", kind="segment", endpoint=SEGMENT_ENDPOINT, rate=1500)
    assert profile_message(caught.value) == (
        "rate 1500 is more than the 1000 requests per second Segment asks of a source; give "
        "1000 or less"
    )
    local = AccountProfile(name="t", kind="segment", endpoint="http://127.0.0.1:9/v1", rate=5000)
    assert local.rate == 5000  # a test server on this computer may go faster
    assert default_rate("segment") == 1000 and default_rate("regal") == 290


def test_a_saved_rate_over_the_cap_is_brought_within_it() -> None:
    ctx = open_context()
    try:
        entry = {"name": "seg", "kind": "segment", "endpoint": SEGMENT_ENDPOINT, "rate": 9000}
        ctx.store.settings.write(PROFILES, [entry])
        assert ctx.accounts.get("seg").rate == 1000
    finally:
        ctx.close()


def test_the_batch_path_is_left_to_the_sender() -> None:
    for given in (
        f"{SEGMENT_ENDPOINT}/batch",
        f"{SEGMENT_ENDPOINT}/batch/",
        f"{SEGMENT_ENDPOINT}/",
    ):
        profile = AccountProfile(name="seg", kind="segment", endpoint=given)
        assert profile.endpoint == SEGMENT_ENDPOINT


def test_the_eu_endpoint_is_allowed_but_warned_about() -> None:
    eu = AccountProfile(name="eu", kind="segment", endpoint=SEGMENT_EU_ENDPOINT)
    assert eu.warning is not None
    assert eu.warning.startswith("this is Segment's EU endpoint, but Regal's Segment destination")
    assert "US only" in eu.warning
    assert SEGMENT.warning is None
    proxy = AccountProfile(name="p", kind="segment", endpoint="https://seg.example.com/v1")
    assert proxy.warning is not None and "not Segment's own host" in proxy.warning


def test_route_findings_apply_to_a_segment_account_only() -> None:
    checked = check(NO_IP)
    assert checked.sendable  # Regal takes an opt-in without an IP
    assert route_findings(REGAL, checked) == [] == route_findings(None, checked)
    routed = with_route(SEGMENT, checked)
    assert not routed.sendable
    assert routed.body == checked.body and routed.text == checked.text
    assert str(routed.errors[0]).startswith(
        f'error: traits.phones["{NUMBER}"].smsOptIn: SMS opt-in for +1 954-558-2399 has no ip'
    )
    assert with_route(REGAL, checked) is checked
    assert (route_of(SEGMENT), route_of(REGAL), route_of(None)) == ("segment", "regal", "regal")


def test_the_preview_of_a_segment_account_is_the_batch_of_calls() -> None:
    checked = check(GOOD)
    assert route_preview(REGAL, checked) == checked.text
    batch = json.loads(route_preview(SEGMENT, checked))
    (identify,) = batch["batch"]
    assert identify["messageId"] == f"{PREVIEW_MESSAGE_ID}-identify"
    assert identify["timestamp"] == PREVIEW_TIMESTAMP
    assert identify["traits"]["optIn"] == [{"channel": "sms", **CONSENT}]


def test_queue_refuses_a_route_error_and_records_the_route(tmp_path: Path) -> None:
    store = open_store(tmp_path / "desk.db")
    try:
        seg = Destination(SEGMENT, "wk")
        with pytest.raises(NotSendableError, match="1 payload"):
            queue(store, [Prepared("a", check(GOOD)), Prepared("b", check(NO_IP))], seg, "me")
        with pytest.raises(NotSendableError, match="b has errors"):
            queue_stream(store, iter([Prepared("b", check(NO_IP))]), seg, "me")
        assert store.outbox.pending("seg") == []
        (request_id,) = queue(store, [Prepared("a", check(GOOD))], seg, "me")
        (regal_id,) = queue(store, [Prepared("b", check(NO_IP))], Destination(REGAL, "k"), "me")
        row, regal_row = store.outbox.get(request_id), store.outbox.get(regal_id)
    finally:
        store.close()
    assert row is not None and regal_row is not None
    assert row.route == "segment" and row.message_id
    assert json.loads(row.body) == check(GOOD).body  # the outbox keeps Regal's body
    assert regal_row.route == "regal" and regal_row.message_id is None
