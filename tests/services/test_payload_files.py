"""Payload files read as a stream: one line at a time, each payload bounded in size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regal_desktop.services import payload_files
from regal_desktop.services.payload_files import PayloadFileError, iter_payloads


def test_json_lines_are_yielded_before_the_rest_of_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text('{"userId": "1"}\n\n{"userId": "2"}\r\n{"userId": }\n', encoding="utf-8")
    payloads = iter_payloads(path)
    assert [next(payloads).source, next(payloads).source] == [f"{path}:1", f"{path}:3"]
    with pytest.raises(PayloadFileError, match=rf"^{path}:4:12: expected a value"):
        next(payloads)


def test_a_line_separator_inside_text_does_not_split_a_payload(tmp_path: Path) -> None:
    path = tmp_path / "sep.jsonl"
    body = {"userId": "1", "traits": {"notes": "one\u2028two\x85three\rfour"}}
    path.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    assert [p.raw for p in iter_payloads(path)] == [body]


def test_bom_and_bad_bytes_are_found_where_they_are(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"userId": "1"}\n{"userId": "\xff"}\n')
    payloads = iter_payloads(path)
    assert next(payloads).raw == {"userId": "1"}
    with pytest.raises(PayloadFileError) as raised:
        next(payloads)
    assert str(raised.value) == f"{path}:2: not UTF-8 text (byte 0xff at offset 31)"


def test_a_payload_bigger_than_the_bound_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payload_files, "MAX_PAYLOAD_BYTES", 64)
    monkeypatch.setattr(payload_files, "_TOO_BIG", "a payload may be at most 64 bytes")
    lines = tmp_path / "long.jsonl"
    lines.write_text('{"userId": "1"}\n{"userId": "' + "x" * 100 + '"}\n', encoding="utf-8")
    with pytest.raises(PayloadFileError) as raised:
        list(iter_payloads(lines))
    assert (
        str(raised.value) == f"{lines}:2: the line is too long; a payload may be at most 64 bytes"
    )
    single = tmp_path / "big.json"
    single.write_text('{"userId": "' + "x" * 100 + '"}', encoding="utf-8")
    with pytest.raises(PayloadFileError, match=rf"^{single}: is 0 MB; a payload may be at most"):
        list(iter_payloads(single))
