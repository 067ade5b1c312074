"""``regal-desktop history list | export`` after real sends, and atomic export files."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from regal_desktop.domain.spreadsheet import formula_restored
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.services.evidence import EVIDENCE_COLUMNS, ExportError, export_evidence

CSV = Path(__file__).parent.parent / "data" / "csv"
Regal = Callable[..., int]
#: (point, channel, subscribed) of every consent change the two files carry, in order.
CHANGES = [
    ("+19545582399", "voice", "true"),
    ("+19545582399", "sms", "true"),
    ("jane@example.com", "email", "true"),
    ("jose@example.com", "email", "false"),
    ("+19545582399", "sms", "false"),
    ("+15155552355", "sms", "false"),
    ("+13055550100", "sms", "false"),
]


@pytest.fixture
def sent(regal: Regal, capsys: pytest.CaptureFixture[str]) -> None:
    """The web form and the STOP list, imported and delivered to the sandbox."""
    assert regal("import", str(CSV / "web-form.csv"), "--send", "--wait") == 0
    assert regal("import", str(CSV / "stop-list.csv"), "--send", "--wait") == 0
    capsys.readouterr()


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.usefixtures("sent")
def test_export_csv_has_one_row_per_consent_change_oldest_first(
    regal: Regal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "evidence.csv"
    assert regal("history", "export", str(out)) == 0
    assert f"7 consent change(s) written to {out}" in capsys.readouterr().err
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff" + ",".join(EVIDENCE_COLUMNS) + "\r\n")
    rows = _csv_rows(text)
    # A "+" would start a spreadsheet formula (CWE-1236): the numbers carry a quote.
    assert [(formula_restored(r["point"]), r["channel"], r["subscribed"]) for r in rows] == CHANGES
    assert rows[0]["point"] == "'+19545582399"
    first = rows[0]
    assert first["text"] == 'I agree to "Acme" texts, calls and e-mails'
    assert first["ip"] == "203.0.113.7" and first["source"] == "web form"
    assert first["timestamp"] == "2026-11-25T09:12:28-05:00"
    assert first["state"] == "delivered" and first["accepted_at"] >= first["queued_at"]
    assert first["profile"] == "sandbox" and len(first["sha256"]) == 64
    assert rows[4]["text"] == rows[4]["ip"] == ""


@pytest.mark.usefixtures("sent")
def test_export_jsonl_filtered_by_contact_and_dates(
    regal: Regal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "jane.jsonl"
    assert regal("history", "export", "--contact", "(954) 558-2399", str(out)) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The contact's every identifier counts: her e-mail's consent is in her evidence too.
    assert [(r["point"], r["channel"], r["subscribed"]) for r in records] == [
        ("+19545582399", "voice", True),
        ("+19545582399", "sms", True),
        ("jane@example.com", "email", True),
        ("+19545582399", "sms", False),
    ]
    assert list(records[0]) == list(EVIDENCE_COLUMNS)
    assert records[3]["text"] is None and isinstance(records[0]["request_id"], int)
    today = records[0]["queued_at"][:10]
    assert regal("history", "export", "--since", "2000-01-01", "--until", today, "-") == 0
    assert len(_csv_rows(capsys.readouterr().out)) == 7
    assert regal("history", "export", "--until", "2000-01-01", "--format", "jsonl", "-") == 0
    assert capsys.readouterr().out == ""


def test_format_and_filters_are_checked_before_anything_is_written(
    regal: Regal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert regal("history", "export", str(tmp_path / "evidence.txt")) == 2
    assert "end it in .csv or .jsonl, or give --format" in capsys.readouterr().err
    out = tmp_path / "evidence.csv"
    out.write_text("the previous export\n", encoding="utf-8")
    assert regal("history", "export", "--since", "last week", str(out)) == 2
    assert "since 'last week' is not a date or time" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert regal("history", "list", "--state", "lost") == 2
    assert "unknown request state lost" in capsys.readouterr().err


def test_a_failure_mid_export_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "evidence.jsonl"
    out.write_text("the previous export\n", encoding="utf-8")

    def rows() -> Iterator[dict[str, Any]]:
        yield {"point": "+19545582399", "channel": "sms", "subscribed": True}
        raise OSError(28, "No space left on device")

    with pytest.raises(ExportError, match=r"evidence\.jsonl: cannot be written: No space left"):
        export_evidence(rows(), out, "jsonl")
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["evidence.jsonl"]


@pytest.mark.usefixtures("sent")
def test_list_shows_one_line_per_request_newest_first(
    regal: Regal, capsys: pytest.CaptureFixture[str]
) -> None:
    assert regal("history", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6
    assert lines[0].split()[2:5] == ["delivered", "sandbox", "+13055550100"]
    assert lines[0].endswith("SMS opt-out for +1 305-555-0100")
    assert lines[5].endswith(
        "Voice opt-in for +1 954-558-2399; SMS opt-in for +1 954-558-2399; "
        "E-mail opt-in for jane@example.com"
    )
    assert regal("history", "list", "--contact", "ann") == 0
    assert "no request matches" in capsys.readouterr().err
    assert regal("history", "list", "--contact", "+15155552355", "--state", "queued,delivered") == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[-1] for line in listed] == ["515-555-2355", "change"]


def test_the_api_key_never_appears_in_any_export(
    regal: Regal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = "rk_live_4f9c2a7e-not-for-exports"
    with Sandbox(key=key).start() as sandbox:
        monkeypatch.setenv("REGAL_ENDPOINT", sandbox.url)
        monkeypatch.setenv("REGAL_API_KEY", key)
        assert regal("import", str(CSV / "web-form.csv"), "--send", "--wait") == 0
        assert sandbox.accepted_count == 3
    for name in ("evidence.csv", "evidence.jsonl"):
        assert regal("history", "export", str(tmp_path / name)) == 0
        assert key not in (tmp_path / name).read_text(encoding="utf-8")
    assert regal("history", "list") == 0
    assert regal("history", "export", "-") == 0
    captured = capsys.readouterr()
    assert key not in captured.out + captured.err
    assert "4f9c2a7e" not in captured.out + captured.err


@pytest.mark.usefixtures("sent")
def test_list_and_export_keep_the_requests_of_one_import(
    regal: Regal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert regal("history", "list", "--import", "stop-list.csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all("opt-out" in line for line in lines)
    assert regal("history", "list", "--import", str(CSV / "web-form.csv")) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    out = tmp_path / "evidence.csv"
    assert regal("history", "export", "--import", "stop-list.csv", str(out)) == 0
    assert "3 consent change(s) written" in capsys.readouterr().err
    assert regal("history", "list", "--import", "nothing.csv") == 2
    err = capsys.readouterr().err
    assert "no import of a CSV file named nothing.csv" in err
    assert "stop-list.csv" in err and "web-form.csv" in err
