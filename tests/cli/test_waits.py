"""How long the command line waits: an account's timeout and longest wait, ``--wait
--timeout``, what ``--wait`` says it waits for, and ``outbox retry`` of a waiting request."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.delivery.waits import DEFAULT_MAX_WAIT, DEFAULT_TIMEOUT
from regal_desktop.paths import app_paths
from regal_desktop.sandbox import Faults, Sandbox

REGAL = "https://events.regalvoice.com/events"


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_profile_add_keeps_the_timeout_and_the_longest_wait(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["profile", "add", "prod", "--endpoint", REGAL]) == 0
    assert main(["profile", "add", "slow", "--endpoint", REGAL, "--timeout", "120"]) == 0
    assert main(["profile", "add", "brief", "--endpoint", REGAL, "--max-wait", "90"]) == 0
    capsys.readouterr()
    assert main(["profile", "list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert f"timeout {DEFAULT_TIMEOUT:g} s, waits {DEFAULT_MAX_WAIT:g} s at most" in lines["prod"]
    assert "timeout 120 s," in lines["slow"]
    assert "waits 90 s at most" in lines["brief"]


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--timeout", "0", "the timeout must be 1 to 600 seconds, not 0"),
        ("--timeout", "inf", "the timeout must be 1 to 600 seconds, not inf"),
        ("--timeout", "nan", "the timeout must be 1 to 600 seconds, not nan"),
        ("--max-wait", "1e400", "the longest wait before a retry must be 1 to 86400 seconds"),
        ("--max-wait", "-5", "the longest wait before a retry must be 1 to 86400 seconds"),
    ],
)
def test_profile_add_refuses_a_wait_that_cannot_work_in_one_line(
    option: str, value: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profile", "add", "prod", "--endpoint", REGAL, option, value]) == 2
    assert words in one_line(capsys.readouterr().err)
    assert main(["profile", "list"]) == 0
    assert "prod" not in capsys.readouterr().out


def next_attempts() -> list[float]:
    with closing(sqlite3.connect(app_paths().database)) as conn:
        return [row[0] for row in conn.execute("SELECT next_attempt_at FROM requests")]


def test_wait_says_what_it_waits_for_gives_up_at_the_timeout_and_retry_sends_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = tmp_path / "p.json"
    payload.write_text('{"userId": "u-1"}', encoding="utf-8")
    throttled = Faults(throttle_rate=1.0, retry_after="100000")
    with Sandbox(faults=throttled) as sandbox:
        assert main(["profile", "add", "loop", "--endpoint", sandbox.url]) == 0
        capsys.readouterr()

        code = main(["send", "--wait", "--timeout", "1", "--profile", "loop", str(payload)])

        err = capsys.readouterr().err
        assert code == 1, err
        assert "Traceback" not in err
        # Parked for the account's longest wait (an hour), not 27.8 hours, and it says so.
        assert "waiting: 1 request(s) of profile loop wait for a retry, the next at" in err
        assert "(in 60 min) after HTTP 429: Too Many Requests" in err
        assert "gave up waiting after 1 s; 1 request(s) of profile loop stay queued" in err
        [due] = next_attempts()
        assert due > 0

        sandbox.faults = Faults()  # the receiver takes requests again
        assert main(["outbox", "retry", "1"]) == 0
        assert next_attempts() == [0]
        assert main(["outbox", "flush", "--wait", "--profile", "loop"]) == 0
        assert sandbox.accepted_count == 1


def test_wait_timeout_must_be_a_positive_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = tmp_path / "p.json"
    payload.write_text('{"userId": "u-1"}', encoding="utf-8")
    for value in ("0", "-1", "inf", "soon"):
        with pytest.raises(SystemExit) as exited:
            main(["send", "--wait", "--timeout", value, str(payload)])
        assert exited.value.code == 2
        assert "is not a positive number of seconds" in capsys.readouterr().err
    assert main(["outbox", "list"]) == 0
    assert "the outbox is empty" in capsys.readouterr().out
