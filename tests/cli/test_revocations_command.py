"""``regal-desktop revocations`` and ``contacts retire`` against real loopback receivers:
the sandbox, and one that refuses every request (nothing is ever accepted)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from regal_desktop.cli import main
from regal_desktop.sandbox.server import Sandbox

PHONE, OTHER = "+19545582399", "+19545550100"
#: Received on Monday 2 November 2026 at 15:00 UTC: due by the end of Monday 16 November.
RECEIVED = "2026-11-02T15:00:00Z"
TENTH_DAY = datetime(2026, 11, 16, 23, 59, tzinfo=UTC)
ELEVENTH_DAY = datetime(2026, 11, 17, 0, 0, tzinfo=UTC)


class _Refusing(BaseHTTPRequestHandler):
    """Refuses every request with 400, as Regal does a body it will not take."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"message":"refused"}'
        self.send_response(400)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def refusing(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A receiver on 127.0.0.1 that refuses everything, set as the endpoint."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/events"
    monkeypatch.setenv("REGAL_ENDPOINT", url)
    monkeypatch.setenv("REGAL_API_KEY", "k")
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The sandbox receiver, set as the endpoint."""
    with Sandbox().start() as receiver:
        monkeypatch.setenv("REGAL_ENDPOINT", receiver.url)
        monkeypatch.setenv("REGAL_API_KEY", "k")
        yield receiver


def drive_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    """What "now" is for ``revocations``."""
    monkeypatch.setattr("regal_desktop.commands.revocations.local_now", lambda: now)


def opt_out_file(tmp_path: Path, timestamp: str = RECEIVED) -> Path:
    body = {
        "userId": "7",
        "traits": {
            "phones": {
                PHONE: {"smsOptIn": {"subscribed": False, "timestamp": timestamp}},
                OTHER: {
                    "voiceOptIn": {"subscribed": True, "text": "I agree", "timestamp": timestamp}
                },
            }
        },
    }
    path = tmp_path / "opt-out.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def jsonl(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_refused_opt_out_turns_overdue_after_ten_business_days(
    tmp_path: Path,
    refusing: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert main(["send", "--wait", str(opt_out_file(tmp_path))]) == 1  # rejected
    capsys.readouterr()
    drive_clock(monkeypatch, TENTH_DAY)
    assert main(["revocations", "--format", "jsonl"]) == 0
    (line,) = jsonl(capsys)
    assert line["point"] == PHONE and line["channel"] == "sms"
    assert line["received_at"] == "2026-11-02T15:00:00Z"
    assert line["accepted_at"] is None
    assert line["business_days"] == 10 and line["overdue"] is False
    assert line["state"] == "rejected"
    drive_clock(monkeypatch, ELEVENTH_DAY)
    assert main(["revocations", "--format", "jsonl"]) == 1
    (line,) = jsonl(capsys)
    assert line["business_days"] == 11 and line["overdue"] is True
    assert main(["revocations"]) == 1
    captured = capsys.readouterr()
    table = captured.out.splitlines()
    assert table[0].split()[:3] == ["Point", "Channel", "Received"]
    assert "+1 954-558-2399" in table[1] and "not yet" in table[1] and "OVERDUE" in table[1]
    assert "1 overdue" in captured.err


def test_opt_out_accepted_by_the_sandbox_is_never_overdue(
    tmp_path: Path,
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    received = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert main(["send", "--wait", str(opt_out_file(tmp_path, received))]) == 0
    capsys.readouterr()
    drive_clock(monkeypatch, datetime.now(UTC) + timedelta(days=60))
    assert main(["revocations", "--format", "jsonl"]) == 0
    (line,) = jsonl(capsys)
    assert line["accepted_at"] is not None and line["overdue"] is False
    assert line["business_days"] <= 1  # accepted the day it was received, or the next
    assert {"point", "channel", "received_at", "accepted_at", "business_days", "overdue"} <= set(
        line
    )
    assert main(["revocations", "--overdue"]) == 0
    assert "no overdue revocations" in capsys.readouterr().out


def test_no_revocations_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["revocations"]) == 0
    assert "no revocations recorded" in capsys.readouterr().out
    assert main(["revocations", "--format", "jsonl"]) == 0
    assert capsys.readouterr().out == ""


def contact_file(tmp_path: Path) -> Path:
    body = {
        "userId": "7",
        "traits": {
            "firstName": "Ann",
            "phones": {
                PHONE: {
                    "isPrimary": True,
                    "smsOptIn": {"subscribed": True, "text": "I agree", "timestamp": RECEIVED},
                },
                OTHER: {
                    "voiceOptIn": {"subscribed": True, "text": "I agree", "timestamp": RECEIVED}
                },
            },
        },
    }
    path = tmp_path / "contact.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_retire_the_primary_phone_through_the_sandbox(
    tmp_path: Path,
    sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert main(["send", "--wait", str(contact_file(tmp_path))]) == 0
    code = main(
        ["contacts", "retire", "(954) 558-2399", "--reason", "reassigned", "--send", "--wait"]
    )
    assert code == 0
    assert "+1 954-555-0100 becomes primary" in capsys.readouterr().err
    sent = json.loads(sandbox.received[-1].body)
    phones = sent["traits"]["phones"]
    assert phones[OTHER] == {"isPrimary": True}
    for channel in ("voiceOptIn", "smsOptIn"):
        assert phones[PHONE][channel]["subscribed"] is False
        assert phones[PHONE][channel]["source"] == "regal-desktop: retired"
        assert phones[PHONE][channel]["timestamp"]
    assert "reassigned" not in sandbox.received[-1].body
    assert main(["contacts", "show", PHONE]) == 0
    profile = json.loads(capsys.readouterr().out)
    assert profile["traits"]["phones"][OTHER]["isPrimary"] is True
    assert profile["traits"]["phones"][PHONE]["isPrimary"] is False
    drive_clock(monkeypatch, datetime.now(UTC) + timedelta(days=30))
    assert main(["revocations", "--format", "jsonl"]) == 0
    lines = jsonl(capsys)
    assert {(line["point"], line["channel"]) for line in lines} >= {(PHONE, "voice")}
    assert all(line["accepted_at"] and not line["overdue"] for line in lines)


def test_retire_refused_by_the_receiver_is_overdue_after_ten_business_days(
    refusing: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = main(
        ["contacts", "retire", "jane@example.com", "--reason", "bounces", "--send", "--wait"]
    )
    assert code == 1  # refused: nothing accepted
    capsys.readouterr()
    drive_clock(monkeypatch, datetime.now(UTC) + timedelta(days=3))
    assert main(["revocations", "--format", "jsonl"]) == 0
    (line,) = jsonl(capsys)
    assert (line["point"], line["channel"], line["overdue"]) == ("jane@example.com", "email", False)
    assert line["method"] == "agent" and line["reason"] == "bounces"
    drive_clock(monkeypatch, datetime.now(UTC) + timedelta(days=21))  # 15 business days
    assert main(["revocations", "--format", "jsonl", "--overdue"]) == 1
    (line,) = jsonl(capsys)
    assert line["overdue"] is True and line["accepted_at"] is None and line["business_days"] > 10


def test_retire_out_writes_the_body_and_queues_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "retire.json"
    assert main(["contacts", "retire", "954.558.2399", "--reason", "gone", "--out", str(out)]) == 0
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["traits"]["phones"][PHONE]["smsOptIn"]["subscribed"] is False
    assert "nothing was sent" in capsys.readouterr().err
    assert main(["contacts", "retire", PHONE, "--reason", "gone"]) == 0
    captured = capsys.readouterr()
    printed = json.loads(captured.out)["traits"]["phones"][PHONE]
    assert set(printed) == {"voiceOptIn", "smsOptIn"}
    assert all(printed[channel]["subscribed"] is False for channel in printed)
    assert "nothing was sent" in captured.err
    assert main(["outbox", "list"]) == 0
    assert "the outbox is empty" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contacts", "retire", "12", "--reason", "x"], "cannot retire '12'"),
        (["contacts", "retire", "ann@", "--reason", "x"], "not a valid e-mail address"),
        (["contacts", "retire", PHONE, "--reason", " "], "say why"),
        (["contacts", "retire", PHONE, "--reason", "x", "--wait"], "go with --send"),
    ],
)
def test_retire_says_what_is_wrong(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_retire_without_reason_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["contacts", "retire", PHONE])
    assert exit_.value.code == 2
    assert "--reason" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime is not installed")
def test_revocations_under_faketime(
    tmp_path: Path, refusing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["send", "--wait", str(opt_out_file(tmp_path))]) == 1
    command = [sys.executable, "-m", "regal_desktop", "revocations", "--format", "jsonl"]
    env = {**os.environ, "TZ": "UTC"}

    def at(moment: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["faketime", moment, *command], capture_output=True, text=True, env=env, timeout=60
        )

    friday = at("2026-11-13 12:00:00")  # the 9th business day
    assert friday.returncode == 0, friday.stderr
    assert json.loads(friday.stdout)["business_days"] == 9
    tuesday = at("2026-11-17 09:00:00")  # the 11th
    assert tuesday.returncode == 1, tuesday.stderr
    line = json.loads(tuesday.stdout)
    assert line["business_days"] == 11 and line["overdue"] is True
