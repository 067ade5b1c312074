"""Fixtures for the drills: a payload file in the test's folder and a watched sandbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .tools import write_payloads


@pytest.fixture
def payload_file(tmp_path: Path) -> Callable[..., tuple[Path, list[str]]]:
    """Make a .jsonl of distinct contacts: ``payload_file(count, notes=0)`` → (path, ids)."""

    def make(count: int, *, tag: str = "drill", notes: int = 0) -> tuple[Path, list[str]]:
        path = tmp_path / f"{tag}-{count}.jsonl"
        return path, write_payloads(path, count, tag=tag, notes=notes)

    return make
