"""``regal-desktop import``: outputs, exit codes, mappings, and sending to the sandbox."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.context import open_context

CSV = Path(__file__).parent.parent / "data" / "csv"


def test_all_good_rows_written_as_jsonl_exit_0(
    regal: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "web.jsonl"
    assert regal("import", str(CSV / "web-form.csv"), "--out", str(out)) == 0
    bodies = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [b["userId"] for b in bodies] == ["u-1", "u-2", "u-3"]
    err = capsys.readouterr().err
    assert err.strip().endswith(
        "web-form.csv: 4 rows: 3 good (1 with warnings), 0 rejected, 1 empty (skipped) "
        "(--warnings lists them)"
    )
    # The output is a payload file the other commands read.
    assert main(["validate", str(out)]) == 0


def test_some_rows_rejected_exit_1_good_ones_still_written(
    regal: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = CSV / "bad-cells.csv"
    out, rejected = tmp_path / "good.jsonl", tmp_path / "rejected.csv"
    code = regal("import", str(source), "--out", str(out), "--rejected", str(rejected))
    assert code == 1
    err = capsys.readouterr().err.splitlines()
    bad_lines = [line for line in err if re.match(rf"{re.escape(str(source))}:\d+: ", line)]
    assert [line.split(":")[1] for line in bad_lines] == [
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "11",
        "12",
    ]
    assert bad_lines[0] == (
        f'{source}:3: column "smsOptIn": "maybe" is not a consent value; write subscribed '
        "or unsubscribed (or yes/no, true/false, 1/0), or leave it empty for No status"
    )
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert rejected.read_text(encoding="utf-8").count("\n") == 10


def test_warnings_are_listed_when_asked(
    regal: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = CSV / "stop-list.csv"
    assert regal("import", str(source), "--out", "-", "--warnings") == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 3
    assert (
        f'{source}:3: warning: traits.phones["(515) 555-2355"].smsOptIn: Phone +1 515-555-2355, '
        "SMS consent: opt-out (no more SMS to this number)"
    ) in captured.err
    # Writing the number in E.164 is information: not listed among the warnings.
    assert "will be sent as" not in captured.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"phone\n+19545582399\nJos\xe9\n", "bad.csv:3: not UTF-8 text"),
        (
            b"Phone Number,Mobile\n+19545582399,+19545582398\n",
            'columns "Phone Number" and "Mobile" both fill phone; keep one\nuse --map HEADER=FIELD',
        ),
    ],
)
def test_unreadable_file_exit_2_and_nothing_written(
    regal: Callable[..., int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    source, out = tmp_path / "bad.csv", tmp_path / "out.jsonl"
    source.write_bytes(content)
    assert regal("import", str(source), "--out", str(out)) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_file_and_bad_arguments_exit_2(
    regal: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(CSV / "web-form.csv")
    assert regal("import", str(tmp_path / "nope.csv"), "--out", "-") == 2
    assert "nope.csv: no such file" in capsys.readouterr().err
    assert regal("import", source, "--out", "-", "--map", "phone") == 2
    assert "--map 'phone' needs the form HEADER=FIELD" in capsys.readouterr().err
    assert regal("import", source, "--out", "-", "--default", "phone=+19545582399") == 2
    assert "phone cannot have a default" in capsys.readouterr().err
    assert regal("import", source, "--out", "-", "--mapping", "crm") == 2
    assert "no saved mapping called 'crm' (saved: none yet)" in capsys.readouterr().err
    assert regal("import", source, "--out", str(tmp_path / "no" / "such" / "out.jsonl")) == 2
    assert "cannot be written" in capsys.readouterr().err


CRM_MAP = [
    "--map",
    "Customer ID=userId",
    "--map",
    "First=firstName",
    "--map",
    "Phone Number=phone",
    "--map",
    "SMS consent=smsOptIn",
    "--map",
    "E-mail Address=email",
    "--map",
    "Plan=trait:plan",
    "--map",
    "Notes=ignore",
]


def test_mapping_saved_by_name_is_used_again(
    regal: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(CSV / "crm-export.csv")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    args = [*CRM_MAP, "--default", "optInText=I agree to texts", "--save-mapping", "crm"]
    assert regal("import", source, "--out", str(first), *args) == 0
    assert "mapping saved as 'crm'" in capsys.readouterr().err
    assert regal("import", source, "--out", str(second), "--mapping", "crm") == 0
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert json.loads(first.read_text(encoding="utf-8").splitlines()[0])["traits"]["phones"] == {
        "+19545582399": {"smsOptIn": {"subscribed": True, "text": "I agree to texts"}}
    }
    # A --map on the command line wins over the saved one.
    assert regal("import", source, "--out", "-", "--mapping", "crm", "--map", "Plan=ignore") == 0
    assert '"plan"' not in capsys.readouterr().out


def test_send_wait_delivers_good_rows_to_the_sandbox_and_updates_the_directory(
    regal: Callable[..., int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = CSV / "bad-cells.csv"
    assert regal("import", str(source), "--send", "--wait") == 1
    err = capsys.readouterr().err
    assert "queued 2 request(s) for profile sandbox" in err and "2 delivered" in err
    assert main(["contacts", "show", "(954) 558-2399"]) == 0
    profile = json.loads(capsys.readouterr().out)
    assert profile["userId"] == "ok-1"
    assert profile["traits"]["phones"]["+19545582399"]["smsOptIn"] == {
        "subscribed": True,
        "timestamp": "2026-11-25T09:00:00Z",
        "ip": "203.0.113.7",
    }
    assert main(["contacts", "show", "jane@example.com"]) == 0
    assert json.loads(capsys.readouterr().out)["userId"] == "ok-2"
    ctx = open_context()
    try:
        origins = sorted(row.origin for row in ctx.store.history.search())
    finally:
        ctx.close()
    assert origins == [f"{source}:13", f"{source}:2"]


def test_send_of_a_clean_file_exits_0(
    regal: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert regal("import", str(CSV / "stop-list.csv"), "--send", "--wait") == 0
    assert "3 delivered" in capsys.readouterr().err


def test_a_header_of_a_million_columns_is_one_line(
    regal: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"Col {n}" for n in range(1_000_000)) + "\n1\n", encoding="utf-8")
    assert regal("import", str(wide), "--out", str(tmp_path / "out.jsonl")) == 2
    err = capsys.readouterr().err
    assert err == (
        f"regal-desktop: {wide}:1: the header has 1,000,000 columns; an import reads at most "
        "1,000 (remove the columns you do not need)\n"
    )


def test_a_crm_export_imports_with_no_map_and_names_ignored_columns(
    regal: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = tmp_path / "crm.csv", tmp_path / "out.jsonl"
    source.write_text(
        "Customer ID,First Name,Last Name,Mobile,E-mail,SMS consent,Consent wording,"
        "Consent IP,Consent date,Notes\n"
        "c-1,Ann,Lee,+19545582399,ann@example.com,yes,Texts from Acme,203.0.113.7,"
        "2026-11-25T09:00:00-05:00,called twice\n",
        encoding="utf-8",
    )
    assert regal("import", str(source), "--out", str(out)) == 0
    err = capsys.readouterr().err
    assert f'{source}: ignored columns (not sent): "Notes"\n' in err
    (body,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert body["userId"] == "c-1"
    assert body["traits"]["firstName"] == "Ann" and body["traits"]["lastName"] == "Lee"
    sms = body["traits"]["phones"]["+19545582399"]["smsOptIn"]
    assert sms["subscribed"] is True and sms["ip"] == "203.0.113.7"
    assert sms["text"] == "Texts from Acme"
    assert "ann@example.com" in body["traits"]["emails"]
