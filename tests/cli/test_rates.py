"""``profile add --rate`` and ``send --rate``: refused in one line when out of bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from regal_desktop.cli import main

REGAL = "https://events.regalvoice.com/events"


@pytest.mark.parametrize(
    ("rate", "words"),
    [
        ("2000", "rate 2000 is more than the 300 requests per second Regal allows an account"),
        ("0.5", "rate 0.5 is less than 1 request per second"),
    ],
)
def test_profile_add_refuses_the_rate_in_one_line(
    rate: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profile", "add", "prod", "--endpoint", REGAL, "--rate", rate]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"regal-desktop: {words}") and err.count("\n") == 1
    assert main(["profile", "list"]) == 0
    assert "prod" not in capsys.readouterr().out


def test_send_rate_below_one_is_refused_before_anything_is_queued(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = tmp_path / "p.json"
    payload.write_text('{"userId": "1"}', encoding="utf-8")
    assert main(["send", "--rate", "0.5", str(payload)]) == 2
    err = capsys.readouterr().err
    assert "rate 0.5 is less than 1 request per second" in err and "Traceback" not in err
    assert main(["outbox", "list"]) == 0
    assert "the outbox is empty" in capsys.readouterr().out
