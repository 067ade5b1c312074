"""The Segment account kind and its route: stored like any account, checked before queueing,
queued with its route, previewed as the Segment calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from regal_desktop.context import open_context
from regal_desktop.delivery.segment import sender_for
from regal_desktop.delivery.sender import DeliveryTarget
from regal_desktop.domain.check import check
from regal_desktop.domain.segment import SEGMENT_ENDPOINT, SEGMENT_EU_ENDPOINT
from regal_desktop.services import requests
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
from tests.helpers.segment import CONSENT, NO_IP, NUMBER, SEGMENT, opted_in
from tests.helpers.servers import SegmentServer, segment_server

__all__ = ["segment_server"]  # the fixture, for pytest

GOOD = opted_in("u-1")
WITHOUT_IP = opted_in("u-2", NO_IP)
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
    checked = check(WITHOUT_IP)
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
            queue(store, [Prepared("a", check(GOOD)), Prepared("b", check(WITHOUT_IP))], seg, "me")
        with pytest.raises(NotSendableError, match="b has errors"):
            queue_stream(store, iter([Prepared("b", check(WITHOUT_IP))]), seg, "me")
        assert store.outbox.pending("seg") == []
        (request_id,) = queue(store, [Prepared("a", check(GOOD))], seg, "me")
        regal = Destination(REGAL, "k")
        (regal_id,) = queue(store, [Prepared("b", check(WITHOUT_IP))], regal, "me")
        row, regal_row = store.outbox.get(request_id), store.outbox.get(regal_id)
    finally:
        store.close()
    assert row is not None and regal_row is not None
    assert row.route == "segment" and row.message_id
    assert json.loads(row.body) == check(GOOD).body  # the outbox keeps Regal's body
    assert regal_row.route == "regal" and regal_row.message_id is None


def test_fixing_a_rejected_segment_request_runs_the_routes_checks_again(
    tmp_path: Path, segment_server: SegmentServer
) -> None:
    db_path = tmp_path / "desk.db"
    seg = Destination(AccountProfile(name="seg", kind="segment", endpoint=segment_server.url), None)
    with open_store(db_path) as store:
        (rejected,) = queue(store, [Prepared("a", check(GOOD))], seg, "me")
    segment_server.answer(400, {"success": False, "message": "invalid batch"})
    target = DeliveryTarget("seg", segment_server.url, None, route="segment")
    sender_for(db_path, target).run_sync()

    with open_store(db_path) as store:
        assert store.outbox.get(rejected).state == "rejected"  # type: ignore[union-attr]
        with pytest.raises(ValueError) as refused:
            requests.replace(store, rejected, check(WITHOUT_IP).text)
        assert str(refused.value) == (
            f"the fix of request {rejected} goes through Segment: SMS opt-in for "
            "+1 954-558-2399 has no ip: Regal's Segment destination requires the IP address "
            "consent was given from when opting in from a server"
        )
        assert [r.id for r in store.outbox.pending("seg")] == [rejected]  # nothing queued
        fixed = requests.replace(store, rejected, check(opted_in("u-9")).text)
        row = store.outbox.get(fixed)
    assert row is not None and row.route == "segment" and row.origin == f"fix:{rejected}"


def test_a_regal_request_is_fixed_without_the_segment_checks(tmp_path: Path) -> None:
    with open_store(tmp_path / "desk.db") as store:
        (queued,) = queue(store, [Prepared("a", check(GOOD))], Destination(REGAL, "k"), "me")
        fixed = requests.replace(store, queued, check(WITHOUT_IP).text)
        assert store.outbox.get(fixed).route == "regal"  # type: ignore[union-attr]
