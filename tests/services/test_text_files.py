"""The one atomic writer: a file is whole, the old one or the new one, never a part."""

from __future__ import annotations

from pathlib import Path

import pytest

from regal_desktop.services.text_files import FileWriteError, atomic_output, write_atomically


def test_writes_the_text_exactly(tmp_path: Path) -> None:
    target = tmp_path / "contact.json"
    write_atomically(target, '{\n  "name": "Zoë"\n}\n')
    assert target.read_bytes() == '{\n  "name": "Zoë"\n}\n'.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["contact.json"]


def test_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    with atomic_output(target, encoding="utf-8-sig") as stream:
        stream.write("a,b\r\n")
    assert target.read_bytes() == b"\xef\xbb\xbfa,b\r\n"  # newline="" keeps \r\n as given


def test_an_error_in_the_block_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    target = tmp_path / "evidence.jsonl"
    target.write_text("the previous export\n", encoding="utf-8")

    with pytest.raises(RuntimeError, match="a bug"), atomic_output(target) as stream:
        stream.write("half of the new export")
        raise RuntimeError("a bug")

    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["evidence.jsonl"]


def test_a_disk_error_becomes_one_message_naming_the_file(tmp_path: Path) -> None:
    target = tmp_path / "evidence.jsonl"
    with pytest.raises(FileWriteError) as caught, atomic_output(target) as stream:
        stream.write("x")
        raise OSError(28, "No space left on device")
    assert str(caught.value) == f"{target}: cannot be written: No space left on device"
    assert caught.value.reason == "No space left on device"
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_reported_and_nothing_is_created(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.jsonl"
    with pytest.raises(FileWriteError, match=r"out\.jsonl: cannot be written: No such file"):
        write_atomically(target, "x")
    assert list(tmp_path.iterdir()) == []
