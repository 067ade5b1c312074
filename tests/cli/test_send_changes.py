"""Send what changed: a consent object equal to what the directory knows is left out of
the body, ``--restate`` sends it as a restatement, and the evidence counts changes only.
Against a real loopback receiver (the sandbox), through ``regal-desktop`` itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regal_desktop.cli import main
from regal_desktop.sandbox.server import Sandbox

CONTACT: dict[str, Any] = {
    "userId": "c-77",
    "traits": {
        "firstName": "Ana",
        "lastName": "Silva",
        "phones": {
            "+19545552399": {
                "label": "Mobile",
                "isPrimary": True,
                "voiceOptIn": {
                    "subscribed": True,
                    "timestamp": "2026-11-02T09:12:28-05:00",
                    "text": "I agree to calls from Acme",
                    "ip": "203.0.113.7",
                    "source": "web form",
                },
                "smsOptIn": {"subscribed": False, "timestamp": "2026-11-20T10:00:00Z"},
            }
        },
    },
}


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A loopback receiver the default profile sends to."""
    with Sandbox().start() as receiver:
        monkeypatch.setenv("REGAL_ENDPOINT", receiver.url)
        monkeypatch.setenv("REGAL_API_KEY", "test-key")
        yield receiver


def _write(path: Path, body: dict[str, Any]) -> Path:
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def _renamed(last_name: str, *, sms_time: str | None = None) -> dict[str, Any]:
    body = json.loads(json.dumps(CONTACT))
    body["traits"]["lastName"] = last_name
    if sms_time is not None:
        body["traits"]["phones"]["+19545552399"]["smsOptIn"]["timestamp"] = sms_time
    return body


def _bodies(receiver: Sandbox) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in receiver.received]


def _export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    out = tmp_path / "evidence.jsonl"
    assert main(["history", "export", "--format", "jsonl", str(out)]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_second_send_with_only_a_new_name_carries_no_consent(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["send", "--wait", str(_write(tmp_path / "1.json", CONTACT))]) == 0
    # The same consent, its time written another way: the same moment, so unchanged.
    again = _renamed("Silva-Reyes", sms_time="2026-11-20T05:00:00-05:00")
    assert main(["send", "--wait", str(_write(tmp_path / "2.json", again))]) == 0
    first, second = _bodies(sandbox)
    assert "smsOptIn" in first["traits"]["phones"]["+19545552399"]
    phone = second["traits"]["phones"]["+19545552399"]
    assert phone == {"label": "Mobile", "isPrimary": True}
    assert second["traits"]["lastName"] == "Silva-Reyes"
    rows = _export(tmp_path, capsys)
    assert [(r["point"], r["channel"], r["change"], r["was"]) for r in rows] == [
        ("+19545552399", "voice", "change", None),
        ("+19545552399", "sms", "change", None),
    ]
    # An opt-out from a file was received when its consent time says.
    assert rows[1]["received_at"] == "2026-11-20T10:00:00.000Z"
    assert rows[0]["received_at"] is None


def test_restate_sends_consent_as_written_and_lists_it_as_a_restatement(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["send", "--wait", str(_write(tmp_path / "1.json", CONTACT))]) == 0
    again = _write(tmp_path / "2.json", _renamed("Silva-Reyes"))
    assert main(["send", "--wait", "--restate", str(again)]) == 0
    second = _bodies(sandbox)[1]
    assert second["traits"]["phones"]["+19545552399"] == CONTACT["traits"]["phones"]["+19545552399"]
    rows = _export(tmp_path, capsys)
    assert [(r["channel"], r["change"], r["was"]) for r in rows] == [
        ("voice", "change", None),
        ("sms", "change", None),
        ("voice", "restatement", True),
        ("sms", "restatement", False),
    ]
    assert main(["history", "list"]) == 0
    newest = capsys.readouterr().out.splitlines()[0]
    assert newest.endswith(
        "Voice opt-in restated for +1 954-555-2399; SMS opt-out restated for +1 954-555-2399"
    )


def test_a_changed_consent_is_sent_and_counted_with_what_was_known(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["send", "--wait", str(_write(tmp_path / "1.json", CONTACT))]) == 0
    again = _renamed("Silva")
    again["traits"]["phones"]["+19545552399"]["smsOptIn"] = {
        "subscribed": True,
        "timestamp": "2026-11-26T10:00:00Z",
        "text": "Texts from Acme, reply STOP to end",
    }
    assert main(["send", "--wait", str(_write(tmp_path / "2.json", again))]) == 0
    phone = _bodies(sandbox)[1]["traits"]["phones"]["+19545552399"]
    assert "voiceOptIn" not in phone and phone["smsOptIn"]["subscribed"] is True
    rows = _export(tmp_path, capsys)
    assert [(r["channel"], r["change"], r["was"]) for r in rows][2:] == [("sms", "change", False)]


def test_validate_print_shows_the_body_as_it_would_be_sent(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["send", "--wait", str(_write(tmp_path / "1.json", CONTACT))]) == 0
    capsys.readouterr()
    again = _write(tmp_path / "2.json", _renamed("Silva-Reyes"))
    assert main(["validate", "--print", str(again)]) == 0
    printed = capsys.readouterr()
    body = json.loads(printed.out)
    assert body["traits"]["phones"]["+19545552399"] == {"label": "Mobile", "isPrimary": True}
    assert (
        f"{again}: unchanged, not sent: SMS consent of +1 954-555-2399 is what this desk "
        "knows (--restate sends it)"
    ) in printed.err
