"""``profile add --segment``, and ``send``/``validate``/``import`` for a Segment account:
what the destination would ignore is refused before anything is queued."""

from __future__ import annotations

import csv as csv_module
import json
from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.domain.segment import LIBRARY
from tests.helpers.segment import LEGACY_ID, LEGACY_TRAITS, NO_IP, NUMBER, opted_in
from tests.helpers.servers import SegmentServer, segment_server

__all__ = ["segment_server"]  # the fixture, for pytest

PAYLOADS = Path(__file__).parent.parent / "data" / "payloads"
#: A loopback endpoint: no key needed, and nothing listens there (nothing must be sent).
LOOPBACK = "http://127.0.0.1:9/v1"


def write(path: Path, body: dict[str, object]) -> Path:
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_profile_add_segment_uses_segments_endpoint_and_rate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["profile", "add", "seg", "--segment"]) == 0
    out, err = capsys.readouterr()
    assert out == "profile seg saved (Segment) (production)\n"
    assert err == ""
    assert main(["profile", "list"]) == 0
    listed = capsys.readouterr().out
    line = next(line for line in listed.splitlines() if line.startswith("seg "))
    assert line.split()[:4] == ["seg", "Segment", "https://api.segment.io/v1", "1000/s"]
    assert listed.splitlines()[0].split()[:2] == ["sandbox", "Regal"]
    assert main(["profile", "show", "seg"]) == 0
    shown = capsys.readouterr().out
    assert "kind:         Segment (route: segment)\n" in shown
    assert "endpoint:     https://api.segment.io/v1\n" in shown
    assert "write key:    not set\n" in shown
    assert "warning" not in shown


def test_profile_add_segment_on_the_eu_endpoint_is_saved_with_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    eu = "https://events.eu1.segmentapis.com/v1"
    assert main(["profile", "add", "eu", "--segment", "--endpoint", eu]) == 0
    err = capsys.readouterr().err
    assert err.startswith("regal-desktop: warning: this is Segment's EU endpoint, but Regal's")
    assert "available in the US only" in err
    assert main(["profile", "show", "eu"]) == 0
    assert "warning:      this is Segment's EU endpoint" in capsys.readouterr().out


def test_profile_add_segment_refuses_more_than_segments_rate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["profile", "add", "seg", "--segment", "--rate", "2000"]) == 2
    assert "more than the 1000 requests per second Segment asks" in capsys.readouterr().err
    assert main(["profile", "show", "seg"]) == 2


def test_a_regal_account_still_needs_its_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "add", "main"]) == 2
    assert "a Regal account needs --endpoint" in capsys.readouterr().err


def test_send_to_segment_with_an_opt_in_without_ip_exits_1_and_queues_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profile", "add", "seg", "--segment", "--endpoint", LOOPBACK]) == 0
    good = write(tmp_path / "good.json", opted_in("1"))
    bad = write(tmp_path / "bad.json", opted_in("2", NO_IP))
    capsys.readouterr()
    assert main(["send", "--profile", "seg", str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == (
        f'{bad}: error: traits.phones["{NUMBER}"].smsOptIn: SMS opt-in for +1 954-558-2399 '
        "has no ip: Regal's Segment destination requires the IP address consent was given "
        "from when opting in from a server\n"
    )
    assert "nothing was queued" in err
    assert main(["outbox", "list"]) == 0
    assert "the outbox is empty" in capsys.readouterr().out


def test_the_same_payload_goes_to_a_regal_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path / "bad.json", opted_in("2", NO_IP))
    assert main(["validate", str(bad)]) == 0
    assert main(["validate", "--profile", "sandbox", str(bad)]) == 0


def test_validate_print_shows_the_segment_calls(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "add", "seg", "--segment"]) == 0
    capsys.readouterr()
    legacy = PAYLOADS / "segment-legacy-identify.json"
    assert main(["validate", "--profile", "seg", "--print", str(legacy)]) == 0
    out, err = capsys.readouterr()
    assert err == (
        "regal-desktop: Segment calls, as posted to /batch: message ids and times are set "
        "when the request is queued (profile seg)\n"
    )
    assert json.loads(out) == {
        "batch": [
            {
                "type": "identify",
                "anonymousId": LEGACY_ID,
                "traits": LEGACY_TRAITS,
                "messageId": "(assigned when queued)-identify",
                "timestamp": "(the time it is queued)",
                "context": {"library": dict(LIBRARY)},
            }
        ]
    }
    # The same file for the sandbox (a Regal account): the body itself.
    assert main(["validate", "--profile", "sandbox", "--print", str(legacy)]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["traits"]["phones"]["+19175554444"]["isPrimary"] is True


def test_validate_for_segment_lists_the_routes_findings_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["profile", "add", "seg", "--segment"]) == 0
    capsys.readouterr()
    phones = PAYLOADS / "update-primary.json"
    assert main(["validate", "--profile", "seg", str(phones)]) == 1
    out = capsys.readouterr().out
    assert "has no timestamp: Regal's Segment destination ignores an opt-in without one" in out
    assert ": is not sent: through Segment only the primary phone reaches Regal" in out


def test_validate_names_an_unknown_profile(capsys: pytest.CaptureFixture[str]) -> None:
    legacy = PAYLOADS / "segment-legacy-identify.json"
    assert main(["validate", "--profile", "nope", str(legacy)]) == 2
    assert "no profile called 'nope'" in capsys.readouterr().err


def test_import_send_to_segment_rejects_each_row_the_route_cannot_carry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], segment_server: SegmentServer
) -> None:
    assert main(["profile", "add", "seg", "--segment", "--endpoint", segment_server.url]) == 0
    csv = tmp_path / "rows.csv"
    csv.write_text(
        "userId,phone,smsOptIn,optInTimestamp,optInIp,optInText\n"
        "u-1,+19545582399,true,2020-08-25T21:23:43Z,172.16.254.1,I agree\n"
        "u-2,+19545582398,true,2020-08-25T21:23:43Z,,I agree\n"
        "u-3,+19545582397,true,,172.16.254.1,I agree\n",
        encoding="utf-8",
    )
    rejected = tmp_path / "rejected.csv"
    capsys.readouterr()
    command = ["import", str(csv), "--send", "--profile", "seg", "--wait"]
    assert main([*command, "--rejected", str(rejected)]) == 1
    err = capsys.readouterr().err
    # Each row with its line and the finding in words, like any rejected row.
    assert (
        f"{csv}:3: SMS opt-in for +1 954-558-2398 has no ip: Regal's Segment destination "
        "requires the IP address consent was given from when opting in from a server\n"
    ) in err
    assert (
        f"{csv}:4: SMS consent for +1 954-558-2397 has no timestamp: Regal's Segment "
        "destination ignores an opt-in without one; give the moment consent was given\n"
    ) in err
    assert f"{csv}:2:" not in err
    assert "3 rows: 1 good (1 with warnings), 2 rejected, 0 empty (skipped)" in err
    assert "queued 1 request(s) for profile seg" in err
    # The good row went through Segment; the others never left the desk.
    [post] = segment_server.batches()
    assert [(m["type"], m["userId"]) for m in post.body["batch"]] == [("identify", "u-1")]
    with rejected.open(encoding="utf-8", newline="") as saved:
        rows = list(csv_module.DictReader(saved))
    assert [(row["line"], row["userId"]) for row in rows] == [("3", "u-2"), ("4", "u-3")]
    assert "has no ip" in rows[0]["reason"] and "has no timestamp" in rows[1]["reason"]
    # The evidence names the route, the message id Segment saw and the batch.
    assert main(["history", "export", "--format", "jsonl", "-"]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (record["point"], record["state"], record["route"]) == (NUMBER, "delivered", "segment")
    assert post.message_ids == [f"{record['message_id']}-identify"]
    assert record["batch"]
