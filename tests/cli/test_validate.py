"""``regal-desktop validate``: findings lines, exit codes, and --print's exact body."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.domain.check import check

PAYLOADS = Path(__file__).parent.parent / "data" / "payloads"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reference_example_with_comments_is_sendable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(PAYLOADS / "update-primary.json")]) == 0
    out = capsys.readouterr().out
    assert 'warning: traits.phones["+14445555555"]' in out
    assert "error" not in out


def test_invalid_number_is_an_error_with_file_and_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = PAYLOADS / "phones-and-emails.json"
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f'{path}: error: traits.phones["+144455555555"]: ' in lines[0]


def test_unparsable_file_reports_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.json", '{\n  "userId": "1",\n  "traits": {\n}\n')
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:5:1: ")


def test_missing_file_exits_2_and_other_files_still_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good.json", '{"userId": "1"}')
    bad = write(tmp_path, "bad.json", '{"userId": 1}')
    assert main(["validate", str(tmp_path / "nope.json"), str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "nope.json: no such file" in captured.err
    assert f"{bad}: error: userId: " in captured.out


def test_print_writes_exactly_the_body_and_findings_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = {"userId": "7", "traits": {"phones": {"(954) 558-2399": {"label": "Mobile"}}}}
    path = write(tmp_path, "p.json", json.dumps(raw))
    assert main(["validate", "--print", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == check(raw).text + "\n"
    assert '"+19545582399"' in captured.out
    assert "will be sent as" in captured.err or "+19545582399" in captured.err


def test_json_lines_report_their_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ['{"userId": "1"}', "", '{"userId": "2", "traits": {"phones": {"5582399": {}}}}']
    path = write(tmp_path, "many.jsonl", "\n".join(lines) + "\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f'{path}:3: error: traits.phones["5582399"]: ')


def test_json_lines_syntax_error_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "many.ndjson", '{"userId": "1"}\n{"userId": }\n')
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"{path}:2:")
