"""``import`` sends what changed: the same CSV imported twice sends no consent the second
time (unless ``--restate``); against a real loopback receiver."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from regal_desktop.sandbox.server import Sandbox

CSV = Path(__file__).parent.parent / "data" / "csv"
Regal = Callable[..., int]
CONSENT_FIELDS = ("voiceOptIn", "smsOptIn", "emailOptIn")


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with Sandbox().start() as receiver:
        monkeypatch.setenv("REGAL_ENDPOINT", receiver.url)
        monkeypatch.setenv("REGAL_API_KEY", "test-key")
        yield receiver


def _consent(body: dict[str, Any]) -> list[tuple[str, str]]:
    traits = body.get("traits") or {}
    return [
        (point, field)
        for group in ("phones", "emails")
        for point, entry in (traits.get(group) or {}).items()
        for field in CONSENT_FIELDS
        if field in entry
    ]


def test_the_same_csv_imported_twice_sends_no_consent_the_second_time(
    regal: Regal, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(CSV / "web-form.csv")
    assert regal("import", source, "--send", "--wait") == 0
    assert regal("import", source, "--send", "--wait") == 0
    bodies = [json.loads(r.body) for r in sandbox.received]
    first, second = bodies[:3], bodies[3:]
    assert sum(len(_consent(b)) for b in first) == 4
    assert [_consent(b) for b in second] == [[], [], []]
    [jane] = [b for b in second if b["userId"] == "u-1"]  # delivered in any order
    assert jane["traits"]["phones"] == {"+19545582399": {"label": "mobile", "isPrimary": True}}
    out = tmp_path / "evidence.jsonl"
    assert regal("history", "export", "--format", "jsonl", str(out)) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 4 and {row["change"] for row in rows} == {"change"}


def test_restate_imports_the_consent_again_as_restatements(
    regal: Regal, sandbox: Sandbox, tmp_path: Path
) -> None:
    source = str(CSV / "web-form.csv")
    assert regal("import", source, "--send", "--wait") == 0
    assert regal("import", source, "--send", "--wait", "--restate") == 0
    second = [json.loads(r.body) for r in sandbox.received][3:]
    assert sum(len(_consent(b)) for b in second) == 4
    out = tmp_path / "evidence.jsonl"
    assert regal("history", "export", "--format", "jsonl", str(out)) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["change"] for row in rows] == ["change"] * 4 + ["restatement"] * 4


def test_opt_out_method_and_received_at_columns_are_kept_as_evidence(
    regal: Regal, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "stops.csv"
    source.write_text(
        "phone,smsOptIn,optInTimestamp,opt_out_method,received_at\n"
        "(954) 555-2399,unsubscribed,2026-11-20T10:00:00Z,STOP reply,2026-11-19 08:00:00 -05:00\n"
        "+15155552355,unsubscribed,2026-11-20T10:00:00Z,carrier pigeon,\n"
        "+13055550100,subscribed,2026-11-20T10:00:00Z,call,\n",
        encoding="utf-8",
    )
    assert regal("import", str(source), "--send", "--wait", "--warnings") == 1
    err = capsys.readouterr().err
    assert f'{source}:3: column "opt_out_method": "carrier pigeon" is not one of: ' in err
    assert f'{source}:4: warning: $: column "opt_out_method" is not kept: the row ' in err
    out = tmp_path / "evidence.jsonl"
    assert regal("history", "export", "--format", "jsonl", str(out)) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["point"], r["method"], r["received_at"]) for r in rows] == [
        ("+19545552399", "stop_reply", "2026-11-19 08:00:00 -05:00"),  # as given
        ("+13055550100", None, None),
    ]
    assert not any("stop_reply" in r.body for r in sandbox.received)  # never sent
