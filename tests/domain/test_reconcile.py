"""Reconciling changes sent with Regal's events, and the latest known state (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from regal_desktop.domain.reconcile import (
    THIS_DESK,
    Line,
    Reported,
    Sent,
    Status,
    consent_moment,
    latest_known,
    problems_first,
    reconcile,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PHONE = "+19545552399"


def at(hour: int, day: int = 25) -> str:
    return f"2026-11-{day:02d}T{hour:02d}:00:00.000Z"


def sent(subscribed: bool, hour: int, *, channel: str = "sms", restatement: bool = False) -> Sent:
    return Sent(
        point=PHONE,
        channel=channel,
        subscribed=subscribed,
        at=at(hour),
        accepted_at=at(hour),
        request_id=hour,
        restatement=restatement,
    )


def reported(subscribed: bool, hour: int, *, channel: str = "sms", ident: str = "") -> Reported:
    return Reported(
        point=PHONE,
        channel=channel,
        subscribed=subscribed,
        at=at(hour),
        identity=ident or f"evt-{hour}-{subscribed}",
        source="regalvoice.sms",
    )


def statuses(lines: list[Line]) -> list[tuple[str, bool | None, bool | None]]:
    return [
        (
            line.status.value,
            line.ours.subscribed if line.ours else None,
            line.regal.subscribed if line.regal else None,
        )
        for line in lines
    ]


def test_a_change_is_confirmed_by_a_later_event_with_the_same_state() -> None:
    lines = reconcile([sent(True, 1)], [reported(True, 2), reported(True, 3)], NOW)
    assert statuses(lines) == [("confirmed", True, True)]  # the echo is not listed again
    assert lines[0].regal is not None and lines[0].regal.at == at(2)


def test_an_event_at_the_consent_time_confirms_but_an_older_one_does_not() -> None:
    assert statuses(reconcile([sent(True, 5)], [reported(True, 5)], NOW)) == [
        ("confirmed", True, True)
    ]
    older = reconcile([sent(False, 5)], [reported(False, 4)], NOW)
    assert statuses(older) == [("regal-only", None, False), ("not-confirmed", False, None)]


def test_not_confirmed_says_how_long_since_regal_accepted_it() -> None:
    (line,) = reconcile([sent(True, 1)], [], NOW)
    assert line.status is Status.NOT_CONFIRMED
    assert line.waiting == timedelta(hours=11)
    assert not line.problem(timedelta(hours=24))
    assert line.problem(timedelta(hours=10))


def test_a_stop_after_an_opt_in_is_changed_in_regal_even_after_a_confirmation() -> None:
    lines = reconcile([sent(True, 1)], [reported(True, 2), reported(False, 3)], NOW)
    assert statuses(lines) == [("changed-in-regal", True, False)]
    assert lines[0].confirmed_by is not None and lines[0].confirmed_by.at == at(2)
    assert lines[0].problem()


def test_regal_only_changes_are_listed_once_per_change() -> None:
    events = [reported(False, 1), reported(False, 2, ident="again"), reported(True, 3)]
    assert statuses(reconcile([], events, NOW)) == [
        ("regal-only", None, False),
        ("regal-only", None, True),
    ]


def test_each_change_sent_is_judged_against_the_events_before_the_next() -> None:
    lines = reconcile(
        [sent(True, 1), sent(False, 4)],
        [reported(True, 2), reported(False, 5), reported(True, 6)],
        NOW,
    )
    assert statuses(lines) == [
        ("confirmed", True, True),
        ("changed-in-regal", False, True),
    ]


def test_a_change_not_confirmed_before_the_next_one_is_superseded_not_a_problem() -> None:
    lines = reconcile([sent(True, 1), sent(False, 2)], [reported(False, 3)], NOW)
    assert statuses(lines) == [("not-confirmed", True, None), ("confirmed", False, False)]
    assert lines[0].superseded and not lines[0].problem(timedelta(0))
    assert lines[0].to_json()["superseded"] is True
    (waiting,) = reconcile([sent(True, 1)], [], NOW)
    assert not waiting.superseded and waiting.problem(timedelta(0))


def test_after_changed_in_regal_a_further_regal_change_is_regal_only() -> None:
    lines = reconcile(
        [sent(True, 1)], [reported(False, 2), reported(False, 3), reported(True, 4)], NOW
    )
    assert statuses(lines) == [("changed-in-regal", True, False), ("regal-only", None, True)]


def test_a_restatement_is_listed_only_when_it_changed_what_regal_reported() -> None:
    again = sent(True, 3, restatement=True)
    assert statuses(reconcile([sent(True, 1), again], [reported(True, 2)], NOW)) == [
        ("confirmed", True, True)
    ]
    # The desk thought it subscribed; Regal said STOP; the desk's "restatement" re-subscribed.
    lines = reconcile([sent(True, 1), again], [reported(False, 2)], NOW)
    assert statuses(lines) == [
        ("changed-in-regal", True, False),
        ("not-confirmed", True, None),
    ]


def test_channels_and_points_are_reconciled_apart() -> None:
    lines = reconcile(
        [sent(True, 1, channel="voice"), sent(True, 1, channel="sms")],
        [reported(False, 2, channel="voice")],
        NOW,
    )
    by_channel = {line.channel: line.status for line in lines}
    assert by_channel == {"voice": Status.CHANGED_IN_REGAL, "sms": Status.NOT_CONFIRMED}


def test_problems_come_first() -> None:
    lines = reconcile(
        [sent(True, 1, channel="voice"), sent(True, 1, channel="sms")],
        [reported(True, 2, channel="voice"), reported(False, 2, channel="sms")],
        NOW + timedelta(days=3),
    )
    assert [line.status for line in problems_first(lines)] == [
        Status.CHANGED_IN_REGAL,
        Status.CONFIRMED,
    ]


def test_jsonl_objects_hold_point_channel_status_ours_and_regal() -> None:
    (line,) = reconcile([], [reported(False, 2)], NOW)
    record = line.to_json()
    assert record["point"] == PHONE and record["channel"] == "sms"
    assert record["status"] == "regal-only" and record["ours"] is None
    assert record["regal"]["subscribed"] is False
    assert record["regal"]["source"] == "regalvoice.sms"


def test_consent_times_in_any_form_become_stored_utc() -> None:
    assert consent_moment("2026-11-25T09:12:28-05:00") == "2026-11-25T14:12:28.000Z"
    assert consent_moment("2026-11-25 14:12:28") == "2026-11-25T14:12:28.000Z"
    assert consent_moment("yesterday") is None
    assert consent_moment(None) is None


def test_latest_known_picks_the_latest_by_consent_time() -> None:
    opt_in = {"subscribed": True, "timestamp": "2026-11-25T01:00:00Z", "text": "Yes"}
    later = latest_known(at(1), opt_in, [reported(False, 2)])
    assert later is not None and later.subscribed is False and later.from_regal
    assert later.source == "Regal (regalvoice.sms)" and later.since == at(2)
    assert later.opt_in == {
        "subscribed": False,
        "timestamp": at(2),
        "source": "regalvoice.sms",
    }
    earlier = latest_known(at(3), opt_in, [reported(False, 2)])
    assert earlier is not None and earlier.subscribed is True
    assert earlier.source == THIS_DESK and earlier.opt_in == opt_in and not earlier.confirmed


def test_latest_known_keeps_this_desks_words_when_regal_only_repeats_them() -> None:
    opt_in = {"subscribed": True, "text": "Yes"}
    known = latest_known(at(1), opt_in, [reported(True, 2)])
    assert known is not None and known.source == THIS_DESK and known.confirmed
    assert known.opt_in == opt_in and known.since == at(1)
    assert latest_known(None, None, []) is None
